/**
 * The compose project after loading: the compose-spec document with every short syntax written out in
 * its long form (compose-go's `types.Project`), keyed by the spec's own snake_case names so that
 * `compose config` prints the model as it is. The loader (loader/) makes it; convert/ turns a service
 * into Engine API bodies; the orchestrator (up/down…) drives the engine with them.
 *
 * Fields the spec allows and berth does not model stay in the object (an index signature would hide
 * typos, so the known ones are listed and `extensions` holds `x-*`).
 */

export type Extensions = Record<string, unknown>;

export interface Project {
  /** -p / COMPOSE_PROJECT_NAME / `name:` / the working directory's base name, normalised as compose does */
  name: string;
  /** the project directory (--project-directory, else the first file's folder) */
  workingDir: string;
  /** absolute paths of the files loaded, in order (-f, COMPOSE_FILE, or the default names) */
  configFiles: string[];
  /** the environment interpolation used: the process's, then .env / --env-file */
  environment: Record<string, string>;
  /** the --env-file / COMPOSE_ENV_FILES files (absolute) when given: com.docker.compose.project.environment_file */
  envFiles?: string[];
  services: Record<string, ServiceConfig>;
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeConfig>;
  secrets: Record<string, FileObjectConfig>;
  configs: Record<string, FileObjectConfig>;
  /** services left out by --profile (kept so that `config --profiles` and orphan detection see them) */
  disabledServices: Record<string, ServiceConfig>;
  extensions?: Extensions;
}

export interface ServiceConfig {
  name: string;
  image?: string;
  build?: BuildConfig;
  command?: string[] | null;
  entrypoint?: string[] | null;
  environment: Record<string, string | null>;
  env_file?: Array<{ path: string; required: boolean; format?: string }>;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  container_name?: string;
  hostname?: string;
  domainname?: string;
  user?: string;
  working_dir?: string;
  tty?: boolean;
  stdin_open?: boolean;
  privileged?: boolean;
  read_only?: boolean;
  init?: boolean;
  ipc?: string;
  pid?: string;
  uts?: string;
  userns_mode?: string;
  cgroup?: string;
  cgroup_parent?: string;
  network_mode?: string;
  /** network name → attachment; absent with network_mode; `{default: {}}` when the file names none */
  networks?: Record<string, ServiceNetworkConfig | null>;
  mac_address?: string;
  dns?: string[];
  dns_search?: string[];
  dns_opt?: string[];
  extra_hosts?: string[];
  ports: ServicePortConfig[];
  expose?: string[];
  volumes: ServiceVolumeConfig[];
  volumes_from?: string[];
  tmpfs?: string[];
  secrets?: ServiceFileReference[];
  configs?: ServiceFileReference[];
  depends_on: Record<string, ServiceDependency>;
  links?: string[];
  external_links?: string[];
  healthcheck?: HealthCheckConfig;
  restart?: string;
  stop_signal?: string;
  stop_grace_period?: string;
  deploy?: DeployConfig;
  scale?: number;
  cap_add?: string[];
  cap_drop?: string[];
  security_opt?: string[];
  sysctls?: Record<string, string>;
  ulimits?: Record<string, { soft: number; hard: number } | number>;
  devices?: Array<{ source: string; target: string; permissions: string }>;
  device_cgroup_rules?: string[];
  group_add?: string[];
  shm_size?: string | number;
  mem_limit?: string | number;
  mem_reservation?: string | number;
  memswap_limit?: string | number;
  cpus?: number | string;
  cpu_shares?: number;
  cpuset?: string;
  pids_limit?: number;
  oom_score_adj?: number;
  oom_kill_disable?: boolean;
  logging?: { driver?: string; options?: Record<string, string> };
  platform?: string;
  pull_policy?: 'always' | 'never' | 'missing' | 'build' | 'if_not_present' | string;
  profiles?: string[];
  runtime?: string;
  storage_opt?: Record<string, string>;
  isolation?: string;
  develop?: DevelopConfig;
  extensions?: Extensions;
}

