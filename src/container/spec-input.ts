import { chownSync, mkdirSync, statSync } from 'node:fs';
import { InvalidArgumentError, NotSupportedError } from '../common/errors.js';
import type { SpecInput, SpecMount } from '../runtime/index.js';
import { extraOciResources } from '../runtime/resources.js';
import { resolveGroups } from '../runtime/security.js';
import type { ContainerRecord } from '../record/container-store.js';
import type { EtcFilePaths } from '../record/etc-files.js';

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Docker's container environment: PATH, HOSTNAME, TERM (tty), legacy link variables, then Config.Env replacing or appending. */
export function containerEnv(config: any, hostname: string, linkEnv: string[] = []): string[] {
  const env = [DEFAULT_PATH, `HOSTNAME=${hostname}`];
  if (config.Tty) env.push('TERM=xterm');
  env.push(...linkEnv);
  for (const e of (config.Env ?? []) as string[]) {
    const key = e.split('=')[0];
    const i = env.findIndex((x) => x.split('=')[0] === key);
    if (i >= 0) env[i] = e; else env.push(e);
  }
  return env;
}

type SpecUlimit = NonNullable<SpecInput['ulimits']>[number];

/** A recorded ulimit for the spec: a missing name fails the spec's type check, missing limits are 0. */
function specUlimit(u: { Name?: string; Soft?: number; Hard?: number }): SpecUlimit {
  return { Name: u.Name ?? '', Soft: u.Soft ?? 0, Hard: u.Hard ?? 0 };
}

/** --security-opt values Docker knows: seccomp, no-new-privileges, systempaths, apparmor, label. */
function parseSecurityOpts(opts: string[] | null | undefined): { seccomp?: string; noNewPrivileges?: boolean; systemPathsUnconfined?: boolean } {
  const out: { seccomp?: string; noNewPrivileges?: boolean; systemPathsUnconfined?: boolean } = {};
  for (const raw of opts ?? []) {
    if (raw === 'no-new-privileges') { out.noNewPrivileges = true; continue; }
    const m = /^([a-z-]+)[=:](.*)$/s.exec(raw);
    if (!m) throw new InvalidArgumentError(`Invalid --security-opt: ${JSON.stringify(raw)}`);
    const [, key, value] = m;
    if (key === 'seccomp') out.seccomp = value === 'unconfined' ? 'unconfined' : value;
    else if (key === 'no-new-privileges') out.noNewPrivileges = value === '' || value === 'true';
    // Docker's CLI turns this into empty MaskedPaths/ReadonlyPaths; API clients may send it as is
    else if (key === 'systempaths' && value === 'unconfined') out.systemPathsUnconfined = true;
    else if (key === 'apparmor' || key === 'label') {
      // Neither AppArmor nor SELinux confines containers here; Docker ignores these on such hosts too.
    } else throw new InvalidArgumentError(`Invalid --security-opt 1: ${JSON.stringify(raw)}`);
  }
  return out;
}

