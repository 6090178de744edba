import { createHash } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { link, lstat, lutimes, mkdir, open, readdir, realpath, rm, symlink, unlink, lchown, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { ArchiveError, BerthError, InvalidArgumentError, toBerthError } from '../common/errors.js';
import { log } from '../common/log.js';
import { decompressDetect, type Compression } from './decompress.js';
import { makeNode } from './devices.js';
import { entryComponents, resolveDirInRoot } from './tar-paths.js';
import { OVERLAY_OPAQUE, setXattr } from './xattr.js';
import { writeAllv } from '../common/write-all.js';

export interface UnpackLimits { maxEntries?: number; maxHeaderBytes?: number; maxBytes?: number }
export type UnpackMode = 'overlay' | 'apply';

export const DEFAULT_UNPACK_LIMITS: Required<UnpackLimits> = {
  maxEntries: 1_000_000,
  maxHeaderBytes: 1024 * 1024,
  maxBytes: 64 * 1024 ** 3,
};

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

interface Header {
  name: string; mode?: number; uid?: number; gid?: number; size?: number; mtime?: Date;
  linkname?: string | null; type?: string | null; devmajor?: number; devminor?: number;
  pax?: Record<string, string>;
}

/**
 * Unpack a layer (plain, gzip or zstd tar, auto-detected) into dest (must exist, may be non-empty).
 * mode 'overlay': OCI whiteouts become overlay whiteouts (char 0:0) / opaque xattr (dest is an overlay lowerdir).
 * mode 'apply': whiteouts delete from dest (flattening). Hostile entries throw ArchiveError; nothing escapes dest.
 * Returns diffId = sha256 of the uncompressed tar stream, size = bytes of file content written.
 */
const WRITE_BATCH_BYTES = 1024 * 1024;

/** Owner ids to give a file for the ids its tar entry carries (a user-namespaced container stores shifted ids). */
export type UnpackIds = (uid: number, gid: number) => { uid: number; gid: number };

export interface UnpackOptions {
  mode?: UnpackMode; limits?: UnpackLimits; ids?: UnpackIds;
  /**
   * The sha256 of src, when the caller hashes the very same bytes anyway (an uncompressed layer that
   * also becomes a blob): the plain stream is then not hashed a second time. Ignored for a compressed src.
   */
  srcDigest?: Promise<string>;
}

export async function unpackLayer(src: Readable, dest: string, opts: UnpackOptions = {}): Promise<{ diffId: string; size: number }> {
  const limits = { ...DEFAULT_UNPACK_LIMITS, ...stripUndefined(opts.limits ?? {}) };
  const root = await realpath(dest).catch(() => { throw new InvalidArgumentError(`unpack target ${dest} does not exist`); });
  if (!(await lstat(root)).isDirectory()) throw new InvalidArgumentError(`unpack target ${dest} is not a directory`);

  let plain: Readable;
  let kind: Compression;
  try { ({ plain, kind } = await decompressDetect(src)); } catch (e) { src.destroy(); throw wrapError(e); }

  const known = kind === 'none' ? opts.srcDigest : undefined;
  known?.catch(() => undefined); // awaited below only if the unpack gets that far
  const hash = known ? undefined : createHash('sha256');
  let tarBytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      tarBytes += chunk.length;
      if (tarBytes > limits.maxBytes) {
        cb(new ArchiveError(`layer is larger than the limit of ${limits.maxBytes} bytes (uncompressed)`, 'ERR_ARCHIVE_TOO_LARGE'));
        return;
      }
      hash?.update(chunk);
      cb(null, chunk);
    },
  });
  const extract = tar.extract();
  const feeding = pipeline(plain, counter, extract as unknown as NodeJS.WritableStream);
  // it may reject while the entries are still being written (e.g. a full disk); it is awaited below,
  // but an early rejection must not count as unhandled and take the daemon down
  feeding.catch(() => undefined);
  const unpacker = new Unpacker(root, opts.mode ?? 'apply', limits);
  try {
    for await (const entry of extract) {
      const h = entry.header as Header;
      // tar headers cannot carry host ids of a user namespace range (above 262143), so they are mapped here
      if (opts.ids) Object.assign(h, opts.ids(h.uid ?? 0, h.gid ?? 0));
      await unpacker.apply(h, entry as unknown as Readable);
    }
    await feeding;
    await unpacker.finish();
  } catch (e) {
    src.destroy();
    plain.destroy();
    extract.destroy();
    await feeding.catch(() => undefined);
    throw wrapError(e);
  }
  return { diffId: known ? await known : 'sha256:' + hash!.digest('hex'), size: unpacker.size };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** tar-stream and zlib throw plain errors: a broken archive is an ArchiveError, a failing host is not. */
