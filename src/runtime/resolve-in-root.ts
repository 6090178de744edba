/**
 * Container paths resolved to host paths the way a process chrooted into the container would see
 * them: absolute symlink targets start again at the container's root, `..` never climbs above it
 * (it is clamped there, as Docker's FollowSymlinkInScope does), and missing components are kept as
 * they are. The runtime reads the image's /etc files this way, and the container layer resolves
 * paths for copies, volumes and working directories with the same walk.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';
import { InvalidArgumentError } from '../common/errors.js';

/** Longest chain of symlinks followed while resolving one path: Linux's own limit (ELOOP after 40). */
export const MAX_SYMLINKS = 40;

const components = (path: string) => path.split('/').filter((p) => p !== '' && p !== '.');

/**
 * Follow `containerPath` through symlinks, looking each step up on the host at `hostPathOf(step)`
 * (the root, or the mount that covers the step). Returns the resolved container path. With
 * followFinal=false the last component is not followed (stat of a symlink).
 */
export function followInRoot(containerPath: string, hostPathOf: (containerPath: string) => string, followFinal = true): string {
  if (containerPath.includes('\0')) throw new InvalidArgumentError('path contains a NUL byte');
  const pending = components(containerPath);
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const comp = pending.shift()!;
    if (comp === '..') { done.pop(); continue; }
    const candidate = hostPathOf('/' + [...done, comp].join('/'));
    const isLast = pending.length === 0;
    let isLink = false;
    try { isLink = lstatSync(candidate).isSymbolicLink(); } catch { /* missing: keep as is */ }
    if (!isLink || (isLast && !followFinal)) { done.push(comp); continue; }
    if (++links > MAX_SYMLINKS) throw new InvalidArgumentError(`too many levels of symbolic links resolving ${containerPath}`, 'ERR_SYMLINK_LOOP');
    const target = readlinkSync(candidate);
    if (target.startsWith('/')) done.length = 0;
    pending.unshift(...components(target));
  }
  return '/' + done.join('/');
}

/** The host path below `root` of a container path, symlinks followed inside root (see followInRoot). */
export function resolveInRoot(root: string, containerPath: string, followFinal = true): string {
  return posix.join(root, followInRoot(containerPath, (p) => posix.join(root, p), followFinal));
}
