import { createReadStream, type Stats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { ArchiveError, InvalidArgumentError, NotFoundError } from '../common/errors.js';
import { decompressAuto } from '../snapshot/decompress.js';
import { spoolTar } from '../snapshot/tar-spool.js';
import { unpackLayer, type UnpackIds } from '../snapshot/tar-unpack.js';
import { goFileMode } from './file-mode.js';
import { mountsBelow, resolveMounted, type MountedPath, type PathMount } from '../record/mounted-path.js';
import { resolveInRoot } from '../runtime/resolve-in-root.js';

/** A container's file tree as docker cp sees it: the rootfs with the container's mounts on it. */
export interface ContainerFs { root: string; mounts: PathMount[] }

/** Docker's ContainerPathStat. */
export interface ContainerPathStat { name: string; size: number; mode: number; mtime: string; linkTarget: string }

async function lstatOrNotFound(hostPath: string, containerPath: string): Promise<Stats> {
  try { return await lstat(hostPath); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new NotFoundError(`Could not find the file ${containerPath} in container`, 'ERR_PATH_NOT_FOUND');
    }
    throw e;
  }
}

/** Stat a path as Docker does: symlinks resolved in the container (across its mounts) except the last element. */
export async function statContainerPath(fs: ContainerFs, containerPath: string): Promise<{ stat: ContainerPathStat; hostPath: string; st: Stats; resolved: MountedPath }> {
  const abs = posix.resolve('/', containerPath);
  const resolved = resolveMounted(fs.root, fs.mounts, abs, false);
  const st = await lstatOrNotFound(resolved.hostPath, containerPath);
  let linkTarget = '';
  if (st.isSymbolicLink()) linkTarget = resolveMounted(fs.root, fs.mounts, abs, true).containerPath;
  return {
    stat: { name: posix.basename(abs) || '/', size: st.size, mode: goFileMode(st), mtime: st.mtime.toISOString(), linkTarget },
    hostPath: resolved.hostPath, st, resolved,
  };
}

type HeaderArg = Partial<tar.Header> & { name: string };

/** Host ids -> the ids a tar entry shows (identity unless the container has its own user namespace). */
export type TarIds = (uid: number, gid: number) => { uid: number; gid: number };

function headerFor(name: string, st: Stats, ids?: TarIds): HeaderArg {
  const { uid, gid } = ids ? ids(st.uid, st.gid) : st;
  const base = { name, mode: st.mode & 0o7777, uid, gid, mtime: st.mtime };
  if (st.isDirectory()) return { ...base, type: 'directory' };
  if (st.isSymbolicLink()) return { ...base, type: 'symlink' };
  if (st.isCharacterDevice()) return { ...base, type: 'character-device', devmajor: Math.floor(st.rdev / 256) & 0xfff, devminor: (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00) };
  if (st.isBlockDevice()) return { ...base, type: 'block-device', devmajor: Math.floor(st.rdev / 256) & 0xfff, devminor: (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00) };
  if (st.isFIFO()) return { ...base, type: 'fifo' };
  return { ...base, type: 'file', size: st.size };
}

/**
 * A tar of hostPath whose entries are named below `name` (docker cp naming:
 * the copied file or directory keeps its base name). Sockets are skipped.
 * With `within` (the container path of hostPath and the container's mounts), a
 * directory that is a mount point is packed from the mounted data.
 */
export function packPath(hostPath: string, name: string, within?: { containerPath: string; mounts: PathMount[] }, ids?: TarIds): Readable {
  const below = within ? mountsBelow(within.mounts, within.containerPath) : new Map<string, string>();
  const pack = tar.pack();
  const out = new PassThrough();
  const addEntry = (header: HeaderArg, body?: Readable) => new Promise<void>((resolve, reject) => {
    const entry = pack.entry(header, (err) => (err ? reject(err) : resolve()));
    if (body) body.on('error', reject).pipe(entry);
    else entry.end(Buffer.alloc(0));
  });
  const walk = async (p0: string, entryName: string, cpath: string): Promise<void> => {
    const p = below.get(cpath) ?? p0;
    const st = await lstat(p);
    if (st.isSocket()) return;
    const h = headerFor(entryName, st, ids);
    if (st.isSymbolicLink()) { h.linkname = await readlink(p); await addEntry(h); return; }
    if (st.isFile()) { await addEntry(h, createReadStream(p)); return; }
    await addEntry(h);
    if (st.isDirectory()) {
      for (const child of (await readdir(p)).sort()) await walk(posix.join(p, child), posix.join(entryName, child), posix.join(cpath, child));
    }
  };
  walk(hostPath, name, within?.containerPath ?? '/').then(() => pack.finalize(), (e) => pack.destroy(e));
  pack.pipe(out);
  pack.on('error', (e) => out.destroy(e));
  return out;
}

