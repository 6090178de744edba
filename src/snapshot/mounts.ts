import { lstat, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { run } from '../common/exec.js';
import { SystemError } from '../common/errors.js';
import { isMountRoot, sysMount, sysUmount } from '../common/mount-syscalls.js';
import { rootlessStorage } from '../rootless/storage-choice.js';

/** Mount points in /proc/self/mountinfo are octal-escaped (`\040` for a space). */
export function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export async function mountPoints(): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').filter(Boolean).map((line) => unescapeMountPath(line.split(' ')[4] ?? ''));
}

export async function isMounted(path: string): Promise<boolean> {
  // statx answers for this one path; mountinfo (every mount of the host) only when it cannot
  const root = await isMountRoot(path);
  if (root !== undefined) return root;
  try { await lstat(path); } catch (e) { if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false; }
  return (await mountPoints()).includes(path);
}

/** Mount points at or below dir, deepest first (the order to unmount them in). */
export async function mountsBelow(dir: string): Promise<string[]> {
  return (await mountPoints()).filter((mp) => mp === dir || mp.startsWith(dir + '/')).sort((a, b) => b.length - a.length);
}

/** The kernel takes at most one page of mount data; stay well below it. */
const MAX_MOUNT_DATA = 3500;

/**
 * A mount to make, as a snapshotter hands it out (containerd's mount.Mount): what mount(2) takes
 * but the target, which the caller picks. The snapshot store describes, the caller mounts
 * (mountAll), so whoever runs a container decides when and where its rootfs is mounted, and can
 * rewrite the description first (idmapped lower dirs for a private user namespace).
 */
export interface Mount { type: string; source: string; options: string[] }

/**
 * volatile: no syncs to the upper filesystem, neither from inside nor at umount (which otherwise
 * syncs the whole host filesystem the upper dir is on: milliseconds to tens of them on a busy host).
 * For containers whose upper dir is thrown away when they exit (--rm), as Podman does.
 */
export interface OverlayDirs { lowerDirs: string[]; upperDir: string; workDir: string; volatile?: boolean }

/** redirect_dir/metacopy stay off so that the upper dir alone is a complete diff. */
const OVERLAY_FIXED_OPTIONS = ['redirect_dir=off', 'metacopy=off', 'index=off'];

/** In a user namespace the kernel refuses redirect_dir=off; nofollow creates no redirects either. */
const ROOTLESS_OVERLAY_OPTIONS = ['userxattr', 'redirect_dir=nofollow', 'metacopy=off', 'index=off'];

/** The overlay mount of lower dirs (top-most first) under an upper and a work dir. */
export function overlayMount(d: OverlayDirs): Mount {
  const rl = rootlessStorage();
  if (rl?.driver === 'fuse-overlayfs') {
    // fuse-overlayfs never makes redirects or metacopy files; it takes only the three dirs
    return { type: 'fuse-overlayfs', source: 'fuse-overlayfs', options: [`lowerdir=${d.lowerDirs.join(':')}`, `upperdir=${d.upperDir}`, `workdir=${d.workDir}`] };
  }
  if (rl) {
    return {
      type: 'overlay', source: 'overlay',
      options: [`lowerdir=${d.lowerDirs.join(':')}`, `upperdir=${d.upperDir}`, `workdir=${d.workDir}`, ...ROOTLESS_OVERLAY_OPTIONS, ...(d.volatile ? ['volatile'] : [])],
    };
  }
  return {
    type: 'overlay', source: 'overlay',
    options: [`lowerdir=${d.lowerDirs.join(':')}`, `upperdir=${d.upperDir}`, `workdir=${d.workDir}`, ...OVERLAY_FIXED_OPTIONS, ...(d.volatile ? ['volatile'] : [])],
  };
}

/** The value of a `key=value` option, or undefined. */
export function mountOption(m: Mount, key: string): string | undefined {
  const o = m.options.find((x) => x.startsWith(key + '='));
  return o === undefined ? undefined : o.slice(key.length + 1);
}

/** An overlay mount's lower dirs, top-most first (none for other mounts). */
export function lowerDirsOf(m: Mount): string[] {
  const v = m.type === 'overlay' || m.type === 'fuse-overlayfs' ? mountOption(m, 'lowerdir') : undefined;
  return v ? v.split(':') : [];
}

/** The same overlay mount over other lower dirs. */
export function withLowerDirs(m: Mount, lowerDirs: string[]): Mount {
  return { ...m, options: m.options.map((o) => (o.startsWith('lowerdir=') ? `lowerdir=${lowerDirs.join(':')}` : o)) };
}

/** Make the mounts at target, in order, each on top of the one before (containerd's mount.All). */
export async function mountAll(mounts: Mount[], target: string): Promise<void> {
  for (const m of mounts) {
    if (m.type === 'overlay') await mountOverlayAt(m, target);
    else if (m.type === 'fuse-overlayfs') await mountFuseOverlay(m, target);
    else await mountGeneric(m, target);
  }
}