export interface BuildConfig {
  context: string;
  dockerfile?: string;
  dockerfile_inline?: string;
  args?: Record<string, string | null>;
  target?: string;
  labels?: Record<string, string>;
  cache_from?: string[];
  cache_to?: string[];
  no_cache?: boolean;
  pull?: boolean;
  network?: string;
  shm_size?: string | number;
  extra_hosts?: string[];
  secrets?: ServiceFileReference[];
  tags?: string[];
  platforms?: string[];
  ssh?: string[];
  additional_contexts?: Record<string, string>;
}

export interface ServiceNetworkConfig {
  aliases?: string[];
  ipv4_address?: string;
  ipv6_address?: string;
  link_local_ips?: string[];
  mac_address?: string;
  priority?: number;
  driver_opts?: Record<string, string>;
}

/** The long syntax of `ports:`; a short range "8000-8001:80-81" becomes one entry per port. */
export interface ServicePortConfig {
  name?: string;
  mode?: 'ingress' | 'host' | string;
  host_ip?: string;
  target: number;
  /** host port or range ("8080", "8080-8090"); absent for an ephemeral port */
  published?: string;
  protocol: 'tcp' | 'udp' | 'sctp' | string;
  app_protocol?: string;
}

/** The long syntax of `volumes:`; `source` of a bind is absolute after loading. */
export interface ServiceVolumeConfig {
  type: 'volume' | 'bind' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  source?: string;
  target: string;
  read_only?: boolean;
  consistency?: string;
  bind?: { propagation?: string; create_host_path?: boolean; selinux?: 'z' | 'Z' };
  volume?: { nocopy?: boolean; subpath?: string };
  tmpfs?: { size?: number | string; mode?: number };
  image?: { subpath?: string };
}

export interface ServiceFileReference {
  source: string;
  target?: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

export interface ServiceDependency {
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  restart: boolean;
  required: boolean;
}

export interface HealthCheckConfig {
  test?: string[];
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
  start_interval?: string;
  disable?: boolean;
}

export interface DeployConfig {
  mode?: string;
  replicas?: number;
  labels?: Record<string, string>;
  resources?: {
    limits?: { cpus?: string | number; memory?: string | number; pids?: number };
    reservations?: { cpus?: string | number; memory?: string | number; devices?: unknown[] };
  };
  restart_policy?: { condition?: string; delay?: string; max_attempts?: number; window?: string };
  [k: string]: unknown;
}

export interface DevelopConfig {
  watch: Array<{ path: string; action: 'sync' | 'rebuild' | 'sync+restart' | 'restart' | 'sync+exec'; target?: string; ignore?: string[]; include?: string[] }>;
}

export interface NetworkConfig {
  /** the engine's name: `<project>_<key>` unless `name:` or external */
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  ipam?: { driver?: string; config?: Array<{ subnet?: string; ip_range?: string; gateway?: string; aux_addresses?: Record<string, string> }>; options?: Record<string, string> };
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  enable_ipv6?: boolean;
  labels?: Record<string, string>;
  extensions?: Extensions;
}

export interface VolumeConfig {
  /** the engine's name: `<project>_<key>` unless `name:` or external */
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  external?: boolean;
  labels?: Record<string, string>;
  extensions?: Extensions;
}

/** A secret or config: exactly one of file, environment, content, or external. */
export interface FileObjectConfig {
  name: string;
  file?: string;
  environment?: string;
  content?: string;
  external?: boolean;
  labels?: Record<string, string>;
  extensions?: Extensions;
}

/** compose v2's labels, which every client (docker compose, docker-compose, berth compose) reads. */
export const LABELS = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  containerNumber: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  environmentFile: 'com.docker.compose.project.environment_file',
  dependsOn: 'com.docker.compose.depends_on',
  version: 'com.docker.compose.version',
  image: 'com.docker.compose.image',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
  replace: 'com.docker.compose.replace',
} as const;
