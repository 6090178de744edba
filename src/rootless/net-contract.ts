/**
 * The contract between the rootless daemon's entry (the user namespace and its mount and network
 * namespaces) and the rootless network drivers (pasta, slirp4netns) and host port forwarding.
 *
 * The entry process stays in the host's namespaces as the user; the daemon runs in a new user, mount and
 * network namespace where it is root and builds bridges and NAT as a root daemon does. A driver connects
 * that network namespace to the host's network, and a port forwarder publishes host ports into it.
 */

export type RootlessNetDriverName = 'pasta' | 'slirp4netns';

export interface RootlessNetHandle {
  driver: RootlessNetDriverName;
  /** the daemon-side interface the driver made (e.g. tap0), and its address inside the namespace */
  iface: string;
  address?: string;
  /** stops the driver process(es) it started */
  close(): Promise<void>;
}

/**
 * Connect the network namespace of `childPid` (the daemon in its user namespace) to the host's network.
 * Called by the entry process after the UID/GID maps are written and before the daemon goes on.
 */
export type AttachRootlessNetwork = (opts: {
  childPid: number;
  /** a directory the driver may keep sockets and pid files in */
  stateDir: string;
  /** 'pasta' | 'slirp4netns' from the daemon's config, or undefined for the default order */
  preferred?: RootlessNetDriverName;
}) => Promise<RootlessNetHandle>;
