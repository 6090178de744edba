import { rootlessCgroups } from '../rootless/cgroups.js';
import { existsSync, readdirSync, lstatSync } from 'node:fs';
import { mkdir, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, NotFoundError } from '../common/errors.js';
import { CAPABILITY_BITS, DEFAULT_CAPABILITIES, normalizeCapName } from './capabilities.js';
import { defaultCgroupsPath } from './cgroups.js';
import { hostFacts, type HostFacts } from './host.js';
import { loadDefaultSeccompProfile, resolveSeccomp } from './seccomp.js';
import { mergeResources } from './resources.js';
import { ociMappings, type UsernsMaps } from './userns.js';

export interface Ulimit { Name: string; Soft: number; Hard: number }
export interface SpecMount { destination: string; source?: string; type?: string; options?: string[] }
export interface SpecDevice { path: string; type: 'c' | 'b'; major: number; minor: number; fileMode?: number; uid?: number; gid?: number; permissions?: string }
export type NsMode = 'private' | 'host' | { nsPath: string };

export interface SpecInput {
  id: string;
  rootfs: string;
  args: string[];
  env?: string[];
  cwd?: string;
  terminal?: boolean;
  user?: { uid: number; gid: number; additionalGids?: number[] };
  hostname?: string;
  domainname?: string;
  readonlyRootfs?: boolean;
  networkMode?: 'private' | 'none' | 'host' | { netnsPath: string };
  pidMode?: NsMode;
  ipcMode?: NsMode;
  utsMode?: 'private' | 'host';
  privileged?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  seccomp?: 'default' | 'unconfined' | string | object;
  noNewPrivileges?: boolean;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  shmSize?: number;
  mounts?: SpecMount[];
  devices?: SpecDevice[];
  ulimits?: Ulimit[];
  init?: boolean;
  initPath?: string;
  cgroupsPath?: string;
  cgroupParent?: string;
  resources?: {
    memory?: number; memorySwap?: number; memoryReservation?: number; cpuShares?: number; cpuQuota?: number;
    cpuPeriod?: number; nanoCpus?: number; cpusetCpus?: string; cpusetMems?: string; pidsLimit?: number; blkioWeight?: number;
  };
  /** OCI resources beyond the basic ones (resources.ts: OOM killer, block I/O, device rules), merged in */
  extraResources?: any;
  sysctls?: Record<string, string>;
  oomScoreAdj?: number;
  annotations?: Record<string, string>;
  /** a private user namespace with these id maps (userns.ts); absent: the host's */
  userns?: UsernsMaps;
  host?: HostFacts;
}

export interface BuiltSpec { spec: any; warnings: string[] }

const DEFAULT_MASKED_PATHS = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];
const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;
const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Docker's default RLIMIT_NOFILE (containerd's default); clamped to what the daemon holds. */
const DEFAULT_NOFILE = 1048576;

/** The devices every container gets (the runtime would create them anyway; listing them keeps the spec explicit). */
const DEFAULT_DEVICES: SpecDevice[] = [
  { path: '/dev/null', type: 'c', major: 1, minor: 3 },
  { path: '/dev/zero', type: 'c', major: 1, minor: 5 },
  { path: '/dev/full', type: 'c', major: 1, minor: 7 },
  { path: '/dev/random', type: 'c', major: 1, minor: 8 },
  { path: '/dev/urandom', type: 'c', major: 1, minor: 9 },
  { path: '/dev/tty', type: 'c', major: 5, minor: 0 },
];

/** Docker's default device cgroup rules: deny all, allow mknod of anything, rw of the default devices and ptys. */
function defaultDeviceRules(): any[] {
  const allow = (type: string, major: number | undefined, minor: number | undefined, access = 'rwm') =>
    ({ allow: true, type, ...(major !== undefined ? { major } : {}), ...(minor !== undefined ? { minor } : {}), access });
  return [
    { allow: false, access: 'rwm' },
    allow('c', undefined, undefined, 'm'), allow('b', undefined, undefined, 'm'),
    allow('c', 1, 3), allow('c', 1, 5), allow('c', 1, 7), allow('c', 1, 8), allow('c', 1, 9),
    allow('c', 5, 0), allow('c', 5, 1), allow('c', 5, 2), allow('c', 136, undefined), allow('c', 10, 200),
  ];
}

const INIT_CANDIDATES = ['/usr/libexec/podman/catatonit', '/usr/bin/catatonit', '/usr/bin/tini-static', '/usr/bin/docker-init'];

