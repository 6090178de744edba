export { unpackLayer, DEFAULT_UNPACK_LIMITS, type UnpackLimits, type UnpackMode } from './tar-unpack.js';
export { tarDirectory } from './tar-pack.js';
export { LayerStore, chainIdOf, type LayerRecord } from './layer-store.js';
export { SnapshotStore, type SnapshotRecord } from './overlay.js';
export type { Change } from './changes.js';
export { mountAll, ensureMounted, unmountAll, overlayMount, lowerDirsOf, withLowerDirs, type Mount, type OverlayDirs } from './mounts.js';
