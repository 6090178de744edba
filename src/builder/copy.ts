/**
 * COPY/ADD into a mounted rootfs with Docker's rules: a trailing `/` or several
 * sources make the destination a directory, a directory source copies its
 * contents, owners default to 0:0, `--chown`/`--chmod`/`--exclude`/`--parents`,
 * ADD unpacks local tar archives and fetches http(s) URLs (with `--checksum`).
 */
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, copyFileSync, lchownSync, lstatSync, mkdirSync, openSync, readdirSync, readlinkSync, readSync, createReadStream, symlinkSync, utimesSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InvalidArgumentError, NotFoundError, SystemError } from '../common/errors.js';
import { resolveInRoot } from '../runtime/resolve-in-root.js';
import { resolveUser } from '../runtime/index.js';
import { unpackLayer } from '../snapshot/tar-unpack.js';
import type { BuildContext } from './context/build-context.js';
import { PatternMatcher } from './context/dockerignore.js';

export interface CopySource { root: string; rel: string; fromContext: boolean; url?: string }

export interface CopyPlan {
  kind: 'copy' | 'add';
  sources: CopySource[];
  /** absolute path in the image (WORKDIR applied); trailing `/` kept */
  dest: string;
  chown?: string;
  chmod?: number;
  excludes: string[];
  parents: boolean;
  checksum?: string;
  heredocs: Array<{ name: string; content: string }>;
  multiple: boolean;
}

const MAX_URL_BYTES = 4 * 1024 ** 3;

export async function copyIntoRoot(rootfs: string, plan: CopyPlan, ctx: BuildContext): Promise<void> {
  const owner = plan.chown ? resolveUser(rootfs, plan.chown) : { uid: 0, gid: 0 };
  const destHost = resolveInRoot(rootfs, plan.dest);
  let destExistsDir = false;
  try { destExistsDir = statSync(destHost).isDirectory(); } catch { /* new */ }
  const destIsDir = plan.dest.endsWith('/') || plan.multiple || destExistsDir || plan.parents;
  const exclude = plan.excludes.length ? new PatternMatcher(plan.excludes) : undefined;
  const mkdirs = (dir: string): void => { mkdirSync(dir, { recursive: true, mode: 0o755 }); };

  const place = (fromAbs: string, toAbs: string, isTop: boolean): void => {
    const st = lstatSync(fromAbs);
    if (st.isDirectory()) {
      try { if (!lstatSync(toAbs).isDirectory()) rmSync(toAbs, { force: true }); } catch { /* new */ }
      mkdirSync(toAbs, { recursive: true });
      chmodSync(toAbs, plan.chmod ?? st.mode & 0o7777);
    } else {
      mkdirs(dirname(toAbs));
      rmSync(toAbs, { recursive: true, force: true });
      if (st.isSymbolicLink()) symlinkSync(readlinkSync(fromAbs), toAbs);
      else if (st.isFile()) { copyFileSync(fromAbs, toAbs); chmodSync(toAbs, plan.chmod ?? st.mode & 0o7777); }
      else return; // sockets, devices: not copied (as Docker)
    }
    lchownSync(toAbs, owner.uid, owner.gid);
    if (!st.isSymbolicLink()) utimesSync(toAbs, st.atime, st.mtime);
    void isTop;
  };

  for (const doc of plan.heredocs) {
    const target = destIsDir ? join(destHost, doc.name) : destHost;
    mkdirs(dirname(target));
    writeFileSync(target, doc.content, { mode: plan.chmod ?? 0o644 });
    if (plan.chmod !== undefined) chmodSync(target, plan.chmod);
    lchownSync(target, owner.uid, owner.gid);
  }

  for (const src of plan.sources) {
    if (src.url) { await fetchInto(src.url, destIsDir ? join(destHost, urlFileName(src.url)) : destHost, plan, owner); continue; }
    const abs = join(src.root, src.rel);
    let st;
    try { st = lstatSync(abs); } catch {
      throw new NotFoundError(`COPY failed: stat ${src.rel}: file does not exist`, 'ERR_BUILD_SOURCE_NOT_FOUND');
    }
    const base = plan.parents ? join(destHost, src.rel === '.' ? '' : src.rel) : destHost;
    if (st.isDirectory()) {
      const rels = src.fromContext ? ctx.list(src.rel, exclude) : listTree(src.root, src.rel, exclude);
      mkdirs(base);
      for (const r of rels) {
        const sub = r === src.rel ? '' : r.slice(src.rel === '.' ? 0 : src.rel.length + 1);
        if (sub === '') { if (plan.parents) place(abs, base, true); continue; }
        place(join(src.root, r), join(base, sub), false);
      }
      continue;
    }
    const target = plan.parents ? base : destIsDir ? join(destHost, basename(src.rel)) : destHost;
    if (plan.kind === 'add' && st.isFile() && isArchive(abs)) {
      const into = destIsDir || plan.parents ? (plan.parents ? dirname(target) : destHost) : destHost;
      mkdirs(into);
      await unpackLayer(createReadStream(abs), into, { mode: 'apply' });
      continue;
    }
    place(abs, target, true);
  }
}

