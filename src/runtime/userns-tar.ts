/**
 * A container with its own user namespace writes its upper dir with host ids
 * (container root = e.g. host 100204544). A layer made from it (commit) must carry
 * the container's ids again, or the image would be owned by nobody everywhere else
 * (and ids above 2097151 do not even fit a plain tar header).
 */
import type { Readable } from 'node:stream';
import type { SnapshotStore } from '../snapshot/overlay.js';
import { packTree } from '../snapshot/tree-pack.js';
import { InvalidArgumentError } from '../common/errors.js';
import { mapToHost, type IdMap, type UsernsMaps } from './userns.js';

/** The overflow id: what a host id outside the map is inside the container. */
const OVERFLOW_ID = 65534;

export function mapToContainer(maps: IdMap[], hostId: number): number {
  const e = maps.find((m) => hostId >= m.hostId && hostId < m.hostId + m.size);
  return e ? e.containerId + (hostId - e.hostId) : OVERFLOW_ID;
}

/** The layer tar of a container's upper dir, in container ids when it has its own user namespace. */
export function containerLayerTar(snapshots: SnapshotStore, id: string, maps: UsernsMaps | undefined): Readable {
  if (!maps) return snapshots.diffTar(id);
  return packTree(snapshots.upperDir(id), {
    overlayUpper: true,
    ids: (uid, gid) => ({ uid: mapToContainer(maps.uid, uid), gid: mapToContainer(maps.gid, gid) }),
  });
}

/** Host ids -> the container's ids (for what leaves a user-namespaced container: export, cp out). */
export function containerIds(maps: UsernsMaps): (uid: number, gid: number) => { uid: number; gid: number } {
  return (uid, gid) => ({ uid: mapToContainer(maps.uid, uid), gid: mapToContainer(maps.gid, gid) });
}

/** The container's ids -> host ids (for cp into it); an id outside the map is refused, as by Docker. */
export function hostIds(maps: UsernsMaps): (uid: number, gid: number) => { uid: number; gid: number } {
  return (uid, gid) => {
    const hu = mapToHost(maps.uid, uid);
    const hg = mapToHost(maps.gid, gid);
    if (hu === undefined) throw new InvalidArgumentError(`Container ID ${uid} cannot be mapped to a host ID`, 'ERR_USERNS_UNMAPPED');
    if (hg === undefined) throw new InvalidArgumentError(`Container ID ${gid} cannot be mapped to a host ID`, 'ERR_USERNS_UNMAPPED');
    return { uid: hu, gid: hg };
  };
}

/** A tar of a user-namespaced container's mounted rootfs (which shows host ids) in the container's ids (export). */
export function rootfsTar(dir: string, maps: UsernsMaps): Readable {
  return packTree(dir, { overlayUpper: false, ids: containerIds(maps) });
}