/** mountAll unless something is mounted at target already (a running container's rootfs, a restart's). */
export async function ensureMounted(mounts: Mount[], target: string): Promise<boolean> {
  if (await isMounted(target)) return false;
  await mountAll(mounts, target);
  return true;
}

/** The deepest directory holding every one of the paths. */
function commonDir(paths: string[]): string {
  let common = dirname(paths[0]);
  for (const p of paths) {
    while (common !== '/' && !p.startsWith(common + '/')) common = dirname(common);
  }
  return common;
}

/**
 * Mount overlayfs (the syscall, or the `mount` program). When the absolute lowerdir list would
 * not fit in one page, mount from inside the common parent of the lower dirs with
 * relative names (Node cannot chdir for one call, so `mount` gets cwd instead).
 */
async function mountOverlayAt(m: Mount, target: string): Promise<void> {
  const lowerDirs = lowerDirsOf(m);
  const rest = m.options.filter((o) => !o.startsWith('lowerdir='));
  const dataOf = (lower: string, opts: string[]) => [`lowerdir=${lower}`, ...opts].join(',');
  let lower = lowerDirs.join(':');
  let cwd: string | undefined;
  if (dataOf(lower, rest).length > MAX_MOUNT_DATA && lowerDirs.length > 0) {
    const base = commonDir(lowerDirs);
    if (base !== '/') {
      lower = lowerDirs.map((d) => d.slice(base.length + 1)).join(':');
      cwd = base;
    }
  }
  if (dataOf(lower, rest).length > MAX_MOUNT_DATA) {
    throw new SystemError(`overlay mount data for ${target} is too long (${lowerDirs.length} layers)`, 'ERR_MOUNT_DATA_TOO_LONG');
  }
  const workDir = mountOption(m, 'workdir');
  const volatile = rest.includes('volatile');
  // a volatile mount leaves this marker, and the kernel refuses any later mount until it is gone
  if (workDir) await rm(join(workDir, 'work', 'incompat', 'volatile'), { recursive: true, force: true });
  const data = dataOf(lower, rest);
  // the syscall when the paths are absolute (it cannot take a cwd); mount(8) otherwise and on failure
  if (!cwd && await sysMount(m.source, target, 'overlay', 0, data)) return;
  const r = await run('mount', ['-t', 'overlay', m.source, '-o', data, target], { cwd });
  if (r.code !== 0 && volatile) return mountOverlayAt({ ...m, options: m.options.filter((o) => o !== 'volatile') }, target); // kernels before 5.10
  if (r.code !== 0) throw new SystemError(`mount overlay on ${target}: ${(r.stderr || r.stdout).trim()}`, 'ERR_MOUNT');
}

/**
 * fuse-overlayfs (rootless engines whose kernel cannot mount overlayfs in a user namespace): the program
 * mounts and stays as the file system's server until the mount is unmounted.
 */
async function mountFuseOverlay(m: Mount, target: string): Promise<void> {
  const program = rootlessStorage()?.fuseProgram ?? 'fuse-overlayfs';
  const r = await run(program, ['-o', m.options.join(','), target]);
  if (r.code !== 0) throw new SystemError(`fuse-overlayfs on ${target}: ${(r.stderr || r.stdout).trim()}`, 'ERR_MOUNT');
}

/** Any other mount through mount(8) (bind mounts take their options there as well: bind, rbind, ro). */
async function mountGeneric(m: Mount, target: string): Promise<void> {
  const bind = m.type === 'bind' || m.options.includes('bind') || m.options.includes('rbind');
  const args = [...(bind ? [] : ['-t', m.type]), ...(m.options.length ? ['-o', m.options.join(',')] : []), m.source, target];
  const r = await run('mount', args);
  if (r.code !== 0) throw new SystemError(`mount ${m.type} on ${target}: ${(r.stderr || r.stdout).trim()}`, 'ERR_MOUNT');
}

/** Unmount every mount stacked on path; a busy mount is detached lazily. Tolerates not-mounted. */
export async function unmountAll(path: string): Promise<void> {
  // the usual case, one mount that unmounts: one look at mountinfo instead of three
  if ((await sysUmount(path)) && !(await isMounted(path))) return;
  for (let i = 0; i < 16 && (await isMounted(path)); i++) {
    if (await sysUmount(path)) continue;
    const r = await run('umount', [path]);
    if (r.code !== 0 && (await isMounted(path))) {
      const lazy = await run('umount', ['-l', path]);
      if (lazy.code !== 0 && (await isMounted(path))) throw new SystemError(`umount ${path}: ${(lazy.stderr || r.stderr).trim()}`, 'ERR_UNMOUNT');
    }
  }
  if (await isMounted(path)) throw new SystemError(`${path} is still mounted`, 'ERR_UNMOUNT');
}
