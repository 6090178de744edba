/**
 * Copying between a container and the local file system with Docker's semantics (docker/cli's cp
 * command and moby's archive.PrepareArchiveCopy): the daemon's archive endpoints carry a tar whose
 * entries are renamed on the way so that extracting it in the right directory gives the copy the
 * user asked for. `berth cp` and `berth compose cp` both copy with it.
 */
import { lstat, readlink, realpath, stat } from 'node:fs/promises';
import { posix, resolve as resolvePath } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { BerthError } from '../common/errors.js';
import type { EngineClient } from './engine-client.js';
import { humanSize } from './format/units.js';

const enc = encodeURIComponent;

// Go's os.FileMode type bits (ContainerPathStat.mode)
const GO_MODE_DIR = 2 ** 31;
const GO_MODE_SYMLINK = 2 ** 27;
const GO_TYPE_BITS = [GO_MODE_DIR, GO_MODE_SYMLINK, 2 ** 26, 2 ** 25, 2 ** 24, 2 ** 21, 2 ** 19]; // dir symlink device pipe socket char irregular

interface PathStat { name: string; size: number; mode: number; mtime: string; linkTarget: string }
interface CopyInfo { path: string; exists: boolean; isDir: boolean; rebaseName?: string }

/** A copy error printed as Docker's CLI prints it (exit 1). */
export class CopyError extends BerthError {
  constructor(message: string) { super(message, { code: 'ERR_COPY', status: 400, exitCode: 1 }); }
}

const hasMode = (mode: number, bit: number) => Math.floor(mode / bit) % 2 === 1;
const isDirMode = (mode: number) => hasMode(mode, GO_MODE_DIR);
const isSymlinkMode = (mode: number) => hasMode(mode, GO_MODE_SYMLINK);
const isRegularMode = (mode: number) => GO_TYPE_BITS.every((bit) => !hasMode(mode, bit));

/** docker's splitCpArg: `ctr:path`, unless the argument is an absolute or explicit relative local path. */
export function splitCpArg(arg: string): { container: string; path: string } {
  if (arg.startsWith('/')) return { container: '', path: arg };
  const colon = arg.indexOf(':');
  if (colon < 0 || arg.startsWith('.')) return { container: '', path: arg };
  return { container: arg.slice(0, colon), path: arg.slice(colon + 1) };
}

const endsWithSep = (p: string) => p.endsWith('/');
const specifiesCurrentDir = (p: string) => p === '.' || p.endsWith('/.');
const assertsDirectory = (p: string) => endsWithSep(p) || specifiesCurrentDir(p);

/** Keep a trailing "/." or "/" of the original through a clean/absolutise (archive.PreserveTrailingDotOrSeparator). */
function preserveTrailing(cleaned: string, original: string): string {
  if (specifiesCurrentDir(original) && !specifiesCurrentDir(cleaned)) return cleaned === '/' ? '/.' : `${cleaned}/.`;
  if (endsWithSep(original) && !endsWithSep(cleaned)) return `${cleaned}/`;
  return cleaned;
}

/** archive.SplitPathDirEntry: parent and base of a path, "." as base for a trailing "/.". */
export function splitPathDirEntry(p: string): { dir: string; base: string } {
  let cleaned = posix.normalize(p);
  if (cleaned.length > 1 && cleaned.endsWith('/')) cleaned = cleaned.slice(0, -1);
  if (specifiesCurrentDir(p)) cleaned = cleaned === '/' ? '/.' : `${cleaned}/.`;
  return { dir: posix.dirname(cleaned), base: posix.basename(cleaned) || '/' };
}

/** Rename an entry whose first component is oldBase so that it starts with newBase instead. */
export function rebaseEntryName(name: string, oldBase: string, newBase: string): string {
  let rel = name.replace(/^(\.\/)+/, '');
  if (rel === '.' || rel === './') rel = '';
  if (oldBase === '.') return rel ? posix.join(newBase, rel) + (rel.endsWith('/') ? '/' : '') : newBase;
  if (rel === oldBase || rel === `${oldBase}/`) return newBase + (rel.endsWith('/') ? '/' : '');
  if (rel.startsWith(`${oldBase}/`)) return newBase + rel.slice(oldBase.length);
  return name;
}

