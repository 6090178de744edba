import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../common/exec.js';
import { SystemError } from '../common/errors.js';
import { sysMount, sysUmount } from '../common/mount-syscalls.js';

/** Mount points in /proc/self/mountinfo are octal-escaped (`\040` for a space). */
export function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export async function mountPoints(): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').filter(Boolean).map((line) => unescapeMountPath(line.split(' ')[4] ?? ''));
}

export async function isMounted(path: string): Promise<boolean> {
  return (await mountPoints()).includes(path);
}

/** Mount points at or below dir, deepest first (the order to unmount them in). */
export async function mountsBelow(dir: string): Promise<string[]> {
  return (await mountPoints()).filter((mp) => mp === dir || mp.startsWith(dir + '/')).sort((a, b) => b.length - a.length);
}

/** The kernel takes at most one page of mount data; stay well below it. */
const MAX_MOUNT_DATA = 3500;

/**
 * volatile: no syncs to the upper filesystem, neither from inside nor at umount (which otherwise
 * syncs the whole host filesystem the upper dir is on: milliseconds to tens of them on a busy host).
 * For containers whose upper dir is thrown away when they exit (--rm), as Podman does.
 */
export interface OverlaySpec { lowerDirs: string[]; upperDir: string; workDir: string; target: string; volatile?: boolean }

/**
 * Mount overlayfs (the syscall, or the `mount` program). When the absolute lowerdir list would
 * not fit in one page, mount from inside the common parent of the lower dirs with
 * relative names (Node cannot chdir for one call, so `mount` gets cwd instead).
 * redirect_dir/metacopy stay off so that the upper dir alone is a complete diff.
 */
export async function mountOverlay(spec: OverlaySpec, layersDir: string): Promise<void> {
  const extra = `redirect_dir=off,metacopy=off,index=off${spec.volatile ? ',volatile' : ''}`;
  let lower = spec.lowerDirs.join(':');
  let cwd: string | undefined;
  const dataLen = (l: string) => `lowerdir=${l},upperdir=${spec.upperDir},workdir=${spec.workDir},${extra}`.length;
  if (dataLen(lower) > MAX_MOUNT_DATA && spec.lowerDirs.every((d) => d.startsWith(layersDir + '/'))) {
    lower = spec.lowerDirs.map((d) => d.slice(layersDir.length + 1)).join(':');
    cwd = layersDir;
  }
  if (dataLen(lower) > MAX_MOUNT_DATA) {
    throw new SystemError(`overlay mount data for ${spec.target} is too long (${spec.lowerDirs.length} layers)`, 'ERR_MOUNT_DATA_TOO_LONG');
  }
  const data = `lowerdir=${lower},upperdir=${spec.upperDir},workdir=${spec.workDir},${extra}`;
  // a volatile mount leaves this marker, and the kernel refuses any later mount until it is gone
  await rm(join(spec.workDir, 'work', 'incompat', 'volatile'), { recursive: true, force: true });
  // the syscall when the paths are absolute (it cannot take a cwd); mount(8) otherwise and on failure
  if (!cwd && await sysMount('overlay', spec.target, 'overlay', 0, data)) return;
  const r = await run('mount', ['-t', 'overlay', 'overlay', '-o', data, spec.target], { cwd });
  if (r.code !== 0 && spec.volatile) return mountOverlay({ ...spec, volatile: false }, layersDir); // kernels before 5.10
  if (r.code !== 0) throw new SystemError(`mount overlay on ${spec.target}: ${(r.stderr || r.stdout).trim()}`, 'ERR_MOUNT');
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
