/**
 * The rootless daemon's storage choice, as the snapshot layer and `berth info` read it. Apart from the
 * choosing (storage.ts: mount probes, fuse-overlayfs lookup), which only a rootless daemon loads: a root
 * daemon reads here that no choice was made.
 */

export type RootlessStorageDriver = 'overlay' | 'fuse-overlayfs';

export interface RootlessStorage {
  driver: RootlessStorageDriver;
  /** the fuse-overlayfs program (driver fuse-overlayfs) */
  fuseProgram?: string;
  /** why this driver (shown by `berth info`) */
  reason: string;
}

let current: RootlessStorage | undefined;

/** The storage of this (rootless) daemon, or undefined in a root daemon. */
export function rootlessStorage(): RootlessStorage | undefined { return current; }

/** Set by storage.ts's choice at a rootless daemon's start; tests of the snapshot layer set or clear it. */
export function setRootlessStorage(s: RootlessStorage | undefined): void { current = s; }