/** A tar stream with every header passed through `edit` (names, ownership). */
function rewriteTar(src: Readable, edit: (h: tar.Header) => void): Readable {
  const extract = tar.extract();
  const pack = tar.pack();
  extract.on('entry', (header, stream, next) => {
    edit(header);
    const entry = pack.entry(header, (err) => (err ? extract.destroy(err) : next()));
    stream.pipe(entry);
  });
  extract.on('finish', () => pack.finalize());
  extract.on('error', (e) => pack.destroy(e));
  src.on('error', (e) => extract.destroy(e));
  src.pipe(extract);
  return pack as unknown as Readable;
}

function rebaseArchive(src: Readable, oldBase: string, newBase: string): Readable {
  if (oldBase === newBase) return src;
  return rewriteTar(src, (h) => {
    h.name = rebaseEntryName(h.name, oldBase, newBase);
    if (h.type === 'link' && h.linkname) h.linkname = rebaseEntryName(h.linkname, oldBase, newBase);
  });
}

/** archive.PrepareArchiveCopy: the directory to extract into and how the entries must be renamed. */
function prepareArchiveCopy(src: Readable, srcInfo: CopyInfo, dstInfo: CopyInfo): { dstDir: string; content: Readable } {
  const { dir: dstDir, base: dstBase } = splitPathDirEntry(dstInfo.path);
  let { base: srcBase } = splitPathDirEntry(srcInfo.path);
  if (dstInfo.exists && dstInfo.isDir) return { dstDir: dstInfo.path, content: src };
  if (dstInfo.exists && srcInfo.isDir) throw new CopyError('cannot copy directory');
  if (!dstInfo.exists && !srcInfo.isDir && assertsDirectory(dstInfo.path)) throw new CopyError('no such directory');
  if (srcInfo.rebaseName) srcBase = srcInfo.rebaseName;
  return { dstDir, content: rebaseArchive(src, srcBase, dstBase) };
}

function goPathError(op: string, path: string, e: unknown): CopyError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const text = code === 'ENOENT' ? 'no such file or directory' : code === 'ENOTDIR' ? 'not a directory'
    : code === 'EACCES' ? 'permission denied' : code === 'ELOOP' ? 'too many levels of symbolic links' : (e as Error)?.message;
  return new CopyError(`${op} ${path}: ${text}`);
}

/** archive.CopyInfoDestinationPath: follow a symlinked destination; a missing one needs an existing parent directory. */
async function localDestinationInfo(path: string): Promise<CopyInfo> {
  let p = path;
  let st = await lstat(p).catch((e) => e as NodeJS.ErrnoException);
  for (let n = 0; !(st instanceof Error) && st.isSymbolicLink(); n++) {
    if (n > 10) throw new CopyError(`too many symlinks in ${path}`);
    let target = await readlink(p);
    if (!target.startsWith('/')) target = posix.join(splitPathDirEntry(p).dir, target);
    p = target;
    st = await lstat(p).catch((e) => e as NodeJS.ErrnoException);
  }
  if (!(st instanceof Error)) return { path: p, exists: true, isDir: st.isDirectory() };
  if (st.code !== 'ENOENT') throw goPathError('lstat', p, st);
  const parent = splitPathDirEntry(p).dir;
  const pst = await stat(parent).catch((e) => { throw goPathError('stat', parent, e); });
  if (!pst.isDirectory()) throw new CopyError('not a directory');
  return { path: p, exists: false, isDir: false };
}

