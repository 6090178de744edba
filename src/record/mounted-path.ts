/**
 * Container paths resolved through the container's mounts (docker cp): a path under a
 * volume, bind or tmpfs is the mounted data, not the rootfs directory underneath it.
 * The longest mount point that is a prefix of the path wins, as in the container.
 */
import { posix } from 'node:path';
import { followInRoot } from '../runtime/resolve-in-root.js';

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
  const resolved = followInRoot(containerPath, (p) => hostPathOf(root, mounts, p).hostPath, followFinal);
  return { ...hostPathOf(root, mounts, resolved), containerPath: resolved };
}

/** User mounts whose mount point lies strictly below containerPath (their data replaces the rootfs's there when packing). */
export function mountsBelow(mounts: PathMount[], containerPath: string): Map<string, string> {
  const out = new Map<string, string>();
  const prefix = containerPath === '/' ? '/' : containerPath + '/';
  for (const m of mounts) if (m.destination.startsWith(prefix) && m.destination !== containerPath) out.set(m.destination, m.source);
  return out;
}
