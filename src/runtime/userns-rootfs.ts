/**
 * The root file system of a container with its own user namespace: the image must
 * look owned by the container's root, that is by the mapped host ids.
 *
 * How (measured on kernel 6.18, ext4, crun 1.8.1):
 * - overlayfs itself cannot be idmapped (mount_setattr(MOUNT_ATTR_IDMAP) on an overlay
 *   mount: EINVAL), and crun 1.8.1 has no idmap for the rootfs, only for bind mounts;
 * - but overlayfs takes idmapped *layers* (kernel >= 5.19). So each lower dir gets an
 *   idmapped bind mount (open_tree + mount_setattr + move_mount, through libc with koffi)
 *   under the snapshot's dir, and the overlay is mounted over those. Setting it up costs
 *   a few milliseconds per layer and no disk; chown-ing a copy of the layers per range
 *   would cost a full copy of the image (seconds, and the image's size on disk per range).
 * - the upper dir is NOT idmapped: what the container writes lands there with the mapped
 *   host ids, so root in the container owns nothing of the host's. Its top directory (the
 *   container's `/`) is chowned to the mapped root.
 * The idmapped layer mounts stay until the snapshot is removed (SnapshotStore.remove
 * unmounts everything below its dir), so a restart reuses them. The snapshot's own mount
 * descriptions are rewritten to use them (idmappedRootfsMounts); the caller mounts the result.
 */
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, closeSync, mkdirSync, openSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SystemError } from '../common/errors.js';
import { MOUNT_ATTR_SIZE, lastErrnoName, libcFunction } from '../common/libc.js';
import type { SnapshotStore } from '../snapshot/overlay.js';
import { isMounted, lowerDirsOf, withLowerDirs, type Mount } from '../snapshot/mounts.js';
import { mapToHost, type IdMap, type UsernsMaps } from './userns.js';

const AT_FDCWD = -100;
const AT_EMPTY_PATH = 0x1000;
const AT_RECURSIVE = 0x8000;
const OPEN_TREE_CLONE = 1;
const OPEN_TREE_CLOEXEC = 0o2000000;
const MOVE_MOUNT_F_EMPTY_PATH = 0x4;
const MOUNT_ATTR_IDMAP = 0x100000;

interface MountSyscalls {
  openTree(path: string): number;
  setIdmap(fd: number, usernsFd: number): void;
  moveMount(fd: number, target: string): void;
}

let syscalls: MountSyscalls | undefined;

