/**
 * The environment variables by which the rootless entry tells the daemon it runs (in the user
 * namespace) what it is. A module of names only: a root daemon reads them to learn it is not rootless
 * without loading the rootless code itself (entry.ts, net/*), which loads only in a rootless daemon.
 */

/** Marks the daemon process inside the namespace (its defaults are the user's XDG paths, not /var/lib). */
export const ROOTLESS_ENV = 'BERTH_ROOTLESS';
/** `uid:gid:name` of the user on the host, for the daemon inside (where it is uid 0): --userns=keep-id maps to it */
export const ROOTLESS_HOST_USER_ENV = 'BERTH_ROOTLESS_HOST_USER';

/** Set in the daemon's environment by an entry process that serves port requests on the IPC channel. */
export const PORT_CHANNEL_ENV = 'BERTH_ROOTLESS_PORTS';
export const PORT_CHANNEL_IPC = 'ipc';
