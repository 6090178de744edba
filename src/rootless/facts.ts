/** What `berth info` says about a rootless daemon: its storage and network drivers and where limits work. */
import { rootlessCgroups, type RootlessCgroups } from './cgroups.js';
import { inUserNamespace } from './namespace.js';
import { rootlessStorage, type RootlessStorage } from './storage-choice.js';

/** Set by the entry for the daemon it runs: the driver that connects the namespace ('' when none did). */
export const ROOTLESS_NET_ENV = 'BERTH_ROOTLESS_NET';

export interface RootlessInfo {
  storage?: RootlessStorage;
  /** pasta, slirp4netns, or none (loopback only: --network none and host work) */
  network: string;
  cgroups?: RootlessCgroups;
}

export function rootlessInfo(env: NodeJS.ProcessEnv = process.env): RootlessInfo | undefined {
  if (!inUserNamespace()) return undefined;
  const storage = rootlessStorage();
  const cgroups = rootlessCgroups();
  return { ...(storage ? { storage } : {}), network: env[ROOTLESS_NET_ENV] || 'none', ...(cgroups ? { cgroups } : {}) };
}
