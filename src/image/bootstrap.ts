/**
 * Base images made on this host, without a registry: busybox from the host's
 * static busybox binary, and Debian bookworm through mmdebstrap from the mirror
 * the host's apt uses.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { NotSupportedError, SystemError } from '../common/errors.js';
import { runOk } from '../common/exec.js';
import { log } from '../common/log.js';
import type { ImageRecord, ImageStore } from './image-store.js';

const BUSYBOX_BINARY = '/usr/bin/busybox';
/** Fixed time for every entry and the config: the same binary always gives the same image ID. */
const FIXED_TIME = new Date('2024-01-01T00:00:00Z');
const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const PASSWD = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
`;

const GROUP = `root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nogroup:x:65534:
`;

const SHADOW = PASSWD.split('\n').filter(Boolean).map((l) => `${l.split(':')[0]}:*:19000:0:99999:7:::`).join('\n') + '\n';

export async function bootstrapImage(images: ImageStore, name: 'busybox' | 'debian', opts: { tag?: string; mirror?: string } = {}): Promise<ImageRecord> {
  if (name === 'busybox') return bootstrapBusybox(images, opts.tag);
  if (name === 'debian') return bootstrapDebian(images, opts);
  throw new NotSupportedError(`cannot bootstrap image "${name as string}": only busybox and debian`, 'ERR_BOOTSTRAP_UNSUPPORTED');
}

// ---------- busybox ----------

interface Entry { name: string; type: 'directory' | 'file' | 'symlink'; mode: number; body?: Buffer; linkname?: string }

/** The applets the host busybox provides (`busybox --list`). */
async function busyboxApplets(binary: string): Promise<string[]> {
  const out = await runOk(binary, ['--list']);
  return out.split('\n').map((s) => s.trim()).filter((s) => /^[A-Za-z0-9_.[\]-]+$/.test(s) && s !== 'busybox');
}

export async function busyboxRootfsEntries(binary = BUSYBOX_BINARY): Promise<Entry[]> {
  if (!existsSync(binary)) {
    throw new NotSupportedError(`cannot bootstrap busybox: ${binary} is missing (install the busybox-static package)`, 'ERR_BOOTSTRAP_BUSYBOX');
  }
  const dirs: Array<[string, number]> = [
    ['bin', 0o755], ['dev', 0o755], ['etc', 0o755], ['home', 0o755], ['proc', 0o555], ['root', 0o700], ['sys', 0o555],
    ['tmp', 0o1777], ['usr', 0o755], ['usr/sbin', 0o755], ['var', 0o755], ['var/spool', 0o755], ['var/spool/mail', 0o755],
    ['var/www', 0o755],
  ];
  const entries: Entry[] = dirs.map(([n, mode]) => ({ name: n, type: 'directory', mode }));
  entries.push({ name: 'bin/busybox', type: 'file', mode: 0o755, body: readFileSync(binary) });
  for (const applet of (await busyboxApplets(binary)).sort()) {
    entries.push({ name: `bin/${applet}`, type: 'symlink', mode: 0o777, linkname: 'busybox' });
  }
  entries.push({ name: 'etc/group', type: 'file', mode: 0o644, body: Buffer.from(GROUP) });
  entries.push({ name: 'etc/passwd', type: 'file', mode: 0o644, body: Buffer.from(PASSWD) });
  entries.push({ name: 'etc/shadow', type: 'file', mode: 0o600, body: Buffer.from(SHADOW) });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return entries;
}

/** A deterministic tar stream (fixed owner root:root and mtime). */
function packEntries(entries: Entry[]): Readable {
  const pack = tar.pack();
  const out = new PassThrough();
  pack.on('error', (e: Error) => out.destroy(e));
  pack.pipe(out);
  for (const e of entries) {
    const header: Partial<tar.Header> & { name: string } = {
      name: e.type === 'directory' ? `${e.name}/` : e.name, type: e.type, mode: e.mode, uid: 0, gid: 0,
      uname: 'root', gname: 'root', mtime: FIXED_TIME,
    };
    if (e.type === 'symlink') header.linkname = e.linkname;
    if (e.body) pack.entry(header, e.body);
    else pack.entry(header);
  }
  pack.finalize();
  return out;
}

async function bootstrapBusybox(images: ImageStore, tag = 'busybox:latest'): Promise<ImageRecord> {
  const entries = await busyboxRootfsEntries();
  const version = (await runOk(BUSYBOX_BINARY, ['--help']).catch(() => '')).split('\n')[0].trim();
  return images.createImage({
    layerTar: packEntries(entries),
    config: { Env: [DEFAULT_PATH], Cmd: ['sh'] },
    history: { created_by: `berth bootstrap: ${version || 'busybox'} from ${BUSYBOX_BINARY}` },
    tags: [tag],
    created: FIXED_TIME.toISOString(),
  });
}

// ---------- debian ----------

/** `deb URI suite components` lines for bookworm from the host's apt sources (one-line and deb822 formats). */
export function hostDebianSources(aptDir = '/etc/apt', suite = 'bookworm'): string[] {
  const lines: string[] = [];
  const files: string[] = [];
  if (existsSync(join(aptDir, 'sources.list'))) files.push(join(aptDir, 'sources.list'));
  const d = join(aptDir, 'sources.list.d');
  if (existsSync(d)) for (const f of readdirSync(d).sort()) if (f.endsWith('.list') || f.endsWith('.sources')) files.push(join(d, f));
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const fields: Record<string, string> = {};
        for (const l of stanza.split('\n')) {
          const m = /^([A-Za-z-]+):\s*(.*)$/.exec(l);
          if (m) fields[m[1].toLowerCase()] = m[2].trim();
        }
        if (!(fields.types ?? '').split(/\s+/).includes('deb') || fields.enabled === 'no') continue;
        for (const uri of (fields.uris ?? '').split(/\s+/).filter(Boolean)) {
          for (const s of (fields.suites ?? '').split(/\s+/).filter((x) => x === suite || x.startsWith(`${suite}-`))) {
            lines.push(`deb ${uri} ${s} ${fields.components ?? 'main'}`);
          }
        }
      }
    } else {
      for (const l of text.split('\n')) {
        const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)$/.exec(l.trim());
        if (m && (m[2] === suite || m[2].startsWith(`${suite}-`))) lines.push(`deb ${m[1]} ${m[2]} ${m[3].trim()}`);
      }
    }
  }
  return lines;
}

/** mmdebstrap's tar on stdout, as a stream that fails when mmdebstrap fails. */
export function mmdebstrapTar(sources: string[]): Readable {
  const args = ['--variant=minbase', '--mode=root', '--format=tar', '--quiet', 'bookworm', '-', ...sources];
  const child = spawn('mmdebstrap', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SOURCE_DATE_EPOCH: String(FIXED_TIME.getTime() / 1000) } });
  const out = new PassThrough();
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-4000); });
  child.stdout.pipe(out, { end: false });
  child.on('error', (e) => out.destroy(new SystemError(`cannot run mmdebstrap: ${e.message}`, 'ERR_BOOTSTRAP_DEBIAN', e)));
  child.on('close', (code) => {
    if (code === 0) out.end();
    else out.destroy(new SystemError(`mmdebstrap failed (exit ${code}): ${stderr.trim()}`, 'ERR_BOOTSTRAP_DEBIAN'));
  });
  out.on('close', () => { if (child.exitCode === null) child.kill('SIGKILL'); });
  return out;
}

async function bootstrapDebian(images: ImageStore, opts: { tag?: string; mirror?: string }): Promise<ImageRecord> {
  const sources = opts.mirror ? [opts.mirror] : hostDebianSources();
  if (sources.length === 0) throw new NotSupportedError('cannot bootstrap debian: no bookworm mirror in /etc/apt/sources.list(.d)', 'ERR_BOOTSTRAP_DEBIAN');
  log.info('bootstrapping debian:bookworm with mmdebstrap', { sources: sources.join(' | ') });
  const tags = opts.tag ? [opts.tag] : ['debian:bookworm', 'debian:latest'];
  return images.createImage({
    layerTar: mmdebstrapTar(sources),
    config: { Env: [DEFAULT_PATH], Cmd: ['bash'] },
    history: { created_by: `berth bootstrap: mmdebstrap --variant=minbase bookworm` },
    tags,
  });
}
