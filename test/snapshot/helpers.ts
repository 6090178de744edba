import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';

export interface TarEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';
  body?: string | Buffer;
  mode?: number; uid?: number; gid?: number; mtime?: Date;
  linkname?: string; devmajor?: number; devminor?: number;
  pax?: Record<string, string>;
}

/** Build a tar archive in memory with tar-stream's packer (hostile ones included). */
export async function buildTar(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => { for await (const c of pack) chunks.push(c as Buffer); })();
  for (const e of entries) {
    const header = { ...e, type: e.type ?? 'file', mtime: e.mtime ?? new Date(1_600_000_000_000) } as Partial<tar.Header> & { name: string; pax?: Record<string, string> };
    delete (header as { body?: unknown }).body;
    await new Promise<void>((resolve, reject) => {
      if (header.type === 'file') pack.entry(header, e.body ?? '', (err) => (err ? reject(err) : resolve()));
      else pack.entry(header, (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function streamOf(buf: Buffer): Readable { return Readable.from([buf]); }

export async function tempDir(t: { after: (fn: () => Promise<void>) => void }, prefix = 'berth-snap-'): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  t.after(async () => {
    await assertNoMountsUnder(d);
    await rm(d, { recursive: true, force: true });
  });
  return d;
}

function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export async function mountsUnder(dir: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').filter(Boolean).map((l) => unescapeMount(l.split(' ')[4]!))
    .filter((mp) => mp === dir || mp.startsWith(dir + '/'));
}

export async function assertNoMountsUnder(dir: string): Promise<void> {
  const left = await mountsUnder(dir);
  if (left.length > 0) {
    // Clean up anyway so one failure does not poison the machine, then fail loudly.
    const { run } = await import('../../src/common/exec.js');
    for (const mp of left.reverse()) await run('umount', ['-l', mp]);
    throw new Error(`mounts left behind under ${dir}: ${left.join(', ')}`);
  }
}