/** Host-path binds (`/src:/dst[:ro]`), bind and tmpfs Mounts, HostConfig.Tmpfs. Named volumes land later. */
export function userMounts(hc: any): SpecMount[] {
  const out: SpecMount[] = [];
  for (const b of (hc.Binds ?? []) as string[]) {
    const parts = b.split(':');
    if (parts.length < 2 || parts.length > 3) throw new InvalidArgumentError(`invalid volume specification: '${b}'`);
    const [src, dst, modes = ''] = parts;
    if (!src.startsWith('/')) throw new NotSupportedError(`named volumes are not supported yet (${b}); bind a host path instead`);
    if (!dst.startsWith('/')) throw new InvalidArgumentError(`invalid volume specification: '${b}': the destination must be an absolute path`);
    const flags = modes.split(',').filter(Boolean);
    const options = ['rbind', flags.includes('ro') ? 'ro' : 'rw'];
    for (const p of ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave']) if (flags.includes(p)) options.push(p);
    out.push({ destination: dst, type: 'bind', source: src, options });
  }
  for (const m of (hc.Mounts ?? []) as any[]) {
    if (m.Type === 'bind') {
      if (!m.Source?.startsWith('/')) throw new InvalidArgumentError('invalid mount config for type "bind": source must be an absolute path');
      out.push({ destination: m.Target, type: 'bind', source: m.Source, options: ['rbind', m.ReadOnly ? 'ro' : 'rw'] });
    } else if (m.Type === 'tmpfs') {
      const o = ['nosuid', 'nodev', 'noexec'];
      if (m.TmpfsOptions?.SizeBytes) o.push(`size=${m.TmpfsOptions.SizeBytes}`);
      if (m.TmpfsOptions?.Mode) o.push(`mode=${m.TmpfsOptions.Mode.toString(8)}`);
      if (m.ReadOnly) o.push('ro');
      out.push({ destination: m.Target, type: 'tmpfs', source: 'tmpfs', options: o });
    } else {
      throw new NotSupportedError(`mount type "${m.Type}" is not supported yet; use bind or tmpfs`);
    }
  }
  for (const [dst, opts] of Object.entries((hc.Tmpfs ?? {}) as Record<string, string>)) {
    out.push({ destination: dst, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'noexec', ...(opts ? opts.split(',') : [])] });
  }
  return out;
}

/** Host devices (--device /dev/x[:/dev/y[:rwm]]) with their real major/minor numbers. */
function userDevices(hc: any): SpecInput['devices'] {
  return ((hc.Devices ?? []) as any[]).map((d) => {
    let st;
    try { st = statSync(d.PathOnHost); } catch { throw new InvalidArgumentError(`error gathering device information while adding custom device "${d.PathOnHost}": no such file or directory`); }
    if (!st.isCharacterDevice() && !st.isBlockDevice()) throw new InvalidArgumentError(`"${d.PathOnHost}" is not a device`);
    const major = Number((BigInt(st.rdev) >> 8n) & 0xfffn);
    const minor = Number((BigInt(st.rdev) & 0xffn) | ((BigInt(st.rdev) >> 12n) & 0xfff00n));
    return { path: d.PathInContainer || d.PathOnHost, type: st.isCharacterDevice() ? 'c' as const : 'b' as const, major, minor,
      fileMode: st.mode & 0o777, uid: 0, gid: 0, permissions: d.CgroupPermissions || 'rwm' };
  });
}

function nsMode(mode: string | undefined, what: string, pidOf: (ref: string) => number): SpecInput['pidMode'] {
  if (!mode || mode === 'private' || mode === 'shareable' || mode === 'none') return 'private';
  if (mode === 'host') return 'host';
  if (mode.startsWith('container:')) return { nsPath: `/proc/${pidOf(mode.slice(10))}/ns/${what}` };
  throw new InvalidArgumentError(`invalid ${what} mode: ${mode}`);
}