function findInitBinary(): string {
  const found = INIT_CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new NotFoundError(`--init needs a statically linked init on the host (tried ${INIT_CANDIDATES.join(', ')}); install catatonit or tini`);
  return found;
}

/** Effective capability list: Docker's defaults, cap-add/cap-drop (ALL), privileged; never beyond the daemon's bounding set. */
function computeCapabilities(input: Pick<SpecInput, 'privileged' | 'capAdd' | 'capDrop'>, host: HostFacts, warnings: string[]): string[] {
  const known = new Set(CAPABILITY_BITS);
  const check = (names: string[] | undefined) => (names ?? []).map(normalizeCapName).map((c) => {
    if (c !== 'ALL' && !known.has(c)) throw new InvalidArgumentError(`unknown capability: "${c}"`);
    return c;
  });
  const add = check(input.capAdd);
  const drop = check(input.capDrop);
  let caps: Set<string>;
  if (input.privileged || add.includes('ALL')) caps = new Set(CAPABILITY_BITS);
  else {
    caps = drop.includes('ALL') ? new Set() : new Set(DEFAULT_CAPABILITIES);
    for (const c of add) caps.add(c);
  }
  if (!drop.includes('ALL')) for (const c of drop) caps.delete(c);
  for (const c of [...caps]) {
    if (!host.capBounding.has(c)) {
      caps.delete(c);
      if (add.includes(c)) warnings.push(`capability ${c} is not available to the daemon and was not granted`);
    }
  }
  return CAPABILITY_BITS.filter((c) => caps.has(c));
}

/** Rlimits: Docker's default nofile plus requested ulimits, each clamped to the daemon's own hard limit. */
function computeRlimits(ulimits: Ulimit[] | undefined, host: HostFacts, warnings: string[]): any[] {
  const wanted = new Map<string, { soft: number; hard: number; requested: boolean }>();
  wanted.set('RLIMIT_NOFILE', { soft: DEFAULT_NOFILE, hard: DEFAULT_NOFILE, requested: false });
  for (const u of ulimits ?? []) {
    const type = 'RLIMIT_' + u.Name.trim().toUpperCase();
    if (!(type in host.hardLimits)) throw new InvalidArgumentError(`invalid ulimit type: ${u.Name}`);
    if (u.Soft > u.Hard) throw new InvalidArgumentError(`ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
    wanted.set(type, { soft: u.Soft, hard: u.Hard, requested: true });
  }
  const out: any[] = [];
  for (const [type, w] of wanted) {
    const max = host.hardLimits[type] ?? Infinity;
    // -1 means unlimited in Docker's API
    const hardWanted = w.hard < 0 ? Infinity : w.hard;
    const softWanted = w.soft < 0 ? Infinity : w.soft;
    const hard = Math.min(hardWanted, max);
    const soft = Math.min(softWanted, hard);
    if (w.requested && (hard < hardWanted || soft < softWanted)) {
      warnings.push(`ulimit ${type.slice(7).toLowerCase()}=${w.soft}:${w.hard} exceeds the daemon's hard limit ${max}; clamped to ${soft}:${hard}`);
    }
    // Infinity (RLIM_INFINITY, 2^64-1) is not a safe JS number; specToJson writes it exactly
    out.push({ type, soft, hard });
  }
  return out;
}

/** The OCI process object (used for the container and, with the same input shape, for exec). */
export function buildProcess(input: SpecInput): { process: any; warnings: string[] } {
  const host = input.host ?? hostFacts();
  const warnings: string[] = [];
  if (!input.args?.length) throw new InvalidArgumentError('no command specified');
  const caps = computeCapabilities(input, host, warnings);
  const env = [...(input.env ?? [])];
  if (!env.some((e) => e.startsWith('PATH='))) env.unshift(DEFAULT_PATH_ENV);
  if (input.terminal && !env.some((e) => e.startsWith('TERM='))) env.push('TERM=xterm');
  const args = input.init ? ['/dev/init', '--', ...input.args] : [...input.args];
  const process: any = {
    terminal: !!input.terminal,
    user: { uid: input.user?.uid ?? 0, gid: input.user?.gid ?? 0, ...(input.user?.additionalGids?.length ? { additionalGids: input.user.additionalGids } : {}) },
    args,
    env,
    cwd: input.cwd || '/',
    capabilities: { bounding: caps, effective: caps, permitted: caps },
    rlimits: computeRlimits(input.ulimits, host, warnings),
    noNewPrivileges: !!input.noNewPrivileges,
  };
  if (input.oomScoreAdj !== undefined) process.oomScoreAdj = input.oomScoreAdj;
  return { process, warnings };
}

