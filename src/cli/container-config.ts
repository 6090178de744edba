/**
 * `run`/`create` flags -> Docker's ContainerCreateRequest body (Config + HostConfig +
 * NetworkingConfig), with Docker's defaults and validations.
 */
import { Command, Option } from 'commander';
import { NotSupportedError, UsageError } from '../common/errors.js';
import { GoDurationError, goDurationNs } from '../common/go-duration.js';
import { ramInBytes } from '../common/byte-size.js';
import { collect, parseIntOption } from './context.js';
import { readEnvFile, readLabelFile, resolveEnvArg } from './envfile.js';
import { parsePublish, type PortBindings } from '../network/port-spec.js';
import { parseMountFlag } from '../volume/mount-spec.js';
import { parseSecretFlag } from '../secret/validation.js';
import { loadSecurityOptFiles } from '../runtime/security.js';
import { formatUsernsMaps } from '../runtime/userns.js';

/** Docker flags that parse but that berth cannot do yet: a clear error beats silently ignoring them. */
const UNSUPPORTED_RUN_FLAGS: Array<[string, string]> = [
  ['gpus', '--gpus'],
  ['platform', '--platform'],
];

export function addContainerOptions(cmd: Command, opts: { run: boolean }): Command {
  if (opts.run) {
    cmd.option('-d, --detach', 'Run container in background and print container ID')
      .option('--rm', 'Automatically remove the container and its associated anonymous volumes when it exits')
      .option('--sig-proxy', 'Proxy received signals to the process', true)
      .option('--detach-keys <keys>', 'Override the key sequence for detaching a container');
  } else {
    cmd.option('--rm', 'Automatically remove the container when it exits');
  }
  return cmd
    .option('-i, --interactive', 'Keep STDIN open even if not attached')
    .option('-t, --tty', 'Allocate a pseudo-TTY')
    .option('--name <string>', 'Assign a name to the container')
    .option('-e, --env <list>', 'Set environment variables', collect, [])
    .option('--env-file <list>', 'Read in a file of environment variables', collect, [])
    .option('-w, --workdir <string>', 'Working directory inside the container')
    .option('-u, --user <string>', 'Username or UID (format: "<name|uid>[:<group|gid>]")')
    .option('--entrypoint <string>', 'Overwrite the default ENTRYPOINT of the image')
    .option('-h, --hostname <string>', 'Container host name')
    .option('--domainname <string>', 'Container NIS domain name')
    .option('-l, --label <list>', 'Set meta data on a container', collect, [])
    .option('--label-file <list>', 'Read in a line delimited file of labels', collect, [])
    .option('--stop-signal <string>', 'Signal to stop the container')
    .option('--stop-timeout <int>', 'Timeout (in seconds) to stop a container', parseIntOption('--stop-timeout'))
    .option('--network <network>', 'Connect a container to a network')
    .addOption(new Option('--net <network>').hideHelp())
    .option('--init', 'Run an init inside the container that forwards signals and reaps processes')
    .option('--runtime <string>', 'Runtime to use for this container')
    .option('--privileged', 'Give extended privileges to this container')
    .option('--cap-add <list>', 'Add Linux capabilities', collect, [])
    .option('--cap-drop <list>', 'Drop Linux capabilities', collect, [])
    .option('--read-only', "Mount the container's root filesystem as read only")
    .option('--security-opt <list>', 'Security Options', collect, [])
    .option('--ulimit <ulimit>', 'Ulimit options', collect, [])
    .option('--shm-size <bytes>', 'Size of /dev/shm')
    .option('-a, --attach <list>', 'Attach to STDIN, STDOUT or STDERR', collect, [])
    .option('--restart <string>', 'Restart policy to apply when a container exits', 'no')
    .option('-m, --memory <bytes>', 'Memory limit')
    .option('--memory-swap <bytes>', "Swap limit equal to memory plus swap: '-1' to enable unlimited swap")
    .option('--memory-reservation <bytes>', 'Memory soft limit')
    .option('--memory-swappiness <int>', 'Tune container memory swappiness (0 to 100)', parseIntOption('--memory-swappiness'))
    .option('--oom-kill-disable', 'Disable OOM Killer')
    .option('--oom-score-adj <int>', "Tune host's OOM preferences (-1000 to 1000)", parseIntOption('--oom-score-adj'))
    .option('--cpu-period <int>', 'Limit CPU CFS (Completely Fair Scheduler) period', parseIntOption('--cpu-period'))
    .option('--cpu-quota <int>', 'Limit CPU CFS (Completely Fair Scheduler) quota', parseIntOption('--cpu-quota'))
    .option('--cpuset-mems <string>', 'MEMs in which to allow execution (0-3, 0,1)')
    .option('--blkio-weight <uint16>', 'Block IO (relative weight), between 10 and 1000, or 0 to disable', parseIntOption('--blkio-weight'))
    .option('--blkio-weight-device <list>', 'Block IO weight (relative device weight)', collect, [])
    .option('--device-read-bps <list>', 'Limit read rate (bytes per second) from a device', collect, [])
    .option('--device-write-bps <list>', 'Limit write rate (bytes per second) to a device', collect, [])
    .option('--device-read-iops <list>', 'Limit read rate (IO per second) from a device', collect, [])
    .option('--device-write-iops <list>', 'Limit write rate (IO per second) to a device', collect, [])
    .option('--device-cgroup-rule <list>', 'Add a rule to the cgroup allowed devices list', collect, [])
    .option('--health-start-interval <duration>', 'Time between running the check during the start period (ms|s|m|h)')
    .option('--health-on-failure <action>', 'Action on an unhealthy container: none, kill, restart or stop (berth)')
    .option('--cpus <decimal>', 'Number of CPUs')
    .option('-c, --cpu-shares <int>', 'CPU shares (relative weight)', parseIntOption('--cpu-shares'))
    .option('--cpuset-cpus <string>', 'CPUs in which to allow execution (0-3, 0,1)')
    .option('--pids-limit <int>', 'Tune container pids limit (set -1 for unlimited)', parseIntOption('--pids-limit'))
    .option('--add-host <list>', 'Add a custom host-to-IP mapping (host:ip)', collect, [])
    .option('--dns <list>', 'Set custom DNS servers', collect, [])
    .option('--dns-search <list>', 'Set custom DNS search domains', collect, [])
    .option('--dns-option <list>', 'Set DNS options', collect, [])
    .option('--tmpfs <list>', 'Mount a tmpfs directory', collect, [])
    .option('--secret <secret>', 'Mount a berth secret as a file: NAME or source=NAME[,target=PATH][,uid=N][,gid=N][,mode=0444] (under /run/secrets unless PATH is absolute; berth)', collect, [])
    .option('--group-add <list>', 'Add additional groups to join', collect, [])
    .option('--sysctl <map>', 'Sysctl options', collect, [])
    .option('--ipc <string>', 'IPC mode to use')
    .option('--pid <string>', 'PID namespace to use')
    .option('--uts <string>', 'UTS namespace to use')
    .option('--userns <string>', 'User namespace to use: host, auto[:size=N] (a free range of berth\'s /etc/subuid ids), or uidmap=C:H:N[,gidmap=C:H:N] (berth)')
    .option('--uidmap <C:H:N>', 'Map container uids C..C+N-1 to host uids H..H+N-1 in a private user namespace (repeatable, berth)', collect, [])
    .option('--gidmap <C:H:N>', 'Map container gids like --uidmap (repeatable; default: as the uids, berth)', collect, [])
    .option('--cgroupns <string>', 'Cgroup namespace to use (host|private)')
    .option('--device <list>', 'Add a host device to the container', collect, [])
    .option('--log-driver <string>', 'Logging driver for the container')
    .option('--log-opt <list>', 'Log driver options', collect, [])
    .option('--expose <list>', 'Expose a port or a range of ports', collect, [])
    .option('--health-cmd <string>', 'Command to run to check health')
    .option('--health-interval <duration>', 'Time between running the check (ms|s|m|h)')
    .option('--health-timeout <duration>', 'Maximum time to allow one check to run (ms|s|m|h)')
    .option('--health-start-period <duration>', 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h)')
    .option('--health-retries <int>', 'Consecutive failures needed to report unhealthy', parseIntOption('--health-retries'))
    .option('--no-healthcheck', 'Disable any container-specified HEALTHCHECK')
    .option('--cidfile <string>', 'Write the container ID to the file')
    .option('--pull <string>', 'Pull image before running ("always", "missing", "never")', 'missing')
    .option('-q, --quiet', 'Suppress the pull output')
    // parsed so that they fail clearly instead of being taken for the image name
    .option('-p, --publish <list>', 'Publish a container\'s port(s) to the host', collect, [])
    .option('-P, --publish-all', 'Publish all exposed ports to random ports')
    .option('-v, --volume <list>', 'Bind mount a volume', collect, [])
    .option('--mount <mount>', 'Attach a filesystem mount to the container', collect, [])
    .option('--volumes-from <list>', 'Mount volumes from the specified container(s)', collect, [])
    .option('--link <list>', 'Add link to another container (name[:alias]; legacy, default bridge)', collect, [])
    .option('--ip <string>', 'IPv4 address (e.g., 172.30.100.104)')
    .option('--ip6 <string>', 'IPv6 address (e.g., 2001:db8::33)')
    .option('--network-alias <list>', 'Add network-scoped alias for the container', collect, [])
    .option('--mac-address <string>', 'Container MAC address (e.g., 92:d0:c6:0a:29:33)')
    .option('--gpus <gpu-request>', 'GPU devices to add to the container (not supported yet)')
    .option('--platform <string>', 'Set platform if server is multi-platform capable (not supported yet)');
}