/** Everything runtime.buildSpec needs, from a container record. */
export function specInputFor(rec: ContainerRecord, rootfs: string, etc: EtcFilePaths,
  user: { uid: number; gid: number; additionalGids: number[] }, pidOf: (ref: string) => number,
  attached: { netnsPath?: string; mounts?: SpecMount[]; userns?: SpecInput['userns']; linkEnv?: string[] } = {}): SpecInput {
  const c = rec.config;
  const hc = rec.hostConfig;
  const sec = parseSecurityOpts(hc.SecurityOpt);
  const netMode = hc.NetworkMode === 'host' ? 'host' : 'none';
  const mounts: SpecMount[] = [
    { destination: '/etc/resolv.conf', type: 'bind', source: etc.resolvConf, options: ['rbind', 'rprivate', 'rw'] },
    { destination: '/etc/hostname', type: 'bind', source: etc.hostname, options: ['rbind', 'rprivate', 'rw'] },
    { destination: '/etc/hosts', type: 'bind', source: etc.hosts, options: ['rbind', 'rprivate', 'rw'] },
    ...(attached.mounts ?? userMounts(hc)),
  ];
  const groupAdd = resolveGroups(rootfs, (hc.GroupAdd ?? []) as string[]);
  return {
    id: rec.id,
    rootfs,
    args: [rec.path, ...rec.args],
    env: containerEnv(c, c.Hostname, attached.linkEnv),
    cwd: c.WorkingDir || '/',
    terminal: !!c.Tty,
    user: { uid: user.uid, gid: user.gid, additionalGids: [...user.additionalGids, ...groupAdd] },
    hostname: netMode === 'host' && !rec.config.Hostname ? undefined : c.Hostname,
    domainname: c.Domainname || undefined,
    readonlyRootfs: !!hc.ReadonlyRootfs,
    networkMode: attached.netnsPath ? { netnsPath: attached.netnsPath } : rec.netnsPath ? { netnsPath: rec.netnsPath } : netMode,
    pidMode: nsMode(hc.PidMode, 'pid', pidOf),
    ipcMode: nsMode(hc.IpcMode, 'ipc', pidOf),
    utsMode: nsMode(hc.UTSMode, 'uts', pidOf),
    privileged: !!hc.Privileged,
    capAdd: hc.CapAdd ?? undefined,
    capDrop: hc.CapDrop ?? undefined,
    seccomp: sec.seccomp ?? 'default',
    noNewPrivileges: sec.noNewPrivileges,
    maskedPaths: sec.systemPathsUnconfined ? [] : Array.isArray(hc.MaskedPaths) ? hc.MaskedPaths : undefined,
    readonlyPaths: sec.systemPathsUnconfined ? [] : Array.isArray(hc.ReadonlyPaths) ? hc.ReadonlyPaths : undefined,
    shmSize: hc.ShmSize || undefined,
    mounts,
    devices: userDevices(hc),
    ulimits: hc.Ulimits ? hc.Ulimits.map(specUlimit) : undefined,
    init: !!hc.Init,
    cgroupParent: hc.CgroupParent || undefined,
    resources: {
      memory: hc.Memory || undefined, memorySwap: hc.MemorySwap || undefined, memoryReservation: hc.MemoryReservation || undefined,
      cpuShares: hc.CpuShares || undefined, cpuQuota: hc.CpuQuota || undefined, cpuPeriod: hc.CpuPeriod || undefined,
      nanoCpus: hc.NanoCpus || undefined, cpusetCpus: hc.CpusetCpus || undefined, cpusetMems: hc.CpusetMems || undefined,
      pidsLimit: hc.PidsLimit && hc.PidsLimit > 0 ? hc.PidsLimit : undefined, blkioWeight: hc.BlkioWeight || undefined,
    },
    extraResources: extraOciResources(hc),
    sysctls: hc.Sysctls ?? undefined,
    oomScoreAdj: hc.OomScoreAdj || undefined,
    userns: attached.userns,
  };
}

/**
 * The inputs of an extra process in a running container (exec, health probe): its mounts were
 * made at start (volumes resolved by the volume manager), so none are computed again here.
 */
export function processInputFor(rec: ContainerRecord, rootfs: string, etc: EtcFilePaths,
  user: { uid: number; gid: number; additionalGids: number[] }, pidOf: (ref: string) => number): SpecInput {
  return specInputFor(rec, rootfs, etc, user, pidOf, { mounts: [] });
}

/** Docker creates a missing WorkingDir (owned by the container user). */
export function ensureWorkingDir(hostDir: string, uid: number, gid: number): void {
  try { statSync(hostDir); return; } catch { /* create it */ }
  mkdirSync(hostDir, { recursive: true, mode: 0o755 });
  chownSync(hostDir, uid, gid);
}
