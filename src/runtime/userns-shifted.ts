/**
 * The image's layers for a keep-id container (userns-keepid.ts), shown owned by the container's ids
 * without idmapped mounts (which the kernel allows only to root on the host, and fuse-overlayfs's
 * uidmapping= needs /dev/fuse): a copy of each lower dir whose files are chowned through the maps,
 * as Podman does when it has neither. Each copy is made once per layer and map and kept with the
 * layer (LayerStore.shiftedDir; removed with the layer, orphans at start-up). It is made in a
 * `.partial` dir under a per-copy lock and renamed into place, so a crash never leaves a half copy
 * where a container would find it (the next make removes the partial one).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, lchownSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { SystemError } from '../common/errors.js';
import type { LayerStore } from '../snapshot/layer-store.js';
import { lowerDirsOf, withLowerDirs, type Mount } from '../snapshot/mounts.js';
import type { SnapshotStore } from '../snapshot/overlay.js';
import { mapToHost, type UsernsMaps } from './userns.js';
import { giveUpperToMappedRoot } from './userns-rootfs.js';

/** cp of one layer: generous, but bounded (a hung copy must not hold the container's start forever) */
const COPY_TIMEOUT_MS = 30 * 60_000;

/** A short, stable name for the maps (the same maps share their copies). */
export function mapsKey(maps: UsernsMaps): string {
  const text = (['uid', 'gid'] as const).map((k) => maps[k].map((m) => `${m.containerId}:${m.hostId}:${m.size}`).join(',')).join('/');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** cp -a keeps hard links, sparse files, xattrs (overlay's opaque markers) and whiteouts; reflinks where the fs can */
function copyTree(src: string, dest: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('cp', ['-a', '--reflink=auto', '--', src, dest], { stdio: ['ignore', 'ignore', 'pipe'], timeout: COPY_TIMEOUT_MS });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { if (err.length < 4000) err += d.toString(); });
    child.once('error', (e) => reject(new SystemError(`copying layer ${src}: ${e.message}`, 'ERR_ROOTLESS_STORAGE')));
    child.once('exit', (code, signal) => code === 0 ? resolve()
      : reject(new SystemError(`copying layer ${src} for --userns=keep-id failed (${signal ?? `exit ${code}`}): ${err.trim()}`, 'ERR_ROOTLESS_STORAGE')));
  });
}

/**
 * Give every entry of `copy` the owner of its twin in `src`, mapped. Owners are read from the source, so
 * hard links (one inode, many names) are chowned to the same result however often they are met.
 * chown clears set-id bits, which are put back. A walk with an explicit stack: no recursion depth limit.
 */
function chownTree(src: string, copy: string, maps: UsernsMaps): void {
  const stack: string[] = [''];
  while (stack.length) {
    const rel = stack.pop()!;
    const st = lstatSync(join(src, rel));
    const uid = mapToHost(maps.uid, st.uid) ?? st.uid;
    const gid = mapToHost(maps.gid, st.gid) ?? st.gid;
    const target = join(copy, rel);
    if (uid !== st.uid || gid !== st.gid) {
      lchownSync(target, uid, gid);
      if (!st.isSymbolicLink() && (st.mode & 0o6000)) chmodSync(target, st.mode & 0o7777);
    }
    if (st.isDirectory()) for (const name of readdirSync(join(src, rel))) stack.push(join(rel, name));
  }
}

const making = new Map<string, Promise<void>>();

/** The chowned copy of one lower dir for the maps, made unless it is there. */
async function shiftedCopy(lower: string, dest: string, maps: UsernsMaps): Promise<void> {
  if (existsSync(dest)) return;
  let p = making.get(dest);
  if (!p) {
    p = (async () => {
      if (existsSync(dest)) return;
      const partial = `${dest}.partial`;
      rmSync(partial, { recursive: true, force: true }); // an earlier make that crashed
      mkdirSync(join(dest, '..'), { recursive: true, mode: 0o711 });
      try {
        await copyTree(lower, partial);
        chownTree(lower, partial, maps);
        renameSync(partial, dest);
      } catch (e) {
        rmSync(partial, { recursive: true, force: true });
        throw e instanceof SystemError ? e : new SystemError(`preparing layer ${lower} for --userns=keep-id: ${(e as Error).message}`, 'ERR_ROOTLESS_STORAGE');
      }
    })().finally(() => making.delete(dest));
    making.set(dest, p);
  }
  await p;
}

/**
 * The snapshot's mounts over chowned copies of its lower dirs (made here when missing), and the upper
 * dir's top given to the container's root. Mount the result as any snapshot's mounts (mountAll).
 */
export async function shiftedRootfsMounts(snapshots: SnapshotStore, layers: LayerStore, id: string, maps: UsernsMaps, opts: { volatile?: boolean } = {}): Promise<Mount[]> {
  const key = mapsKey(maps);
  // keep-id:uid=0,gid=0 maps every id to itself: the layers are right as they are
  const identity = [...maps.uid, ...maps.gid].every((m) => m.containerId === m.hostId);
  const out: Mount[] = [];
  for (const m of await snapshots.mounts(id, opts)) {
    const lowers = lowerDirsOf(m);
    if (!lowers.length || identity) { out.push(m); continue; }
    const shifted: string[] = [];
    for (const lower of lowers) {
      const dir = layers.shiftedDir(lower);
      if (!dir) { shifted.push(lower); continue; } // berth's empty lower dir: nothing to own
      const dest = join(dir, key);
      await shiftedCopy(lower, dest, maps);
      shifted.push(dest);
    }
    out.push(withLowerDirs(m, shifted));
  }
  giveUpperToMappedRoot(snapshots.upperDir(id), maps);
  return out;
}