/** archive.ResolveHostSourcePath + CopyInfoSourcePath: symlinks before the last element are always followed, the last one only with -L. */
async function localSourceInfo(path: string, followLink: boolean): Promise<CopyInfo> {
  let resolved: string;
  let rebaseName: string | undefined;
  if (followLink) {
    resolved = await realpath(path).catch((e) => { throw goPathError('lstat', path, e); });
    resolved = preserveTrailing(resolved, path);
    if (posix.basename(path) !== posix.basename(resolved) && !specifiesCurrentDir(path)) rebaseName = posix.basename(splitPathDirEntry(path).base);
  } else if (endsWithSep(path) && !specifiesCurrentDir(path)) {
    // "link/" means the directory the link points to, named as the link
    resolved = `${await realpath(path).catch((e) => { throw goPathError('lstat', path, e); })}/`;
    if (posix.basename(resolved) !== posix.basename(path)) rebaseName = posix.basename(path);
  } else {
    const { dir, base } = splitPathDirEntry(path);
    const realDir = await realpath(dir).catch((e) => { throw goPathError('lstat', dir, e); });
    resolved = base === '.' ? `${realDir}/.` : posix.join(realDir, base);
    resolved = preserveTrailing(resolved, path);
  }
  const st = await lstat(resolved).catch((e) => { throw goPathError('lstat', resolved, e); });
  return { path: resolved, exists: true, isDir: st.isDirectory(), rebaseName };
}

function decodeStat(header: string | string[] | undefined): PathStat | undefined {
  if (typeof header !== 'string' || !header) return undefined;
  try { return JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as PathStat; } catch { return undefined; }
}

/** Extract a tar that came from the container below dstDir: nothing may land outside it, files belong to the caller. */
async function extractLocally(content: Readable, dstDir: string): Promise<number> {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  let bytes = 0;
  const owned = rewriteTar(content, (h) => {
    h.uid = uid; h.gid = gid; h.uname = ''; h.gname = '';
    bytes += h.size ?? 0;
  });
  const guarded = new PassThrough();
  const noOverwrite = rewriteTarAsync(owned, async (h) => {
    const rel = h.name.split('/').filter((c) => c && c !== '.');
    if (rel.length === 0 || rel.includes('..')) return; // the unpacker refuses escapes itself
    const existing = await lstat(posix.join(dstDir, ...rel)).catch(() => null);
    if (!existing) return;
    const full = posix.join(dstDir, ...rel);
    if (existing.isDirectory() && h.type !== 'directory') throw new CopyError(`cannot overwrite directory "${full}" with non-directory "${full}"`);
    if (!existing.isDirectory() && h.type === 'directory') throw new CopyError(`cannot overwrite non-directory "${full}" with directory "${full}"`);
  });
  noOverwrite.on('error', (e) => guarded.destroy(e));
  noOverwrite.pipe(guarded);
  const { unpackLayer } = await import('../snapshot/tar-unpack.js');
  await unpackLayer(guarded, dstDir, { mode: 'apply' });
  return bytes;
}

/** Like rewriteTar with an async check per header that may reject the archive. */
function rewriteTarAsync(src: Readable, check: (h: tar.Header) => Promise<void>): Readable {
  const extract = tar.extract();
  const pack = tar.pack();
  extract.on('entry', (header, stream, next) => {
    check(header).then(() => {
      const entry = pack.entry(header, (err) => (err ? extract.destroy(err) : next()));
      stream.pipe(entry);
    }, (e) => { stream.resume(); pack.destroy(e); extract.destroy(e); });
  });
  extract.on('finish', () => pack.finalize());
  extract.on('error', (e) => pack.destroy(e));
  src.on('error', (e) => extract.destroy(e));
  src.pipe(extract);
  return pack as unknown as Readable;
}

/** Count the bytes of a stream as it passes (for "Successfully copied"). */
function counted(src: Readable, onBytes: (n: number) => void): Readable {
  const out = new PassThrough();
  src.on('data', (c: Buffer) => onBytes(c.length));
  src.on('error', (e) => out.destroy(e));
  src.pipe(out);
  return out;
}

export interface CpOptions { archive?: boolean; followLink?: boolean; quiet?: boolean }

/** Where a copy's data and messages go (a CLI passes its process's streams). */
export interface CopyIO {
  stdout: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  /** "Successfully copied …", shown only on a terminal */
  progress?: (line: string) => void;
}