/** A health-check duration flag ("1m30s", "500ms") in nanoseconds; Go's message as a usage error. */
function healthDuration(s: string): number {
  try { return goDurationNs(s); } catch (e) {
    if (e instanceof GoDurationError) throw new UsageError(e.message);
    throw e;
  }
}

function parseUlimit(s: string): { Name: string; Soft: number; Hard: number } {
  const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(s);
  if (!m) throw new UsageError(`invalid argument "${s}" for "--ulimit" flag: invalid ulimit argument: ${s}`);
  const soft = Number(m[2]);
  const hard = m[3] !== undefined ? Number(m[3]) : soft;
  if (soft > hard) throw new UsageError(`invalid argument "${s}" for "--ulimit" flag: ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
  return { Name: m[1], Soft: soft, Hard: hard };
}

function keyValueMap(list: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq === 0) throw new UsageError(`invalid argument "${item}" for "${flag}" flag`);
    if (eq < 0) out[item] = '';
    else out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** Sizes of --memory and friends, with Docker's flag error. */
function ramFlag(v: string, flag: string): number {
  try { return ramInBytes(v.trim()); } catch (e) { throw new UsageError(`invalid argument "${v}" for "${flag}" flag: ${(e as Error).message}`); }
}

function parseCpusFlag(v: string): number {
  if (!/^\d*\.?\d+$/.test(String(v).trim())) throw new UsageError(`invalid argument "${v}" for "--cpus" flag: failed to parse ${v} as a rational number`);
  return Math.round(Number(v) * 1e9);
}

/** --device-read-bps /dev/sda:1mb, --device-read-iops /dev/sda:1000 */
function throttleDevice(v: string, flag: string, bytes: boolean): { Path: string; Rate: number } {
  const i = v.lastIndexOf(':');
  if (i <= 0) throw new UsageError(`invalid argument "${v}" for "${flag}" flag: bad format: ${v}`);
  const path = v.slice(0, i);
  const rate = v.slice(i + 1);
  if (!path.startsWith('/dev/')) throw new UsageError(`invalid argument "${v}" for "${flag}" flag: bad format for device path: ${v}`);
  if (bytes) return { Path: path, Rate: ramFlag(rate, flag) };
  if (!/^\d+$/.test(rate)) throw new UsageError(`invalid argument "${v}" for "${flag}" flag: invalid rate for device: ${v}. The correct format is <device-path>:<number>. Number must be a positive integer`);
  return { Path: path, Rate: Number(rate) };
}

function weightDevice(v: string): { Path: string; Weight: number } {
  const i = v.lastIndexOf(':');
  const w = Number(v.slice(i + 1));
  if (i <= 0 || !v.startsWith('/dev/') || !Number.isInteger(w) || w < 10 || w > 1000) {
    throw new UsageError(`invalid argument "${v}" for "--blkio-weight-device" flag: invalid weight for device: ${v}`);
  }
  return { Path: v.slice(0, i), Weight: w };
}

function parseRestart(s: string): { Name: string; MaximumRetryCount: number } {
  const [name, count] = s.split(':');
  if (count !== undefined && !/^-?\d+$/.test(count)) throw new UsageError(`invalid restart policy format: maximum retry count must be an integer`);
  if (!['no', 'always', 'on-failure', 'unless-stopped', ''].includes(name)) throw new UsageError(`invalid restart policy '${s}'`);
  if (count !== undefined && name !== 'on-failure') throw new UsageError(`invalid restart policy format: maximum retry count can only be used with 'on-failure'`);
  return { Name: name === '' ? 'no' : name, MaximumRetryCount: count ? Number(count) : 0 };
}

function parseDevice(s: string): { PathOnHost: string; PathInContainer: string; CgroupPermissions: string } {
  const parts = s.split(':');
  const host = parts[0];
  let inContainer = host;
  let perms = 'rwm';
  if (parts.length === 2) { if (/^[rwm]+$/.test(parts[1])) perms = parts[1]; else inContainer = parts[1]; }
  if (parts.length === 3) { inContainer = parts[1]; perms = parts[2]; }
  return { PathOnHost: host, PathInContainer: inContainer, CgroupPermissions: perms };
}

/** --userns, or --uidmap/--gidmap (which need no --userns, or one that is not host/auto). */
function usernsFlag(o: any): string {
  const maps: string[] = [...(o.uidmap ?? []), ...(o.gidmap ?? [])];
  if (!maps.length) return o.userns;
  if (o.userns && !/^(uidmap|gidmap)=/.test(o.userns)) throw new UsageError(`--uidmap/--gidmap conflict with --userns=${o.userns}`);
  if (!o.uidmap?.length) throw new UsageError('--gidmap needs --uidmap too');
  return [o.userns, formatUsernsMaps(o.uidmap, o.gidmap ?? [])].filter(Boolean).join(',');
}

export interface CreateRequest { name?: string; body: any; platform?: string }

/** Build the create request from parsed options, the image and the command after it. */
export function buildCreateRequest(o: any, image: string, args: string[], opts: { run: boolean }): CreateRequest {
  for (const [key, what] of UNSUPPORTED_RUN_FLAGS) {
    const v = o[key];
    if (v === undefined || v === false || (Array.isArray(v) && v.length === 0)) continue;
    throw new NotSupportedError(`${what} is not supported yet by berth`);
  }
  const detach = Boolean(o.detach);
  const attach: string[] = (o.attach ?? []).map((s: string) => s.toLowerCase());
  for (const a of attach) if (!['stdin', 'stdout', 'stderr'].includes(a)) throw new UsageError(`invalid argument "${a}" for "-a, --attach" flag: valid streams are STDIN, STDOUT and STDERR`);
  if (detach && attach.length) throw new UsageError('Conflicting options: -a and -d');

  let attachStdin = false, attachStdout = false, attachStderr = false;
  if (opts.run && !detach) {
    if (attach.length) {
      attachStdin = attach.includes('stdin'); attachStdout = attach.includes('stdout'); attachStderr = attach.includes('stderr');
    } else {
      attachStdout = true; attachStderr = true;
    }
    if (o.interactive) attachStdin = true;
  } else if (!opts.run) {
    // docker create records the attach wishes of a later `start -a`
    if (attach.length) { attachStdin = attach.includes('stdin'); attachStdout = attach.includes('stdout'); attachStderr = attach.includes('stderr'); }
    else { attachStdout = true; attachStderr = true; }
    if (o.interactive) attachStdin = true;
  }

  const env: string[] = [];
  for (const f of o.envFile ?? []) env.push(...readEnvFile(f));
  for (const e of o.env ?? []) { const v = resolveEnvArg(e); if (v !== undefined) env.push(v); }

  const labelList: string[] = [];
  for (const f of o.labelFile ?? []) labelList.push(...readLabelFile(f));
  labelList.push(...(o.label ?? []));
  const labels = keyValueMap(labelList, '--label');

  let entrypoint: string[] | undefined;
  if (o.entrypoint !== undefined) entrypoint = o.entrypoint === '' ? [''] : [o.entrypoint];

  const exposed: Record<string, object> = {};
  const portBindings: PortBindings = {};
  for (const e of o.expose ?? []) {
    const [port, proto = 'tcp'] = String(e).split('/');
    const [lo, hi = lo] = port.split('-').map(Number);
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) throw new UsageError(`invalid range format for --expose: ${e}`);
    for (let p = lo; p <= hi; p++) exposed[`${p}/${proto}`] = {};
  }

  let healthcheck: any;
  if (o.healthcheck === false) {
    // commander sets healthcheck=false for --no-healthcheck
    if (o.healthCmd) throw new UsageError('--no-healthcheck conflicts with --health-* options');
    healthcheck = { Test: ['NONE'] };
  } else if (o.healthCmd || o.healthInterval || o.healthTimeout || o.healthStartPeriod || o.healthStartInterval || o.healthRetries !== undefined) {
    healthcheck = {
      ...(o.healthCmd ? { Test: ['CMD-SHELL', o.healthCmd] } : {}),
      ...(o.healthInterval ? { Interval: healthDuration(o.healthInterval) } : {}),
      ...(o.healthTimeout ? { Timeout: healthDuration(o.healthTimeout) } : {}),
      ...(o.healthStartPeriod ? { StartPeriod: healthDuration(o.healthStartPeriod) } : {}),
      ...(o.healthStartInterval ? { StartInterval: healthDuration(o.healthStartInterval) } : {}),
      ...(o.healthRetries !== undefined ? { Retries: o.healthRetries } : {}),
    };
  }

  const tmpfs: Record<string, string> = {};
  for (const t of o.tmpfs ?? []) { const c = t.indexOf(':'); if (c < 0) tmpfs[t] = ''; else tmpfs[t.slice(0, c)] = t.slice(c + 1); }

  const networkMode: string = o.network ?? o.net ?? 'default';
  for (const p of o.publish ?? []) parsePublish(p, exposed, portBindings);
  const endpoint: any = {
    ...(o.networkAlias?.length ? { Aliases: o.networkAlias } : {}),
    ...(o.ip || o.ip6 ? { IPAMConfig: { ...(o.ip ? { IPv4Address: o.ip } : {}), ...(o.ip6 ? { IPv6Address: o.ip6 } : {}) } } : {}),
    ...(o.macAddress ? { MacAddress: o.macAddress } : {}),
  };
  const hostConfig: any = {
    NetworkMode: networkMode,
    ...(o.link?.length ? { Links: o.link } : {}),
    AutoRemove: Boolean(o.rm),
    Privileged: Boolean(o.privileged),
    ReadonlyRootfs: Boolean(o.readOnly),
    RestartPolicy: parseRestart(o.restart ?? 'no'),
    ...(o.capAdd?.length ? { CapAdd: o.capAdd } : {}),
    ...(o.capDrop?.length ? { CapDrop: o.capDrop } : {}),
    ...(o.securityOpt?.length ? { SecurityOpt: loadSecurityOptFiles(o.securityOpt) } : {}),
    ...(o.ulimit?.length ? { Ulimits: o.ulimit.map(parseUlimit) } : {}),
    ...(o.shmSize ? { ShmSize: ramFlag(o.shmSize, '--shm-size') } : {}),
    ...(o.init ? { Init: true } : {}),
    ...(o.runtime ? { Runtime: o.runtime } : {}),
    ...(o.memory ? { Memory: ramFlag(o.memory, '-m, --memory') } : {}),
    ...(o.memoryReservation ? { MemoryReservation: ramFlag(o.memoryReservation, '--memory-reservation') } : {}),
    ...(o.memorySwappiness !== undefined ? { MemorySwappiness: o.memorySwappiness } : {}),
    ...(o.oomKillDisable ? { OomKillDisable: true } : {}),
    ...(o.oomScoreAdj !== undefined ? { OomScoreAdj: o.oomScoreAdj } : {}),
    ...(o.cpuPeriod !== undefined ? { CpuPeriod: o.cpuPeriod } : {}),
    ...(o.cpuQuota !== undefined ? { CpuQuota: o.cpuQuota } : {}),
    ...(o.cpusetMems ? { CpusetMems: o.cpusetMems } : {}),
    ...(o.blkioWeight !== undefined ? { BlkioWeight: o.blkioWeight } : {}),
    ...(o.blkioWeightDevice?.length ? { BlkioWeightDevice: o.blkioWeightDevice.map((v: string) => weightDevice(v)) } : {}),
    ...(o.deviceReadBps?.length ? { BlkioDeviceReadBps: o.deviceReadBps.map((v: string) => throttleDevice(v, '--device-read-bps', true)) } : {}),
    ...(o.deviceWriteBps?.length ? { BlkioDeviceWriteBps: o.deviceWriteBps.map((v: string) => throttleDevice(v, '--device-write-bps', true)) } : {}),
    ...(o.deviceReadIops?.length ? { BlkioDeviceReadIOps: o.deviceReadIops.map((v: string) => throttleDevice(v, '--device-read-iops', false)) } : {}),
    ...(o.deviceWriteIops?.length ? { BlkioDeviceWriteIOps: o.deviceWriteIops.map((v: string) => throttleDevice(v, '--device-write-iops', false)) } : {}),
    ...(o.deviceCgroupRule?.length ? { DeviceCgroupRules: o.deviceCgroupRule } : {}),
    ...(o.healthOnFailure ? { HealthOnFailure: o.healthOnFailure } : {}),
    ...(o.memorySwap ? { MemorySwap: o.memorySwap === '-1' ? -1 : ramFlag(o.memorySwap, '--memory-swap') } : {}),
    ...(o.cpus ? { NanoCpus: parseCpusFlag(o.cpus) } : {}),
    ...(o.cpuShares !== undefined ? { CpuShares: o.cpuShares } : {}),
    ...(o.cpusetCpus ? { CpusetCpus: o.cpusetCpus } : {}),
    ...(o.pidsLimit !== undefined ? { PidsLimit: o.pidsLimit } : {}),
    ...(o.addHost?.length ? { ExtraHosts: o.addHost.map((h: string) => h.replace('=', ':')) } : {}),
    ...(o.dns?.length ? { Dns: o.dns } : {}),
    ...(o.dnsSearch?.length ? { DnsSearch: o.dnsSearch } : {}),
    ...(o.dnsOption?.length ? { DnsOptions: o.dnsOption } : {}),
    ...(Object.keys(tmpfs).length ? { Tmpfs: tmpfs } : {}),
    ...(o.secret?.length ? { BerthSecrets: o.secret.map(parseSecretFlag) } : {}),
    ...(o.volume?.length ? { Binds: o.volume } : {}),
    ...(o.mount?.length ? { Mounts: o.mount.map(parseMountFlag) } : {}),
    ...(o.volumesFrom?.length ? { VolumesFrom: o.volumesFrom } : {}),
    ...(Object.keys(portBindings).length ? { PortBindings: portBindings } : {}),
    ...(o.publishAll ? { PublishAllPorts: true } : {}),
    ...(o.groupAdd?.length ? { GroupAdd: o.groupAdd } : {}),
    ...(o.sysctl?.length ? { Sysctls: keyValueMap(o.sysctl, '--sysctl') } : {}),
    ...(o.ipc ? { IpcMode: o.ipc } : {}),
    ...(o.pid ? { PidMode: o.pid } : {}),
    ...(o.uts ? { UTSMode: o.uts } : {}),
    ...(o.userns || o.uidmap?.length || o.gidmap?.length ? { UsernsMode: usernsFlag(o) } : {}),
    ...(o.cgroupns ? { CgroupnsMode: o.cgroupns } : {}),
    ...(o.device?.length ? { Devices: o.device.map(parseDevice) } : {}),
    ...(o.logDriver || o.logOpt?.length ? { LogConfig: { Type: o.logDriver ?? '', Config: keyValueMap(o.logOpt ?? [], '--log-opt') } } : {}),
  };
  if (hostConfig.AutoRemove && hostConfig.RestartPolicy.Name !== 'no') throw new UsageError('Conflicting options: --restart and --rm');

  const body: any = {
    Hostname: o.hostname ?? '',
    Domainname: o.domainname ?? '',
    User: o.user ?? '',
    AttachStdin: attachStdin,
    AttachStdout: attachStdout,
    AttachStderr: attachStderr,
    Tty: Boolean(o.tty),
    OpenStdin: Boolean(o.interactive),
    StdinOnce: Boolean(o.interactive) && attachStdin && !detach,
    Env: env,
    Cmd: args.length ? args : null,
    Image: image,
    WorkingDir: o.workdir ?? '',
    Entrypoint: entrypoint ?? null,
    Labels: labels,
    ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
    ...(o.stopSignal ? { StopSignal: o.stopSignal } : {}),
    ...(o.stopTimeout !== undefined ? { StopTimeout: o.stopTimeout } : {}),
    ...(healthcheck ? { Healthcheck: healthcheck } : {}),
    HostConfig: hostConfig,
    NetworkingConfig: { EndpointsConfig: Object.keys(endpoint).length ? { [networkMode]: endpoint } : {} },
  };
  return { name: o.name, body };
}
