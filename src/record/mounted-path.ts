/**
 * Container paths resolved through the container's mounts (docker cp): a path under a
 * volume, bind or tmpfs is the mounted data, not the rootfs directory underneath it.
 * The longest mount point that is a prefix of the path wins, as in the container.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';
import { InvalidArgumentError } from '../common/errors.js';

const MAX_SYMLINKS = 255; // as Docker's FollowSymlinkInScope

export interface PathMount {
  /** container path of the mount point (symlinks in the rootfs resolved) */
  destination: string;
  /** host path of the mounted data */
  source: string;
  rw: boolean;
  /** a user mount (volume, bind, tmpfs: Docker's MountPoints) or one of the /etc files the engine binds */
  user: boolean;
  /** a tmpfs of the running container, reached through /proc/<pid>/root: readable, not a target to unpack into */
  tmpfs?: boolean;
}

export interface MountedPath {
  /** host path the container path resolves to */
  hostPath: string;
  /** the resolved container path (symlinks followed) */
  containerPath: string;
  /** the mount the resolved path lies in, if any */
  mount?: PathMount;
}

/** Mount points with their destinations resolved through symlinks of the rootfs (as the runtime does at start). */
export function normalizeMounts(root: string, mounts: PathMount[]): PathMount[] {
  return mounts.map((m) => {
    let destination = m.destination;
    try { destination = resolveMounted(root, [], m.destination, true).containerPath; } catch { /* keep as given */ }
    return { ...m, destination: destination === '/' ? '/' : destination.replace(/\/+$/, '') };
  });
}

function covering(mounts: PathMount[], containerPath: string): PathMount | undefined {
  let best: PathMount | undefined;
  for (const m of mounts) {
    const under = containerPath === m.destination || containerPath.startsWith(m.destination === '/' ? '/' : m.destination + '/');
    if (under && (!best || m.destination.length > best.destination.length)) best = m;
  }
  return best;
}

/** Host path of a container path (no symlinks followed): under its longest covering mount, else under root. */
export function hostPathOf(root: string, mounts: PathMount[], containerPath: string): { hostPath: string; mount?: PathMount } {
  const m = covering(mounts, containerPath);
  if (!m) return { hostPath: posix.join(root, containerPath) };
  return { hostPath: posix.join(m.source, posix.relative(m.destination, containerPath)), mount: m };
}

/**
 * resolveInRoot across mounts: symlinks are followed as in the container (absolute targets start
 * again at the container's root, `..` is clamped there), each step looked up on the host in the
 * mount that covers it. With followFinal=false the last component is not followed.
 */
export function resolveMounted(root: string, mounts: PathMount[], containerPath: string, followFinal = true): MountedPath {
  if (containerPath.includes('\0')) throw new InvalidArgumentError('path contains a NUL byte');
  const pending = containerPath.split('/').filter((p) => p !== '' && p !== '.');
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const comp = pending.shift()!;
    if (comp === '..') { done.pop(); continue; }
    const candidate = hostPathOf(root, mounts, '/' + [...done, comp].join('/')).hostPath;
    const isLast = pending.length === 0;
    let isLink = false;
    try { isLink = lstatSync(candidate).isSymbolicLink(); } catch { /* missing: keep as is */ }
    if (!isLink || (isLast && !followFinal)) { done.push(comp); continue; }
    if (++links > MAX_SYMLINKS) throw new InvalidArgumentError(`too many symlinks resolving ${containerPath}`);
    const target = readlinkSync(candidate);
    if (target.startsWith('/')) done.length = 0;
    pending.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
  }
  const resolved = '/' + done.join('/');
  return { ...hostPathOf(root, mounts, resolved), containerPath: resolved };
}

/** User mounts whose mount point lies strictly below containerPath (their data replaces the rootfs's there when packing). */
export function mountsBelow(mounts: PathMount[], containerPath: string): Map<string, string> {
  const out = new Map<string, string>();
  const prefix = containerPath === '/' ? '/' : containerPath + '/';
  for (const m of mounts) if (m.destination.startsWith(prefix) && m.destination !== containerPath) out.set(m.destination, m.source);
  return out;
}