/** glibc >= 2.36 wraps the new mount API; koffi calls it (Node has no binding of its own). */
function mountSyscalls(): MountSyscalls {
  if (syscalls) return syscalls;
  const openTree = libcFunction('open_tree');
  const mountSetattr = libcFunction('mount_setattr');
  const moveMount = libcFunction('move_mount');
  const fail = (what: string, path: string): never => {
    throw new SystemError(`${what} ${path}: ${lastErrnoName()}`, 'ERR_IDMAP_MOUNT');
  };
  syscalls = {
    openTree(path) {
      const fd = openTree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
      return fd < 0 ? fail('open_tree', path) : fd;
    },
    setIdmap(fd, usernsFd) {
      const value = { attr_set: MOUNT_ATTR_IDMAP, attr_clr: 0, propagation: 0, userns_fd: usernsFd };
      if (mountSetattr(fd, '', AT_EMPTY_PATH, value, MOUNT_ATTR_SIZE) < 0) fail('mount_setattr(MOUNT_ATTR_IDMAP)', `fd ${fd}`);
    },
    moveMount(fd, target) {
      if (moveMount(fd, '', AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0) fail('move_mount', target);
    },
  };
  return syscalls;
}

const mapLines = (maps: IdMap[]) => maps.map((m) => `${m.containerId} ${m.hostId} ${m.size}\n`).join('');

/**
 * A user namespace with these maps, held by a short-lived process, as an fd
 * (what MOUNT_ATTR_IDMAP takes). The caller closes the fd.
 */
async function usernsFd(maps: UsernsMaps): Promise<number> {
  const child = spawn('unshare', ['--user', '--', 'sleep', '60'], { stdio: 'ignore' });
  try {
    const pid = child.pid;
    if (!pid) throw new SystemError('cannot start unshare for an idmapped mount', 'ERR_IDMAP_MOUNT');
    const mine = readlinkSync('/proc/self/ns/user');
    // wait (bounded) until the child has its own user namespace
    for (let i = 0; ; i++) {
      let ns = mine;
      try { ns = readlinkSync(`/proc/${pid}/ns/user`); } catch { /* not there yet */ }
      if (ns !== mine) break;
      if (i >= 400 || child.exitCode !== null) throw new SystemError('unshare --user did not create a user namespace', 'ERR_IDMAP_MOUNT');
      await new Promise((r) => setTimeout(r, 5));
    }
    writeFileSync(`/proc/${pid}/uid_map`, mapLines(maps.uid));
    writeFileSync(`/proc/${pid}/gid_map`, mapLines(maps.gid));
    return openSync(`/proc/${pid}/ns/user`, 'r');
  } finally {
    child.kill('SIGKILL');
  }
}

/** Bind-mount `source` at `target` with its ids shifted by the user namespace behind usernsFd. */
function idmappedBind(source: string, target: string, nsFd: number): void {
  const sys = mountSyscalls();
  const fd = sys.openTree(source);
  try {
    sys.setIdmap(fd, nsFd);
    sys.moveMount(fd, target);
  } finally {
    closeSync(fd);
  }
}

/**
 * The snapshot's mounts for a private user namespace: its overlay's lower dirs replaced by idmapped
 * bind mounts of them, made here under the snapshot's dir (kept until the snapshot is removed, so a
 * restart reuses them), and the upper dir's top given to the mapped root. Mount the result as any
 * snapshot's mounts (mountAll).
 */
export async function idmappedRootfsMounts(snapshots: SnapshotStore, id: string, maps: UsernsMaps, opts: { volatile?: boolean } = {}): Promise<Mount[]> {
  const layerDir = join(dirname(snapshots.mountpoint(id)), 'idmapped');
  const out: Mount[] = [];
  for (const m of await snapshots.mounts(id, opts)) {
    const lowers = lowerDirsOf(m).map((src, i) => ({ src, mp: join(layerDir, String(i)) }));
    if (lowers.length === 0) { out.push(m); continue; }
    const missing: typeof lowers = [];
    for (const l of lowers) if (!(await isMounted(l.mp))) missing.push(l);
    if (missing.length) {
      const nsFd = await usernsFd(maps);
      try {
        for (const l of missing) {
          mkdirSync(l.mp, { recursive: true, mode: 0o755 });
          idmappedBind(l.src, l.mp, nsFd);
        }
      } finally {
        closeSync(nsFd);
      }
    }
    out.push(withLowerDirs(m, lowers.map((l) => l.mp)));
  }
  giveUpperToMappedRoot(snapshots.upperDir(id), maps);
  return out;
}

/** The container's `/` (the overlay's upper dir) belongs to its mapped root, whatever shows the layers. */
export function giveUpperToMappedRoot(upper: string, maps: UsernsMaps): void {
  const rootUid = mapToHost(maps.uid, 0);
  const rootGid = mapToHost(maps.gid, 0);
  if (rootUid === undefined || rootGid === undefined) return;
  const st = statSync(upper);
  if (st.uid !== rootUid || st.gid !== rootGid) chownSync(upper, rootUid, rootGid);
}

/** Host ids of a container user (for files berth creates for it, e.g. a missing WorkingDir). */
export function hostIdsOf(maps: UsernsMaps | undefined, uid: number, gid: number): { uid: number; gid: number } {
  if (!maps) return { uid, gid };
  // unmapped ids would be the overflow id inside; give such files to the mapped root instead
  return { uid: mapToHost(maps.uid, uid) ?? mapToHost(maps.uid, 0)!, gid: mapToHost(maps.gid, gid) ?? mapToHost(maps.gid, 0)! };
}

/**
 * The runtime mounts the rootfs and berth's bind sources from inside the container's
 * user namespace, as its root, that is as an unprivileged host uid: every directory on
 * the way must be searchable by others. berth's own dirs are made so (o+x, no read);
 * a directory above berth's root that is not gives a clear error instead of crun's EACCES.
 * Files berth bind-mounts read-write (/etc/hosts & co.) are given to the container's root.
 */
export function prepareHostPaths(maps: UsernsMaps | undefined, opts: { berthRoot: string; reach: string[]; own: string[] }): void {
  if (!maps) return;
  const root = opts.berthRoot.replace(/\/+$/, '');
  for (const target of opts.reach) {
    for (let dir = target; ; dir = dirname(dir)) {
      const mode = statSync(dir).mode;
      if (!(mode & 0o001)) {
        if (dir === root || dir.startsWith(root + '/')) chmodSync(dir, (mode & 0o7777) | 0o001);
        else throw new SystemError(`a container with its own user namespace cannot reach ${target}: ${dir} is not searchable by other users (chmod o+x ${dir}, or use another --root)`, 'ERR_USERNS_PATH');
      }
      if (dir === '/' || dirname(dir) === dir) break;
    }
  }
  const { uid, gid } = hostIdsOf(maps, 0, 0);
  for (const p of opts.own) {
    try { chownSync(p, uid, gid); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new SystemError(`chown ${p}: ${(e as Error).message}`, 'ERR_USERNS');
    }
  }
}