/**
 * Extract a client's tar into a directory of the container (docker cp into).
 * The target must exist and be a directory. Extraction goes through the
 * snapshot module's hostile-archive-safe unpacker (nothing escapes the
 * target; symlinks are resolved inside it). Without copyUIDGID files belong to
 * the container's root (Docker's default); noOverwriteDirNonDir refuses to
 * replace a directory with a non-directory or the reverse; ids turns the
 * container ids of the entries into the host ids to write (user namespaces).
 */
export async function extractIntoContainer(fs: ContainerFs, containerPath: string, src: Readable,
  opts: { spoolDir: string; noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean; check?: (target: MountedPath) => void; ids?: UnpackIds }): Promise<void> {
  const abs = posix.resolve('/', containerPath);
  const resolveTarget = async (): Promise<string> => {
    const target = resolveMounted(fs.root, fs.mounts, abs, true);
    const st = await lstatOrNotFound(target.hostPath, containerPath);
    if (!st.isDirectory()) throw new InvalidArgumentError(`extraction point is not a directory`, 'ERR_NOT_A_DIRECTORY');
    opts.check?.(target); // read-only rules, once the target's mount is known
    return target.hostPath;
  };
  await resolveTarget(); // refuse a bad target before reading the body

  // the whole body first: a broken or cut-off archive must not leave its first entries behind
  const spooled = await spoolTar(src, opts.spoolDir);
  try {
    // resolved again once the body is in: a running container had the whole upload to swap a path
    // component for a symlink, and only a fresh in-root resolution keeps the unpack inside it
    const dir = await resolveTarget();
    await applyTar(spooled.open(), dir, abs, opts);
  } finally { await spooled.dispose(); }
}

/** Unpacks a (checked) tar into dir, rewriting headers on the way: ownership and the dir/non-dir check. */
async function applyTar(src: Readable, dir: string, abs: string, opts: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean; ids?: UnpackIds }): Promise<void> {
  const extract = tar.extract();
  const repack = tar.pack();
  // both are consumed below and their failures reported through the promises: no stray 'error' events
  repack.on('error', () => undefined);
  const check = async (header: HeaderArg) => {
    if (!opts.copyUIDGID) { header.uid = 0; header.gid = 0; header.uname = ''; header.gname = ''; }
    if (opts.noOverwriteDirNonDir) {
      const rel = header.name.split('/').filter((p: string) => p && p !== '.');
      if (rel.includes('..')) throw new ArchiveError(`tar entry ${JSON.stringify(header.name)} escapes the target directory`, 'ERR_ARCHIVE_PATH_ESCAPE');
      const existing = await lstat(resolveInRoot(dir, rel.join('/'), false)).catch(() => null);
      if (existing) {
        const newIsDir = header.type === 'directory';
        if (existing.isDirectory() && !newIsDir) throw new InvalidArgumentError(`cannot overwrite directory "${posix.join(abs, ...rel)}" with non-directory`, 'ERR_OVERWRITE_DIR');
        if (!existing.isDirectory() && newIsDir) throw new InvalidArgumentError(`cannot overwrite non-directory "${posix.join(abs, ...rel)}" with directory`, 'ERR_OVERWRITE_NONDIR');
      }
    }
  };
  extract.on('entry', (header, stream, next) => {
    check(header).then(() => {
      const entry = repack.entry(header, (err) => (err ? extract.destroy(err) : next()));
      stream.pipe(entry);
    }, (e) => { stream.resume(); extract.destroy(e); });
  });
  extract.on('finish', () => repack.finalize());
  extract.on('error', (e) => repack.destroy(e));
  const plain = await decompressAuto(src);
  const feeding = pipeline(plain, extract);
  feeding.catch(() => undefined);
  const unpacking = unpackLayer(repack as unknown as Readable, dir, { mode: 'apply', ids: opts.ids });
  const [fed, unpacked] = await Promise.allSettled([feeding, unpacking]);
  if (fed.status === 'rejected') throw asArchiveError(fed.reason);
  if (unpacked.status === 'rejected') throw unpacked.reason;
}

function asArchiveError(e: unknown): Error {
  if (e instanceof Error && 'status' in e) return e;
  return new ArchiveError(`invalid tar archive: ${(e as Error)?.message ?? e}`);
}
