import { posix } from 'node:path';
import { resolveMounted } from './mounted-path.js';

/**
 * Resolve a container path to a host path below root, following symlinks as a
 * chroot would: absolute link targets start again at root and `..` never climbs
 * above root (it is clamped, like Docker's FollowSymlinkInScope). With
 * followFinal=false the last component is not followed (stat of a symlink).
 * Components that do not exist are kept as they are.
 */
export function resolveInRoot(root: string, containerPath: string, followFinal = true): string {
  return resolveMounted(root, [], containerPath, followFinal).hostPath;
}

/** The container path of a host path below root ("/" for root itself). */
export function containerPathOf(root: string, hostPath: string): string {
  const rel = posix.relative(root, hostPath);
  return '/' + (rel === '' ? '' : rel);
}