function wrapError(e: unknown): BerthError {
  if (e instanceof BerthError) return e;
  const err = e as NodeJS.ErrnoException;
  const msg = err?.message ?? String(e);
  if (/header exceeds max size/i.test(msg)) return new ArchiveError('tar header is larger than allowed', 'ERR_ARCHIVE_HEADER_TOO_LARGE');
  if (typeof err?.code === 'string' && err.code.startsWith('Z_')) return new ArchiveError(`corrupt gzip stream: ${msg}`, 'ERR_ARCHIVE_CORRUPT');
  if (typeof err?.code === 'string' && err.code.startsWith('E') && !err.code.startsWith('ERR_')) return toBerthError(e);
  return new ArchiveError(`corrupt or unreadable tar archive: ${msg}`, 'ERR_ARCHIVE_CORRUPT');
}

async function drain(stream: Readable): Promise<void> {
  for await (const _chunk of stream) { /* discard */ }
}

function isNotFound(e: unknown): boolean { return (e as NodeJS.ErrnoException).code === 'ENOENT'; }

/** Applies tar entries one by one below root; all state of one unpack run. */
class Unpacker {
  size = 0;
  private entries = 0;
  private readonly dirTimes: { path: string; mtime: Date }[] = [];
  /** Host paths written by this layer: an opaque marker must keep them (mode 'apply'). */
  private readonly written = new Set<string>();

  constructor(private readonly root: string, private readonly mode: UnpackMode, private readonly limits: Required<UnpackLimits>) {}

  async apply(h: Header, body: Readable): Promise<void> {
    if (++this.entries > this.limits.maxEntries) {
      throw new ArchiveError(`layer has more than ${this.limits.maxEntries} entries`, 'ERR_ARCHIVE_TOO_MANY_ENTRIES');
    }
    this.checkHeaderSize(h);
    const comps = entryComponents(h.name);
    const base = comps[comps.length - 1];
    if (base !== undefined && base.startsWith(WHITEOUT_PREFIX)) {
      await drain(body);
      await this.whiteout(h.name, comps.slice(0, -1), base);
      return;
    }
    switch (h.type) {
      case 'file': case 'contiguous-file': case null: case undefined:
        return this.file(h, comps, body);
      case 'directory': await drain(body); return this.directory(h, comps);
      case 'symlink': await drain(body); return this.symlink(h, comps);
      case 'link': await drain(body); return this.hardlink(h, comps);
      case 'character-device': case 'block-device': case 'fifo':
        await drain(body); return this.node(h, comps);
      default:
        // Unknown or extension entries (sparse, volume labels) carry nothing a layer needs.
        await drain(body);
    }
  }

  async finish(): Promise<void> {
    // Directory times last, deepest first, because writing children changes them.
    for (let i = this.dirTimes.length - 1; i >= 0; i--) {
      const { path, mtime } = this.dirTimes[i]!;
      await lutimes(path, mtime, mtime).catch((e) => { if (!isNotFound(e)) throw e; });
    }
  }

  private checkHeaderSize(h: Header): void {
    let bytes = h.name.length + (h.linkname?.length ?? 0);
    for (const [k, v] of Object.entries(h.pax ?? {})) bytes += k.length + v.length;
    if (bytes > this.limits.maxHeaderBytes) {
      throw new ArchiveError(`tar header of ${JSON.stringify(h.name.slice(0, 64))} is ${bytes} bytes, over the limit of ${this.limits.maxHeaderBytes}`, 'ERR_ARCHIVE_HEADER_TOO_LARGE');
    }
  }

  private what(h: Header): string { return `tar entry ${JSON.stringify(h.name)}`; }

  /** Parent directory of an entry, resolved and created inside root. */
  private parentOf(h: Header, comps: string[]): Promise<string> {
    return resolveDirInRoot(this.root, comps.slice(0, -1), { create: true, what: this.what(h) });
  }

