/**
 * A service (model.ts) as the Engine API's container create request, the way compose v2 makes it
 * (docker/compose pkg/compose/create.go): names, compose labels, config hash, ports, mounts, resources,
 * healthcheck, networks. Pure but for reading a seccomp profile: what depends on the engine's state
 * (the containers of other services, the image digest) comes in through the options.
 */
import { randomBytes } from 'node:crypto';
import { NotSupportedError } from '../../common/errors.js';
import type { ContainerCreateRequest, EndpointSettings, HealthConfig, HostConfig, RestartPolicy } from '../../common/engine-api/types.js';
import { COMPOSE_VERSION } from '../version.js';
import { LABELS, type Project, type ServiceConfig } from '../model.js';
import { serviceConfigHash } from './config-hash.js';
import { serviceResources } from './host-resources.js';
import { securityOptions, serviceMounts, type FileCopy } from './mounts.js';
import { serviceNetworking } from './networking.js';
import { exposedPorts, portBindings } from './ports.js';
import { composeError, durationNs, durationSeconds, sizeBytes } from './units.js';

export type { FileCopy } from './mounts.js';

/** compose run's label: the one-off container's full random id, whose first 12 hex name it. */
export const SLUG_LABEL = 'com.docker.compose.slug';

/** What the orchestrator knows of the engine's containers, for references between services. */
export interface ServiceResolver {
  /** the ID of the service's first container (by container number), for `service:<name>` references */
  containerId(service: string): string | undefined;
  /** the names of the service's containers (no leading slash), for `links:`; none when not given */
  containerNames?(service: string): string[];
}

export interface ContainerPlanOptions {
  /** the replica's number (com.docker.compose.container-number), from 1 */
  number: number;
  /** a `compose run` container: oneoff label True, name <project>-<service>-run-<12 hex> */
  oneoff?: boolean;
  /** an explicit name (compose run --name) */
  name?: string;
  /** the negotiated API version: before 1.44 a create takes one network, the others are connected after */
  apiVersion: string;
  /** resolves network_mode/ipc/pid `service:x` and volumes_from services to containers, and links */
  resolver?: ServiceResolver;
  /** the service name and its aliases as network aliases (default true; compose run without --use-aliases: false) */
  useNetworkAliases?: boolean;
  /** the image's digest when known (com.docker.compose.image), which tells a rebuilt image from the old one */
  imageDigest?: string;
  /** more labels, added last (compose run -l, com.docker.compose.replace on a recreate) */
  labels?: Record<string, string>;
  /** compose run --rm */
  autoRemove?: boolean;
  /** compose run attaching stdin (interactive) */
  attachStdin?: boolean;
  /** the one-off's slug (64 hex); random when absent */
  slug?: string;
}

export interface ContainerPlan {
  /** the container's name (without the leading slash) */
  name: string;
  /** the POST /containers/create body */
  body: ContainerCreateRequest;
  /** the `platform` query parameter of the create, when the service names one */
  platform?: string;
  /** networks to connect after create (older APIs take only one network at create), in priority order */
  connectAfter: Array<{ network: string; endpoint: EndpointSettings }>;
  /** secrets and configs from `content`/`environment`: to write with PUT /containers/{id}/archive before start */
  copies: FileCopy[];
  /** the config hash (also in the labels) */
  configHash: string;
}

/** `<project>-<service>-<n>`, or container_name (compose v2's getContainerName). */
export function containerName(projectName: string, service: ServiceConfig, number: number): string {
  return service.container_name || `${projectName}-${service.name}-${number}`;
}

/** The image a service runs: `image:`, else the one compose builds for it, named `<project>-<service>`. */
export function serviceImage(projectName: string, service: ServiceConfig): string {
  return service.image || `${projectName}-${service.name}`;
}

function apiAtLeast(version: string, min: string): boolean {
  const a = version.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d > 0;
  }
  return true;
}

/** compose v2's depends_on label: `svc:condition:restart`, comma-joined. */
export function dependsOnLabel(service: ServiceConfig): string {
  return Object.entries(service.depends_on ?? {}).map(([name, d]) => `${name}:${d.condition}:${d.restart === true}`).join(',');
}