export async function copyFromContainer(client: EngineClient, io: CopyIO, container: string, srcPath: string, dstArg: string, o: CpOptions): Promise<void> {
  const dstPath = dstArg === '-' ? '-' : preserveTrailing(resolvePath(dstArg), dstArg);
  let rebaseName: string | undefined;
  if (o.followLink) {
    const head = await client.request('HEAD', `/containers/${enc(container)}/archive`, { query: { path: srcPath } }).catch(() => undefined);
    head?.resume();
    const st = decodeStat(head?.headers['x-docker-container-path-stat']);
    if (st && isSymlinkMode(st.mode)) {
      let target = st.linkTarget;
      if (!target.startsWith('/')) target = posix.join(splitPathDirEntry(srcPath).dir, target);
      target = preserveTrailing(target, srcPath);
      if (posix.basename(srcPath) !== posix.basename(target)) rebaseName = splitPathDirEntry(srcPath).base;
      srcPath = target;
    }
  }
  const res = await client.request('GET', `/containers/${enc(container)}/archive`, { query: { path: srcPath } });
  if (dstPath === '-') {
    await pipeline(res, io.stdout);
    return;
  }
  const st = decodeStat(res.headers['x-docker-container-path-stat']);
  const srcInfo: CopyInfo = { path: srcPath, exists: true, isDir: st ? isDirMode(st.mode) : false, rebaseName };
  let dstInfo: CopyInfo;
  try { dstInfo = await localDestinationInfo(dstPath); } catch (e) { res.destroy(); throw e; }
  let prepared: { dstDir: string; content: Readable };
  // entries come named after the link's target: give them the link's name first
  const preArchive = rebaseName ? rebaseArchive(res, splitPathDirEntry(srcPath).base, rebaseName) : res;
  try { prepared = prepareArchiveCopy(preArchive, srcInfo, dstInfo); } catch (e) { res.destroy(); throw e; }
  let copied = 0;
  await extractLocally(counted(prepared.content, (n) => { copied += n; }), prepared.dstDir);
  if (!o.quiet) io.progress?.(`Successfully copied ${humanSize(copied)} to ${dstArg}\n`);
}

export async function copyToContainer(client: EngineClient, io: CopyIO, srcArg: string, container: string, dstPath: string, o: CpOptions): Promise<void> {
  const statPath = async (p: string): Promise<PathStat | undefined> => {
    const head = await client.request('HEAD', `/containers/${enc(container)}/archive`, { query: { path: p } }).catch(() => undefined);
    head?.resume();
    return decodeStat(head?.headers['x-docker-container-path-stat']);
  };
  const dstInfo: CopyInfo = { path: dstPath, exists: false, isDir: false };
  let dstStat = await statPath(dstPath);
  if (dstStat && isSymlinkMode(dstStat.mode)) {
    let target = dstStat.linkTarget;
    if (!target.startsWith('/')) target = posix.join(splitPathDirEntry(dstPath).dir, target);
    dstInfo.path = target;
    dstStat = await statPath(target);
  }
  if (dstStat && !isDirMode(dstStat.mode) && !isRegularMode(dstStat.mode)) {
    throw new CopyError(`destination "${container}:${dstPath}" must be a directory or a regular file`);
  }
  if (dstStat) { dstInfo.exists = true; dstInfo.isDir = isDirMode(dstStat.mode); }

  let content: Readable;
  let resolvedDst: string;
  let copied = 0;
  if (srcArg === '-') {
    if (!dstInfo.isDir) throw new CopyError(`destination "${container}:${dstPath}" must be a directory`);
    content = io.stdin as Readable;
    resolvedDst = dstInfo.path;
  } else {
    const srcInfo = await localSourceInfo(preserveTrailing(resolvePath(srcArg), srcArg), Boolean(o.followLink));
    const { dir, base } = splitPathDirEntry(srcInfo.path);
    const { packPath } = await import('../container/container-archive.js');
    const archive = packPath(base === '.' ? dir : posix.join(dir, base), srcInfo.rebaseName ?? base);
    const prepared = prepareArchiveCopy(archive, srcInfo, dstInfo);
    content = counted(prepared.content, (n) => { copied += n; });
    resolvedDst = prepared.dstDir;
  }
  await client.call('PUT', `/containers/${enc(container)}/archive`, {
    query: { path: resolvedDst, noOverwriteDirNonDir: true, copyUIDGID: o.archive ? true : undefined },
    body: content,
  });
  if (!o.quiet && srcArg !== '-') io.progress?.(`Successfully copied ${humanSize(copied)} to ${container}:${dstPath}\n`);
}

