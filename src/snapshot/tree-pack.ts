import { createReadStream, type Stats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { toBerthError } from '../common/errors.js';
import { devMajor, devMinor } from './devices.js';
import { OPAQUE_MARKER, WHITEOUT_PREFIX } from './tar-unpack.js';
import { OVERLAY_OPAQUE, readXattrTree } from './xattr.js';

export interface PackTreeOptions {
  /** Read dir as an overlay upper dir: char 0:0 nodes become `.wh.<name>`, opaque dirs get `.wh..wh..opq`. */
  overlayUpper: boolean;
  /** Owner ids to record for a file's host ids (a user-namespaced container's upper dir holds shifted ids). */
  ids?: (uid: number, gid: number) => { uid: number; gid: number };
}

type PackHeader = Partial<tar.Header> & { name: string; pax?: Record<string, string> };

export function isOverlayWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

/**
 * A tar stream of the tree below dir (dir itself not included), names relative
 * and sorted, with owners, modes, mtimes, xattrs (PAX SCHILY.xattr.*), symlinks,
 * device nodes and hardlinks (a second name of an inode becomes a link entry).
 * Files are read while the stream is consumed, so the tree must hold still.
 */
export function packTree(dir: string, opts: PackTreeOptions): Readable {
  const out = new PassThrough();
  const pack = tar.pack();
  let finished = false;
  pack.on('error', (e: Error) => out.destroy(e));
  out.on('close', () => { if (!finished) pack.destroy(); });
  pack.pipe(out);
  (async () => {
    const xattrs = await readXattrTree(dir);
    const inodes = new Map<string, string>();

    const add = (header: PackHeader, body?: Buffer | Readable): Promise<void> => new Promise((resolve, reject) => {
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (body === undefined) {
        pack.entry(header, cb);
      } else if (Buffer.isBuffer(body)) {
        pack.entry(header, body, cb);
      } else {
        const sink = pack.entry(header, cb);
        body.on('error', (e) => sink.destroy(e));
        body.pipe(sink as unknown as NodeJS.WritableStream);
      }
    });

    const walk = async (hostDir: string, rel: string): Promise<void> => {
      const names = (await readdir(hostDir)).sort();
      for (const name of names) {
        if (out.destroyed) return;
        const host = join(hostDir, name);
        const relPath = rel === '' ? name : `${rel}/${name}`;
        const st = await lstat(host);
        const attrs = xattrs.get(host);
        const pax: Record<string, string> = {};
        for (const [k, v] of attrs ?? []) {
          if (k.startsWith('trusted.overlay.')) continue; // overlayfs bookkeeping, not content
          const text = v.toString('utf8');
          // tar-stream writes PAX values as UTF-8 text: a binary value (e.g. security.capability)
          // would be corrupted, so it is left out rather than written wrong.
          if (!Buffer.from(text, 'utf8').equals(v)) continue;
          pax['SCHILY.xattr.' + k] = text;
        }
        const base: PackHeader = {
          name: relPath, mode: st.mode & 0o7777, ...(opts.ids ? opts.ids(st.uid, st.gid) : { uid: st.uid, gid: st.gid }), mtime: st.mtime,
          ...(Object.keys(pax).length > 0 ? { pax } : {}),
        };
        if (opts.overlayUpper && isOverlayWhiteout(st)) {
          const wh = rel === '' ? WHITEOUT_PREFIX + name : `${rel}/${WHITEOUT_PREFIX}${name}`;
          await add({ name: wh, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: st.mtime }, Buffer.alloc(0));
        } else if (st.isDirectory()) {
          await add({ ...base, type: 'directory' });
          if (opts.overlayUpper && attrs?.get(OVERLAY_OPAQUE)?.toString() === 'y') {
            await add({ name: `${relPath}/${OPAQUE_MARKER}`, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: st.mtime }, Buffer.alloc(0));
          }
          await walk(host, relPath);
        } else if (st.isFile()) {
          const key = `${st.dev}:${st.ino}`;
          const first = st.nlink > 1 ? inodes.get(key) : undefined;
          if (first !== undefined) {
            await add({ ...base, type: 'link', linkname: first, size: 0 });
          } else {
            if (st.nlink > 1) inodes.set(key, relPath);
            if (st.size === 0) await add({ ...base, type: 'file', size: 0 }, Buffer.alloc(0));
            else await add({ ...base, type: 'file', size: st.size }, createReadStream(host, { start: 0, end: st.size - 1 }));
          }
        } else if (st.isSymbolicLink()) {
          await add({ ...base, type: 'symlink', linkname: await readlink(host) });
        } else if (st.isCharacterDevice() || st.isBlockDevice()) {
          await add({ ...base, type: st.isCharacterDevice() ? 'character-device' : 'block-device', devmajor: devMajor(st.rdev), devminor: devMinor(st.rdev) });
        } else if (st.isFIFO()) {
          await add({ ...base, type: 'fifo' });
        }
        // Sockets are not part of a file system image (Docker skips them too).
      }
    };

    await walk(dir, '');
    finished = true;
    pack.finalize();
  })().catch((e: unknown) => {
    finished = true;
    const err = toBerthError(e);
    pack.destroy(err);
    out.destroy(err);
  });
  return out;
}