/** The labels compose puts on a service's containers: the service's own, then compose's (which win). */
export function serviceLabels(project: Project, service: ServiceConfig, opts: { number?: number; oneoff?: boolean; slug?: string; configHash: string; imageDigest?: string }): Record<string, string> {
  const labels: Record<string, string> = {
    ...service.labels,
    [LABELS.project]: project.name,
    [LABELS.service]: service.name,
    [LABELS.version]: COMPOSE_VERSION,
    [LABELS.workingDir]: project.workingDir,
    [LABELS.configFiles]: project.configFiles.join(','),
    [LABELS.oneoff]: opts.oneoff ? 'True' : 'False',
    [LABELS.configHash]: opts.configHash,
    [LABELS.dependsOn]: dependsOnLabel(service),
  };
  if (project.envFiles?.length) labels[LABELS.environmentFile] = project.envFiles.join(',');
  // one-off containers are not numbered
  if (!opts.oneoff && opts.number !== undefined) labels[LABELS.containerNumber] = String(opts.number);
  if (opts.oneoff && opts.slug) labels[SLUG_LABEL] = opts.slug;
  if (opts.imageDigest) labels[LABELS.image] = opts.imageDigest;
  return labels;
}

/** environment as Env: K=V sorted by name; a variable without a value (`- FOO` with FOO unset) is left out. */
export function serviceEnv(service: ServiceConfig): string[] {
  return Object.entries(service.environment ?? {})
    .filter((e): e is [string, string] => e[1] !== null && e[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
}

/** healthcheck with Go durations in nanoseconds; `disable: true` is Test ["NONE"] (compose v2's ToMobyHealthCheck). */
export function serviceHealthcheck(service: ServiceConfig): HealthConfig | undefined {
  const h = service.healthcheck;
  if (!h) return undefined;
  const at = (k: string) => `services.${service.name}.healthcheck.${k}`;
  if (h.start_interval !== undefined && h.start_period === undefined) {
    throw composeError('healthcheck.start_interval requires healthcheck.start_period to be set');
  }
  const out: HealthConfig = {};
  if (h.disable) out.Test = ['NONE'];
  else if (h.test) out.Test = h.test;
  if (h.interval !== undefined) out.Interval = durationNs(h.interval, at('interval'));
  if (h.timeout !== undefined) out.Timeout = durationNs(h.timeout, at('timeout'));
  if (h.start_period !== undefined) out.StartPeriod = durationNs(h.start_period, at('start_period'));
  if (h.start_interval !== undefined) out.StartInterval = durationNs(h.start_interval, at('start_interval'));
  if (h.retries !== undefined) out.Retries = h.retries;
  return out;
}

const RESTART_CONDITIONS: Record<string, NonNullable<RestartPolicy['Name']>> = {
  none: 'no', no: 'no', 'on-failure': 'on-failure', 'unless-stopped': 'unless-stopped', any: 'always', always: 'always',
};

/** restart (no, always, on-failure[:N], unless-stopped), or deploy.restart_policy, which wins. */
export function restartPolicy(service: ServiceConfig): RestartPolicy | undefined {
  let policy: RestartPolicy | undefined;
  const mapped = (c: string) => {
    const name = RESTART_CONDITIONS[c];
    if (!name) throw composeError(`invalid restart policy: ${JSON.stringify(c)}`);
    return name;
  };
  if (service.restart) {
    const [name, n] = service.restart.split(':', 2);
    const attempts = n === undefined ? 0 : Number(n);
    if (!Number.isInteger(attempts) || attempts < 0) throw composeError(`invalid restart policy: maximum retry count must be a positive integer: ${JSON.stringify(service.restart)}`);
    policy = { Name: mapped(name), MaximumRetryCount: attempts };
  }
  const rp = service.deploy?.restart_policy;
  if (rp) policy = { Name: mapped(rp.condition || 'any'), MaximumRetryCount: rp.max_attempts ?? 0 };
  return policy;
}

/** `service:x` → `container:<id of x's first container>` (network_mode, ipc, pid). */
function resolveMode(mode: string | undefined, what: string, opts: ContainerPlanOptions): string | undefined {
  if (!mode?.startsWith('service:')) return mode || undefined;
  const name = mode.slice('service:'.length);
  const id = opts.resolver?.containerId(name);
  if (!id) throw composeError(`cannot share ${what} namespace with service ${name}: container missing`, 'ERR_COMPOSE_NO_SERVICE');
  return `container:${id}`;
}

/** volumes_from: `service[:ro|rw]` → `<id>[:mode]`, `container:name[:mode]` → `name[:mode]`. */
function volumesFrom(service: ServiceConfig, opts: ContainerPlanOptions): string[] {
  return (service.volumes_from ?? []).map((v) => {
    const parts = v.split(':');
    if (parts[0] === 'container') return parts.slice(1).join(':');
    const id = opts.resolver?.containerId(parts[0]);
    if (!id) throw composeError(`cannot share volume with service ${parts[0]}: container missing`, 'ERR_COMPOSE_NO_SERVICE');
    return [id, ...parts.slice(1)].join(':');
  });
}

/** compose v2's getLinks: a link to every container of the linked service, under three names; external_links as they are. */
function links(project: Project, service: ServiceConfig, number: number, opts: ContainerPlanOptions): string[] {
  const out: string[] = [];
  for (const raw of service.links ?? []) {
    const [svc, alias = svc] = raw.split(':', 2);
    for (const name of opts.resolver?.containerNames?.(svc) ?? []) {
      out.push(`${name}:${alias}`, `${name}:${svc}-${number}`, `${name}:${project.name}-${svc}-${number}`);
    }
  }
  for (const raw of service.external_links ?? []) {
    const [ext, alias = ext] = raw.split(':', 2);
    out.push(`${ext}:${alias}`);
  }
  return out;
}

/** extra_hosts as the engine's `host:ip` (the loader may keep compose's `host=ip`); host-gateway is the engine's to resolve. */
function extraHosts(service: ServiceConfig): string[] {
  return (service.extra_hosts ?? []).map((h) => {
    const eq = h.indexOf('=');
    return eq > 0 ? `${h.slice(0, eq)}:${h.slice(eq + 1)}` : h;
  });
}

/** Keys compose v2 does something with that berth compose cannot do: refused rather than ignored. */
function refuseUnsupported(service: ServiceConfig): void {
  const s = service as ServiceConfig & { use_api_socket?: boolean; provider?: unknown; models?: unknown };
  if (s.use_api_socket) throw new NotSupportedError(`service ${service.name}: use_api_socket is not supported by berth compose`);
  if (s.provider) throw new NotSupportedError(`service ${service.name}: provider services are not supported by berth compose`);
  if (s.models && Object.keys(s.models as object).length) throw new NotSupportedError(`service ${service.name}: models are not supported by berth compose`);
}

export function containerPlan(project: Project, service: ServiceConfig, opts: ContainerPlanOptions): ContainerPlan {
  refuseUnsupported(service);
  const oneoff = !!opts.oneoff;
  const slug = oneoff ? (opts.slug ?? randomBytes(32).toString('hex')) : undefined;
  const name = opts.name || (oneoff ? (service.container_name || `${project.name}-${service.name}-run-${slug!.slice(0, 12)}`) : containerName(project.name, service, opts.number));
  const configHash = serviceConfigHash(service);
  const labels = { ...serviceLabels(project, service, { number: opts.number, oneoff, slug, configHash, imageDigest: opts.imageDigest }), ...opts.labels };
  const multipleEndpoints = apiAtLeast(opts.apiVersion, '1.44');
  const linkList = links(project, service, opts.number, opts);
  const net = serviceNetworking(project, { ...service, network_mode: resolveMode(service.network_mode, 'network', opts) }, {
    containerName: name,
    useNetworkAliases: opts.useNetworkAliases ?? true,
    links: linkList,
    multipleEndpoints,
  });
  const mounts = serviceMounts(project, service);
  const security = securityOptions(project, service.security_opt ?? []);

  const body: ContainerCreateRequest = {
    Image: serviceImage(project.name, service),
    AttachStdin: !!opts.attachStdin,
    AttachStdout: true,
    AttachStderr: true,
    Tty: !!service.tty,
    OpenStdin: !!service.stdin_open,
    StdinOnce: !!opts.attachStdin && !!service.stdin_open,
    Env: serviceEnv(service),
    Labels: labels,
  };
  if (service.command) body.Cmd = service.command;
  if (service.entrypoint) body.Entrypoint = service.entrypoint;
  if (service.hostname) body.Hostname = service.hostname;
  if (service.domainname) body.Domainname = service.domainname;
  if (service.user) body.User = service.user;
  if (service.working_dir) body.WorkingDir = service.working_dir;
  if (service.stop_signal) body.StopSignal = service.stop_signal;
  if (service.stop_grace_period !== undefined) body.StopTimeout = durationSeconds(service.stop_grace_period, `services.${service.name}.stop_grace_period`);
  const health = serviceHealthcheck(service);
  if (health) body.Healthcheck = health;
  const exposed = exposedPorts(service);
  if (Object.keys(exposed).length) body.ExposedPorts = exposed;
  if (service.network_mode === 'disabled') body.NetworkDisabled = true;
  // before API 1.44 a MAC address is the container's, not an endpoint's
  if (net.legacyMacAddress) (body as Record<string, unknown>).MacAddress = net.legacyMacAddress;

  const host: HostConfig = { ...serviceResources(service), NetworkMode: net.networkMode };
  if (mounts.binds.length) host.Binds = mounts.binds;
  if (mounts.mounts.length) host.Mounts = mounts.mounts;
  if (Object.keys(mounts.tmpfs).length) host.Tmpfs = mounts.tmpfs;
  if (mounts.secrets.length) (host as HostConfig & { BerthSecrets?: unknown }).BerthSecrets = mounts.secrets;
  const ports = portBindings(service);
  if (Object.keys(ports).length) host.PortBindings = ports;
  const restart = restartPolicy(service);
  if (restart) host.RestartPolicy = restart;
  if (opts.autoRemove) host.AutoRemove = true;
  if (service.annotations && Object.keys(service.annotations).length) host.Annotations = service.annotations;
  if (service.cap_add?.length) host.CapAdd = service.cap_add;
  if (service.cap_drop?.length) host.CapDrop = service.cap_drop;
  if (service.privileged) host.Privileged = true;
  if (service.read_only) host.ReadonlyRootfs = true;
  if (service.init !== undefined) host.Init = service.init;
  const ipc = resolveMode(service.ipc, 'IPC', opts);
  if (ipc) host.IpcMode = ipc;
  const pid = resolveMode(service.pid, 'PID', opts);
  if (pid) host.PidMode = pid;
  if (service.uts) host.UTSMode = service.uts;
  if (service.userns_mode) host.UsernsMode = service.userns_mode;
  if (service.cgroup) host.CgroupnsMode = service.cgroup as HostConfig['CgroupnsMode'];
  if (service.sysctls && Object.keys(service.sysctls).length) host.Sysctls = Object.fromEntries(Object.entries(service.sysctls).map(([k, v]) => [k, String(v)]));
  if (service.shm_size !== undefined) host.ShmSize = sizeBytes(service.shm_size, `services.${service.name}.shm_size`);
  const from = volumesFrom(service, opts);
  if (from.length) host.VolumesFrom = from;
  const volumeDriver = (service as { volume_driver?: string }).volume_driver;
  if (volumeDriver) host.VolumeDriver = volumeDriver;
  if (service.dns?.length) host.Dns = service.dns;
  if (service.dns_search?.length) host.DnsSearch = service.dns_search;
  if (service.dns_opt?.length) host.DnsOptions = service.dns_opt;
  const hosts = extraHosts(service);
  if (hosts.length) host.ExtraHosts = hosts;
  if (security.securityOpt.length) host.SecurityOpt = security.securityOpt;
  if (security.unconfinedPaths) { host.MaskedPaths = []; host.ReadonlyPaths = []; }
  if (service.storage_opt && Object.keys(service.storage_opt).length) host.StorageOpt = service.storage_opt;
  if (service.isolation) host.Isolation = service.isolation as HostConfig['Isolation'];
  if (service.runtime) host.Runtime = service.runtime;
  if (service.logging && (service.logging.driver || service.logging.options)) {
    host.LogConfig = { Type: (service.logging.driver ?? '') as NonNullable<HostConfig['LogConfig']>['Type'], ...(service.logging.options ? { Config: service.logging.options } : {}) };
  }
  if (service.group_add?.length) host.GroupAdd = service.group_add.map(String);
  if (service.oom_score_adj !== undefined) host.OomScoreAdj = service.oom_score_adj;
  if (linkList.length) host.Links = linkList;
  body.HostConfig = host;
  if (net.endpoints) body.NetworkingConfig = { EndpointsConfig: net.endpoints };

  return {
    name,
    body,
    ...(service.platform ? { platform: service.platform } : {}),
    connectAfter: net.connectAfter,
    copies: mounts.copies,
    configHash,
  };
}
