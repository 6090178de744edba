/**
 * The rootless engine's storage: kernel overlayfs mounted in the user namespace (Linux 5.11+), with
 * `userxattr` (opaque dirs as user.overlay.opaque: trusted.* xattrs need CAP_SYS_ADMIN in the host's
 * namespace) and redirect_dir=nofollow (the kernel refuses redirect_dir=off there; nofollow also never
 * creates redirects, so an upper dir stays a complete diff). Where the kernel refuses, fuse-overlayfs.
 *
 * One choice per daemon process, made at start-up (chooseRootlessStorage) and read by the snapshot
 * layer when it describes and mounts overlays.
 */
import { accessSync, constants, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { InvalidArgumentError, SystemError } from '../common/errors.js';
import { setRootlessStorage, type RootlessStorage } from './storage-choice.js';
import { findTool } from './tools.js';

/** Record the choice where the snapshot layer reads it. */
function chosen(s: RootlessStorage): RootlessStorage { setRootlessStorage(s); return s; }

/** Can the kernel mount an overlay here, with the rootless options? Tried once in a scratch dir under `dir`. */
export function kernelOverlayWorks(dir: string): { ok: boolean; error?: string } {
  const base = join(dir, `overlay-probe-${process.pid}`);
  try {
    for (const d of ['l', 'u', 'w', 'm']) mkdirSync(join(base, d), { recursive: true });
    const opts = `lowerdir=${join(base, 'l')},upperdir=${join(base, 'u')},workdir=${join(base, 'w')},userxattr,redirect_dir=nofollow,metacopy=off,index=off`;
    const r = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', opts, join(base, 'm')], { encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0) return { ok: false, error: (r.stderr || r.error?.message || '').trim() };
    spawnSync('umount', [join(base, 'm')], { timeout: 10_000 });
    return { ok: true };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

/**
 * Pick the driver: `wanted` (daemon.json "storage-driver" or BERTH_ROOTLESS_STORAGE) when given, else
 * kernel overlayfs when it mounts, else fuse-overlayfs. Missing fuse-overlayfs when needed is
 * ERR_ROOTLESS_TOOL_MISSING naming the package.
 */
export function chooseRootlessStorage(scratchDir: string, wanted?: string): RootlessStorage {
  if (wanted !== undefined && wanted !== '' && wanted !== 'overlay' && wanted !== 'overlay2' && wanted !== 'fuse-overlayfs') {
    throw new InvalidArgumentError(`unknown storage driver ${wanted} for rootless mode: use overlay (kernel overlayfs) or fuse-overlayfs`, 'ERR_ROOTLESS_STORAGE');
  }
  const fuse = (reason: string): RootlessStorage => {
    const p = findTool('fuse-overlayfs');
    if (!p) throw new SystemError(`${reason}, and fuse-overlayfs is not installed: install the Debian package "fuse-overlayfs" (apt-get install fuse-overlayfs)`, 'ERR_ROOTLESS_TOOL_MISSING');
    try { accessSync('/dev/fuse', constants.R_OK | constants.W_OK); } catch (e) {
      throw new SystemError(`${reason}, and fuse-overlayfs cannot mount: /dev/fuse is not usable by this user (${(e as NodeJS.ErrnoException).code}; ` +
        `Debian makes it mode 666, as root: chmod 666 /dev/fuse)`, 'ERR_ROOTLESS_STORAGE');
    }
    return { driver: 'fuse-overlayfs', fuseProgram: p, reason };
  };
  if (wanted === 'fuse-overlayfs') return chosen(fuse('fuse-overlayfs was asked for'));
  const probe = kernelOverlayWorks(scratchDir);
  if (probe.ok) return chosen({ driver: 'overlay', reason: 'kernel overlayfs in the user namespace (userxattr)' });
  if (wanted === 'overlay' || wanted === 'overlay2') {
    throw new SystemError(`kernel overlayfs cannot be mounted in this user namespace (${probe.error}); it needs Linux 5.11 or later. Use fuse-overlayfs (storage-driver "fuse-overlayfs")`, 'ERR_ROOTLESS_STORAGE');
  }
  return chosen(fuse(`kernel overlayfs cannot be mounted in this user namespace (${probe.error})`));
}