  /** Make room for a new entry at path; an existing directory stays when keepDir. Returns whether a dir remains. */
  private async clear(path: string, keepDir: boolean): Promise<boolean> {
    let st;
    try { st = await lstat(path); } catch (e) { if (isNotFound(e)) return false; throw e; }
    if (st.isDirectory()) {
      if (keepDir) return true;
      await rm(path, { recursive: true, force: true });
    } else {
      await unlink(path);
    }
    return false;
  }

  private async file(h: Header, comps: string[], body: Readable): Promise<void> {
    if (comps.length === 0) throw new ArchiveError(`${this.what(h)}: a file cannot replace the root directory`, 'ERR_ARCHIVE_BAD_NAME');
    const path = join(await this.parentOf(h, comps), comps[comps.length - 1]!);
    await this.clear(path, false);
    const fh = await open(path, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o600);
    try {
      // chunks are gathered into ~1 MiB writev calls: one write per chunk (tens of KiB) made the
      // thread-pool round trips, not the disk, the limit of a big layer
      let batch: Buffer[] = [];
      let batched = 0;
      for await (const chunk of body) {
        batch.push(chunk as Buffer);
        batched += (chunk as Buffer).length;
        if (batched >= WRITE_BATCH_BYTES) { await writeAllv(fh, batch); this.size += batched; batch = []; batched = 0; }
      }
      if (batched > 0) { await writeAllv(fh, batch); this.size += batched; }
      await fh.chown(h.uid ?? 0, h.gid ?? 0);
      await fh.chmod((h.mode ?? 0o644) & 0o7777);
    } finally {
      await fh.close();
    }
    await this.finishEntry(h, path, false);
  }

  private async directory(h: Header, comps: string[]): Promise<void> {
    let path = this.root;
    if (comps.length > 0) {
      path = join(await this.parentOf(h, comps), comps[comps.length - 1]!);
      if (!(await this.clear(path, true))) await mkdir(path, { mode: 0o700 });
    }
    await lchown(path, h.uid ?? 0, h.gid ?? 0);
    await chmod(path, (h.mode ?? 0o755) & 0o7777); // path was lstat'ed or just made: a real directory
    await this.applyXattrs(h, path);
    this.written.add(path);
    if (h.mtime) this.dirTimes.push({ path, mtime: h.mtime });
  }

  private async symlink(h: Header, comps: string[]): Promise<void> {
    if (comps.length === 0) throw new ArchiveError(`${this.what(h)}: a symlink cannot replace the root directory`, 'ERR_ARCHIVE_BAD_NAME');
    if (!h.linkname) throw new ArchiveError(`${this.what(h)}: symlink without a target`, 'ERR_ARCHIVE_BAD_LINK');
    const path = join(await this.parentOf(h, comps), comps[comps.length - 1]!);
    await this.clear(path, false);
    // The target is stored as given; it is only ever followed inside root (see resolveDirInRoot).
    await symlink(h.linkname, path);
    await lchown(path, h.uid ?? 0, h.gid ?? 0);
    await this.finishEntry(h, path, true);
  }

  private async hardlink(h: Header, comps: string[]): Promise<void> {
    if (comps.length === 0) throw new ArchiveError(`${this.what(h)}: a hardlink cannot replace the root directory`, 'ERR_ARCHIVE_BAD_NAME');
    if (!h.linkname) throw new ArchiveError(`${this.what(h)}: hardlink without a target`, 'ERR_ARCHIVE_BAD_LINK');
    let targetComps: string[];
    try { targetComps = entryComponents(h.linkname); } catch (e) {
      if (e instanceof ArchiveError && e.code === 'ERR_ARCHIVE_PATH_ESCAPE') {
        throw new ArchiveError(`${this.what(h)}: hardlink target ${JSON.stringify(h.linkname)} is outside the target directory`, 'ERR_ARCHIVE_LINK_ESCAPE');
      }
      throw e;
    }
    if (targetComps.length === 0) throw new ArchiveError(`${this.what(h)}: hardlink to the root directory`, 'ERR_ARCHIVE_BAD_LINK');
    const what = `${this.what(h)} (hardlink target)`;
    const targetDir = await resolveDirInRoot(this.root, targetComps.slice(0, -1), { create: false, what });
    const target = join(targetDir, targetComps[targetComps.length - 1]!);
    const st = await lstat(target).catch((e) => {
      if (isNotFound(e)) throw new ArchiveError(`${what}: ${h.linkname} does not exist in this layer`, 'ERR_ARCHIVE_MISSING_TARGET');
      throw e;
    });
    if (st.isDirectory()) throw new ArchiveError(`${what}: ${h.linkname} is a directory`, 'ERR_ARCHIVE_BAD_LINK');
    const path = join(await this.parentOf(h, comps), comps[comps.length - 1]!);
    if (path === target) return;
    await this.clear(path, false);
    await link(target, path); // link(2) never follows a symlink target
    this.written.add(path);
  }

