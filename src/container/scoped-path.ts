import { lstatSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';
import { InvalidArgumentError } from '../common/errors.js';

const MAX_SYMLINKS = 255; // as Docker's FollowSymlinkInScope

/**
 * Resolve a container path to a host path below root, following symlinks as a
 * chroot would: absolute link targets start again at root and `..` never climbs
 * above root (it is clamped, like Docker's FollowSymlinkInScope). With
 * followFinal=false the last component is not followed (stat of a symlink).
 * Components that do not exist are kept as they are.
 */
export function resolveInRoot(root: string, containerPath: string, followFinal = true): string {
  if (containerPath.includes('\0')) throw new InvalidArgumentError('path contains a NUL byte');
  const pending = containerPath.split('/').filter((p) => p !== '' && p !== '.');
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const comp = pending.shift()!;
    if (comp === '..') { done.pop(); continue; }
    const candidate = posix.join(root, ...done, comp);
    const isLast = pending.length === 0;
    let isLink = false;
    try { isLink = lstatSync(candidate).isSymbolicLink(); } catch { /* missing: keep as is */ }
    if (!isLink || (isLast && !followFinal)) { done.push(comp); continue; }
    if (++links > MAX_SYMLINKS) throw new InvalidArgumentError(`too many symlinks resolving ${containerPath}`);
    const target = readlinkSync(candidate);
    if (target.startsWith('/')) done.length = 0;
    pending.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
  }
  return posix.join(root, ...done);
}

/** The container path of a host path below root ("/" for root itself). */
export function containerPathOf(root: string, hostPath: string): string {
  const rel = posix.relative(root, hostPath);
  return '/' + (rel === '' ? '' : rel);
}