function nsEntry(type: string, mode: NsMode | undefined): any | null {
  if (mode === 'host') return null;
  if (mode && typeof mode === 'object') return { type, path: mode.nsPath };
  return { type };
}

function defaultMounts(input: SpecInput): SpecMount[] {
  const priv = !!input.privileged;
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', priv ? 'rw' : 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', priv ? 'rw' : 'ro'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${input.shmSize && input.shmSize > 0 ? input.shmSize : DEFAULT_SHM_SIZE}`] },
  ];
}

/** All char/block devices of the host's /dev, for privileged containers (as Docker does). */
function hostDevices(): SpecDevice[] {
  const out: SpecDevice[] = [];
  const skip = new Set(['/dev/pts', '/dev/shm', '/dev/mqueue', '/dev/console', '/dev/ptmx']);
  const walk = (dir: string) => {
    let names: string[];
    try { names = readdirSync(dir); } catch { return; }
    for (const n of names) {
      const p = join(dir, n);
      if (skip.has(p)) continue;
      let st;
      try { st = lstatSync(p); } catch { continue; }
      if (st.isDirectory()) walk(p);
      else if (st.isCharacterDevice() || st.isBlockDevice()) {
        const rdev = st.rdev;
        const major = Number((BigInt(rdev) >> 8n) & 0xfffn) | Number((BigInt(rdev) >> 32n) & ~0xfffn);
        const minor = Number(BigInt(rdev) & 0xffn) | Number((BigInt(rdev) >> 12n) & ~0xffn);
        out.push({ path: p, type: st.isCharacterDevice() ? 'c' : 'b', major, minor, fileMode: st.mode & 0o777, uid: st.uid, gid: st.gid });
      }
    }
  };
  walk('/dev');
  return out;
}

function buildResources(input: SpecInput, host: HostFacts): any {
  const r = input.resources ?? {};
  const res: any = { devices: input.privileged ? [{ allow: true, access: 'rwm' }] : defaultDeviceRules() };
  for (const d of input.devices ?? []) res.devices.push({ allow: true, type: d.type, major: d.major, minor: d.minor, access: d.permissions ?? 'rwm' });
  const memory: any = {};
  if (r.memory && r.memory > 0) {
    memory.limit = r.memory;
    // Docker: swap unset -> twice the memory; -1 -> unlimited
    if (r.memorySwap === undefined || r.memorySwap === 0) memory.swap = r.memory * 2;
    else memory.swap = r.memorySwap;
  }
  if (r.memoryReservation && r.memoryReservation > 0) memory.reservation = r.memoryReservation;
  if (Object.keys(memory).length) res.memory = memory;
  const cpu: any = {};
  if (r.cpuShares) cpu.shares = r.cpuShares;
  if (r.nanoCpus && r.nanoCpus > 0) {
    if (r.cpuQuota) throw new InvalidArgumentError('conflicting options: Nano CPUs and CPU Quota cannot both be set');
    cpu.period = 100000;
    cpu.quota = Math.round((r.nanoCpus / 1e9) * 100000);
  }
  if (r.cpuQuota) cpu.quota = r.cpuQuota;
  if (r.cpuPeriod) cpu.period = r.cpuPeriod;
  if (r.cpusetCpus) cpu.cpus = r.cpusetCpus;
  if (r.cpusetMems) cpu.mems = r.cpusetMems;
  if (Object.keys(cpu).length) res.cpu = cpu;
  if (r.pidsLimit && r.pidsLimit > 0) res.pids = { limit: r.pidsLimit };
  if (r.blkioWeight) res.blockIO = { weight: r.blkioWeight };
  // On cgroup v2 the runtimes translate shares/weight themselves; nothing v1-only (kernel memory, swappiness) is emitted.
  void host;
  return input.extraResources ? mergeResources(res, input.extraResources) : res;
}

/** OCI runtime config.json with Docker's defaults. */
export function buildSpec(input: SpecInput): BuiltSpec {
  const host = input.host ?? hostFacts();
  const { process, warnings } = buildProcess({ ...input, host });
  const mounts = defaultMounts(input);
  if (input.init) {
    mounts.push({ destination: '/dev/init', type: 'bind', source: input.initPath ?? findInitBinary(), options: ['bind', 'ro', 'nosuid', 'nodev'] });
  }
  for (const m of input.mounts ?? []) {
    const i = mounts.findIndex((d) => d.destination === m.destination);
    if (i >= 0) mounts.splice(i, 1);
    mounts.push(m);
  }
  const namespaces: any[] = [];
  const add = (e: any) => { if (e) namespaces.push(e); };
  add(nsEntry('pid', input.pidMode));
  add(nsEntry('ipc', input.ipcMode));
  add(nsEntry('uts', input.utsMode));
  namespaces.push({ type: 'mount' });
  const net = input.networkMode ?? 'private';
  if (net === 'private' || net === 'none') namespaces.push({ type: 'network' });
  else if (typeof net === 'object') namespaces.push({ type: 'network', path: net.netnsPath });
  if (host.cgroups.version === 2) namespaces.push({ type: 'cgroup' });
  if (input.userns) namespaces.push({ type: 'user' });

  const linux: any = {
    namespaces,
    ...rootlessCgroupsPath(input),
    resources: buildResources(input, host),
    devices: [...DEFAULT_DEVICES.map((d) => ({ fileMode: 0o666, uid: 0, gid: 0, ...d })), ...(input.privileged ? hostDevices() : []), ...(input.devices ?? [])]
      .filter((d, i, all) => all.findIndex((x) => x.path === d.path) === i)
      .map((d) => ({ path: d.path, type: d.type, major: d.major, minor: d.minor, fileMode: d.fileMode ?? 0o666, uid: d.uid ?? 0, gid: d.gid ?? 0 })),
  };
  if (!input.privileged) {
    linux.maskedPaths = input.maskedPaths ?? DEFAULT_MASKED_PATHS;
    linux.readonlyPaths = input.readonlyPaths ?? DEFAULT_READONLY_PATHS;
    const sc = input.seccomp ?? 'default';
    if (sc !== 'unconfined') {
      const profile = sc === 'default' ? loadDefaultSeccompProfile() : typeof sc === 'string' ? parseProfile(sc) : sc;
      linux.seccomp = resolveSeccomp(profile, process.capabilities.effective, host);
    }
  }
  if (input.sysctls && Object.keys(input.sysctls).length) linux.sysctl = { ...input.sysctls };
  if (input.userns) {
    linux.uidMappings = ociMappings(input.userns.uid);
    linux.gidMappings = ociMappings(input.userns.gid);
  }

  const spec: any = {
    ociVersion: '1.0.2-dev',
    process,
    root: { path: input.rootfs, readonly: !!input.readonlyRootfs },
    mounts,
    linux,
  };
  if (input.utsMode !== 'host') {
    if (input.hostname) spec.hostname = input.hostname;
    if (input.domainname) spec.domainname = input.domainname;
  }
  if (input.annotations && Object.keys(input.annotations).length) spec.annotations = { ...input.annotations };
  return { spec, warnings };
}

function parseProfile(text: string): any {
  try { return JSON.parse(text); } catch (e) { throw new InvalidArgumentError(`decoding seccomp profile failed: ${(e as Error).message}`); }
}

/** Write bundleDir/config.json atomically. */
/**
 * A root daemon's containers get /berth/<id>. A rootless one without a delegated cgroup has no cgroup to
 * make: no path, so crun leaves the container in the daemon's cgroup (limits were refused at create).
 * With a delegated v2 subtree the containers go below it.
 */
function rootlessCgroupsPath(input: SpecInput): { cgroupsPath?: string } {
  const rl = rootlessCgroups();
  if (!rl) return { cgroupsPath: input.cgroupsPath ?? defaultCgroupsPath(input.id, input.cgroupParent) };
  if (!rl.limits || !rl.delegated) return {};
  return { cgroupsPath: input.cgroupsPath ?? defaultCgroupsPath(input.id, input.cgroupParent ?? `${rl.delegated.replace(/\/+$/, '')}/berth`) };
}

export async function writeBundle(bundleDir: string, spec: any): Promise<void> {
  await mkdir(bundleDir, { recursive: true });
  const tmp = join(bundleDir, `.config.json.${process.pid}`);
  await writeFile(tmp, specToJson(spec));
  await rename(tmp, join(bundleDir, 'config.json'));
}

/** JSON text of a spec; rlimit Infinity becomes RLIM_INFINITY (2^64-1), which a JS number cannot hold. */
export function specToJson(spec: any): string {
  const token = '"__berth_rlim_infinity__"';
  return JSON.stringify(spec, (_k, v) => (v === Infinity ? token.slice(1, -1) : v), 2).split(token).join('18446744073709551615');
}