  private async node(h: Header, comps: string[]): Promise<void> {
    if (comps.length === 0) throw new ArchiveError(`${this.what(h)}: a device cannot replace the root directory`, 'ERR_ARCHIVE_BAD_NAME');
    const path = join(await this.parentOf(h, comps), comps[comps.length - 1]!);
    await this.clear(path, false);
    const kind = h.type === 'character-device' ? 'char' : h.type === 'block-device' ? 'block' : 'fifo';
    await makeNode(path, kind, h.mode ?? 0o644, h.devmajor ?? 0, h.devminor ?? 0);
    await lchown(path, h.uid ?? 0, h.gid ?? 0);
    await chmod(path, (h.mode ?? 0o644) & 0o7777); // mknod just made it: not a symlink
    await this.finishEntry(h, path, false);
  }

  private async finishEntry(h: Header, path: string, isSymlink: boolean): Promise<void> {
    if (!isSymlink) await this.applyXattrs(h, path);
    if (h.mtime) await lutimes(path, h.mtime, h.mtime);
    this.written.add(path);
  }

  /** PAX SCHILY.xattr.* records. trusted.overlay.* from an archive is dropped: it would steer overlayfs lookups. */
  private async applyXattrs(h: Header, path: string): Promise<void> {
    for (const [key, value] of Object.entries(h.pax ?? {})) {
      if (!key.startsWith('SCHILY.xattr.')) continue;
      const name = key.slice('SCHILY.xattr.'.length);
      if (name.startsWith('trusted.overlay.')) continue;
      // tar-stream decodes PAX values as UTF-8; a binary value arrives mangled and is skipped, not set wrong.
      if (value.includes('\uFFFD')) { log.warn('skipping binary xattr that cannot be read exactly', { path, name }); continue; }
      try {
        await setXattr(path, name, Buffer.from(value, 'utf8'));
      } catch (e) {
        // A namespace the host file system lacks (security.selinux, ...) must not fail the whole layer.
        if (!/not supported/i.test((e as Error).message)) throw e;
        log.warn('xattr not supported here, skipped', { path, name });
      }
    }
  }

  private async whiteout(name: string, dirComps: string[], base: string): Promise<void> {
    const what = `whiteout ${JSON.stringify(name)}`;
    if (base === OPAQUE_MARKER) {
      const dir = await resolveDirInRoot(this.root, dirComps, { create: true, what });
      if (this.mode === 'overlay') {
        await setXattr(dir, OVERLAY_OPAQUE, Buffer.from('y'));
      } else {
        for (const child of await readdir(dir)) {
          const p = join(dir, child);
          if (!this.written.has(p)) await rm(p, { recursive: true, force: true });
        }
      }
      return;
    }
    if (base.startsWith(WHITEOUT_PREFIX + WHITEOUT_PREFIX)) return; // other AUFS metadata: nothing to apply
    const victim = base.slice(WHITEOUT_PREFIX.length);
    if (victim === '' || victim === '.' || victim === '..') throw new ArchiveError(`${what}: invalid whiteout name`, 'ERR_ARCHIVE_BAD_NAME');
    if (this.mode === 'overlay') {
      const dir = await resolveDirInRoot(this.root, dirComps, { create: true, what });
      const path = join(dir, victim);
      await this.clear(path, false);
      await makeNode(path, 'char', 0, 0, 0);
      this.written.add(path);
      return;
    }
    let dir: string;
    try {
      dir = await resolveDirInRoot(this.root, dirComps, { create: false, what });
    } catch (e) {
      if (e instanceof ArchiveError && (e.code === 'ERR_ARCHIVE_MISSING_TARGET' || e.code === 'ERR_ARCHIVE_NOT_DIR')) return; // nothing to delete
      throw e;
    }
    await rm(join(dir, victim), { recursive: true, force: true }); // rm never follows symlinks
  }
}