function listTree(root: string, rel: string, exclude?: PatternMatcher): string[] {
  const out: string[] = [];
  const visit = (p: string, sub: string): void => {
    if (exclude && sub !== '.' && exclude.matches(sub)) return;
    out.push(p);
    const st = lstatSync(join(root, p));
    if (st.isDirectory()) {
      for (const n of readdirSync(join(root, p)).sort()) visit(p === '.' ? n : `${p}/${n}`, sub === '.' ? n : `${sub}/${n}`);
    }
  };
  visit(rel, '.');
  return out;
}


/** gzip, zstd or plain tar (what the layer unpacker reads). */
function isArchive(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(512);
    const n = readSync(fd, buf, 0, 512, 0);
    if (n >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) return true;
    if (n >= 4 && buf.readUInt32LE(0) === 0xfd2fb528) return true;
    return n >= 262 && buf.subarray(257, 262).toString() === 'ustar';
  } finally { closeSync(fd); }
}

function urlFileName(url: string): string {
  const name = basename(new URL(url).pathname);
  return name && name !== '/' ? name : '__unnamed__';
}

async function fetchInto(url: string, target: string, plan: CopyPlan, owner: { uid: number; gid: number }): Promise<void> {
  let res: Response;
  try { res = await fetch(url, { signal: AbortSignal.timeout(10 * 60_000) }); } catch (e) {
    throw new SystemError(`ADD failed: cannot fetch ${url}: ${(e as Error).message}`, 'ERR_BUILD_FETCH');
  }
  if (!res.ok) throw new SystemError(`ADD failed: ${url} answered ${res.status} ${res.statusText}`, 'ERR_BUILD_FETCH');
  const buf = Buffer.from(await res.arrayBuffer());
  if (buf.length > MAX_URL_BYTES) throw new SystemError(`ADD failed: ${url} is larger than ${MAX_URL_BYTES} bytes`, 'ERR_BUILD_FETCH');
  if (plan.checksum) {
    const m = /^sha256:([a-f0-9]{64})$/.exec(plan.checksum);
    if (!m) throw new InvalidArgumentError(`invalid checksum ${plan.checksum}: only sha256:<hex> is supported`, 'ERR_BUILD_CHECKSUM');
    const got = createHash('sha256').update(buf).digest('hex');
    if (got !== m[1]) throw new InvalidArgumentError(`digest mismatch for ${url}: expected sha256:${m[1]}, got sha256:${got}`, 'ERR_BUILD_CHECKSUM');
  }
  mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
  writeFileSync(target, buf, { mode: 0o600 });
  chmodSync(target, plan.chmod ?? 0o600);
  lchownSync(target, owner.uid, owner.gid);
}
