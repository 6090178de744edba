/**
 * What only the daemon knows about itself: where it listens, with which TLS files, which daemon.json it
 * read and which of its keys it applies. `berth serve` builds these once at start (src/daemon/facts.ts)
 * and hands them through the API server to the audit; the audit never re-parses the daemon's flags.
 */
export type DaemonListener =
  | { kind: 'unix'; path: string }
  | { kind: 'tcp'; address: string; tls: boolean; verify: boolean };

export interface DaemonFacts {
  /** the daemon process's uid (0: a rootful daemon) */
  uid: number;
  listeners: DaemonListener[];
  /** the TLS files of TCP listeners, when TLS is configured */
  tls?: { verify: boolean; cacert: string; cert: string; key: string };
  /** --group: the group that owns the unix sockets (a name or a gid); absent: root's group */
  socketGroup?: string;
  /** the daemon.json that was read; absent when none exists */
  configFile?: string;
  /** daemon.json as parsed (its keys as the user wrote them) */
  config: Record<string, unknown>;
  /** keys of daemon.json that berth does not apply (the operator may believe they are in effect) */
  ignoredConfigKeys: string[];
  /** the effective log level of the daemon */
  logLevel: string;
  /** the default log driver of containers */
  logDriver: string;
  insecureRegistries: string[];
  /** the daemon's program (its main script), which auditd should watch (1.1.3) */
  executable?: string;
  /** berth's version, for 1.2.2 */
  version: string;
}

/**
 * Host files the audit reads, overridable so that tests can point at fixtures instead of the
 * machine's own /etc and /proc.
 */
export interface HostPaths {
  /** the mount table (to tell whether the root dir is on its own file system) */
  mountinfo: string;
  /** auditd rule files (auditctl -l would need a spawn and root; the rule files say the same) */
  auditRules: string[];
  /** /proc, for the processes of running containers */
  proc: string;
  /** /etc/group, for the members of the socket's group */
  group: string;
  /** systemd unit files of the daemon (3.1-3.4) */
  serviceUnits: string[];
  /** berth's configuration directory (3.5, 3.6) */
  configDir: string;
  /** AppArmor's and SELinux's switches */
  apparmorEnabled: string;
  selinuxEnforce: string;
}

export const DEFAULT_HOST_PATHS: HostPaths = {
  mountinfo: '/proc/self/mountinfo',
  auditRules: ['/etc/audit/audit.rules', '/etc/audit/rules.d'],
  proc: '/proc',
  group: '/etc/group',
  serviceUnits: ['/etc/systemd/system/berth.service', '/lib/systemd/system/berth.service', '/usr/lib/systemd/system/berth.service'],
  configDir: '/etc/berth',
  apparmorEnabled: '/sys/module/apparmor/parameters/enabled',
  selinuxEnforce: '/sys/fs/selinux/enforce',
};
