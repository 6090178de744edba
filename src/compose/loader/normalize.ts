/**
 * The merged tree written out as the model (model.ts): every short syntax in its long form, the
 * engine names of networks/volumes/secrets/configs, the `default` network where services use it,
 * and each service's environment resolved (env_file values under `environment`).
 */
import type {
  BuildConfig, FileObjectConfig, NetworkConfig, Project, ServiceConfig, ServiceDependency, ServicePortConfig,
  ServiceVolumeConfig, VolumeConfig,
} from '../model.js';
import { ComposeLoadError } from './errors.js';
import { readLabelFiles, resolveServiceEnvironment } from './environment.js';
import { parsePortSpec, PortSpecError } from './ports.js';
import { parseVolumeSpec, VolumeSpecError } from './volume-spec.js';
import { splitShellWords } from './shell-words.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));

export interface NormalizeContext {
  name: string;
  workingDir: string;
  configFiles: string[];
  environment: Record<string, string>;
}

/** `[K=V, K]` or `{K: V}` → `{K: V}`; a bare K (or a null value) is null. */
export function toMapping(v: unknown, sep = '='): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(v)) {
    for (const e of v) {
      const s = str(e);
      const i = s.indexOf(sep);
      if (i < 0) out[s] = null; else out[s.slice(0, i)] = s.slice(i + sep.length);
    }
  } else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) out[k] = x === null || x === undefined ? null : str(x);
  }
  return out;
}

/** Labels have no null: a bare key is an empty label. */
function toLabels(v: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(toMapping(v)).map(([k, x]) => [k, x ?? '']));
}

function toList(v: unknown): string[] { return Array.isArray(v) ? v.map(str) : v === undefined || v === null ? [] : [str(v)]; }

function commandOf(v: unknown, service: string, key: string): string[] | null | undefined {
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (Array.isArray(v)) return v.map(str);
  try { return splitShellWords(str(v)); } catch (e) {
    throw new ComposeLoadError('ERR_COMPOSE_INVALID', `services.${service}.${key}: ${(e as Error).message}`);
  }
}

function extensionsOf(o: Obj): Obj | undefined {
  const x = Object.entries(o).filter(([k]) => k.startsWith('x-'));
  return x.length ? Object.fromEntries(x) : undefined;
}

function normalizePorts(v: unknown, service: string): ServicePortConfig[] {
  const out: ServicePortConfig[] = [];
  for (const p of Array.isArray(v) ? v : []) {
    if (isObj(p)) {
      const port: ServicePortConfig = { ...(p as object), target: Number(p.target), protocol: str(p.protocol ?? 'tcp') } as ServicePortConfig;
      port.mode = str(p.mode ?? 'ingress');
      if (p.published !== undefined && p.published !== null) port.published = str(p.published); else delete port.published;
      out.push(port);
      continue;
    }
    try { out.push(...parsePortSpec(p as string | number)); } catch (e) {
      if (e instanceof PortSpecError) throw new ComposeLoadError('ERR_COMPOSE_INVALID', `services.${service}.ports: ${e.message}`);
      throw e;
    }
  }
  return out;
}

function normalizeVolumes(v: unknown, service: string): ServiceVolumeConfig[] {
  const out: ServiceVolumeConfig[] = [];
  for (const e of Array.isArray(v) ? v : []) {
    if (isObj(e)) { out.push({ ...(e as object) } as ServiceVolumeConfig); continue; }
    try { out.push(parseVolumeSpec(str(e))); } catch (err) {
      if (err instanceof VolumeSpecError) throw new ComposeLoadError('ERR_COMPOSE_INVALID', `services.${service}.volumes: ${err.message}`);
      throw err;
    }
  }
  return out;
}

function normalizeDependsOn(v: unknown): Record<string, ServiceDependency> {
  const out: Record<string, ServiceDependency> = {};
  if (Array.isArray(v)) for (const s of v) out[str(s)] = { condition: 'service_started', required: true, restart: false };
  else if (isObj(v)) {
    for (const [k, d] of Object.entries(v)) {
      const o = isObj(d) ? d : {};
      out[k] = {
        ...(o as object),
        condition: (o.condition as ServiceDependency['condition']) ?? 'service_started',
        required: o.required === undefined ? true : Boolean(o.required),
        restart: o.restart === undefined ? false : Boolean(o.restart),
      };
    }
  }
  return out;
}

function normalizeFileRefs(v: unknown): Array<{ source: string } & Obj> | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map((e) => (isObj(e) ? { ...e, source: str(e.source) } : { source: str(e) }));
}

function normalizeBuild(b: unknown, env: Record<string, string>): BuildConfig | undefined {
  if (b === undefined || b === null) return undefined;
  const o: Obj = typeof b === 'string' ? { context: b } : isObj(b) ? { ...b } : {};
  const build = { ...o, context: str(o.context ?? '.') } as BuildConfig & Obj;
  if (build.dockerfile === undefined && build.dockerfile_inline === undefined) build.dockerfile = 'Dockerfile';
  if (o.args !== undefined) {
    // a bare ARG takes the project environment's value, as compose resolves it
    build.args = Object.fromEntries(Object.entries(toMapping(o.args)).map(([k, x]) => [k, x ?? (Object.hasOwn(env, k) ? env[k]! : null)]));
  }
  if (o.labels !== undefined) build.labels = toLabels(o.labels);
  if (o.extra_hosts !== undefined) build.extra_hosts = extraHosts(o.extra_hosts);
  if (o.secrets !== undefined) build.secrets = normalizeFileRefs(o.secrets);
  if (o.additional_contexts !== undefined) build.additional_contexts = Object.fromEntries(Object.entries(toMapping(o.additional_contexts)).map(([k, x]) => [k, x ?? '']));
  for (const k of ['cache_from', 'cache_to', 'tags', 'platforms', 'ssh'] as const) if (o[k] !== undefined) (build as Obj)[k] = toList(o[k]);
  if (isObj(o.ssh)) build.ssh = Object.entries(o.ssh).map(([k, x]) => (x === null ? k : `${k}=${str(x)}`));
  return build;
}

function extraHosts(v: unknown): string[] {
  if (isObj(v)) return Object.entries(v).flatMap(([k, x]) => (Array.isArray(x) ? x.map((ip) => `${k}=${str(ip)}`) : [`${k}=${str(x)}`]));
  return toList(v);
}

function normalizeEnvFiles(v: unknown): Array<{ path: string; required: boolean; format?: string }> | undefined {
  if (v === undefined || v === null) return undefined;
  return (Array.isArray(v) ? v : [v]).map((e) => {
    if (isObj(e)) return { path: str(e.path), required: e.required === undefined ? true : Boolean(e.required), ...(e.format !== undefined ? { format: str(e.format) } : {}) };
    return { path: str(e), required: true };
  });
}

function normalizeDevices(v: unknown): ServiceConfig['devices'] {
  if (!Array.isArray(v)) return undefined;
  return v.map((d) => {
    if (isObj(d)) return { source: str(d.source), target: str(d.target ?? d.source), permissions: str(d.permissions ?? 'rwm') };
    const [source = '', target, permissions] = str(d).split(':');
    return { source, target: target ?? source, permissions: permissions ?? 'rwm' };
  });
}

export function normalizeService(name: string, raw: Obj, ctx: NormalizeContext): ServiceConfig {
  const s: Obj = { ...raw };
  delete s.extends;
  const service = s as unknown as ServiceConfig & Obj;
  service.name = name;
  const build = normalizeBuild(raw.build, ctx.environment);
  if (build) service.build = build; else delete service.build;
  for (const k of ['command', 'entrypoint'] as const) {
    const c = commandOf(raw[k], name, k);
    if (c === undefined) delete service[k]; else service[k] = c;
  }
  const envFiles = normalizeEnvFiles(raw.env_file);
  if (envFiles) service.env_file = envFiles;
  service.environment = resolveServiceEnvironment(toMapping(raw.environment), envFiles ?? [], ctx.environment);
  service.labels = { ...(raw.label_file !== undefined ? readLabelFiles(toList(raw.label_file)) : {}), ...toLabels(raw.labels) };
  if (raw.label_file !== undefined) (service as Obj).label_file = toList(raw.label_file);
  if (raw.annotations !== undefined) service.annotations = toLabels(raw.annotations);
  service.ports = normalizePorts(raw.ports, name);
  if (raw.expose !== undefined) service.expose = toList(raw.expose);
  service.volumes = normalizeVolumes(raw.volumes, name);
  service.depends_on = normalizeDependsOn(raw.depends_on);
  if (raw.network_mode === undefined) {
    const nets = raw.networks;
    if (nets === undefined || nets === null || (Array.isArray(nets) && nets.length === 0)) service.networks = { default: {} };
    else if (Array.isArray(nets)) service.networks = Object.fromEntries(nets.map((n) => [str(n), {}]));
    else if (isObj(nets)) service.networks = Object.fromEntries(Object.entries(nets).map(([k, x]) => [k, isObj(x) ? { ...x } : {}]));
  }
  for (const k of ['dns', 'dns_search', 'dns_opt', 'tmpfs', 'cap_add', 'cap_drop', 'security_opt', 'volumes_from', 'links', 'external_links', 'group_add', 'device_cgroup_rules', 'profiles'] as const) {
    if (raw[k] !== undefined) (service as Obj)[k] = toList(raw[k]);
  }
  if (raw.extra_hosts !== undefined) service.extra_hosts = extraHosts(raw.extra_hosts);
  if (raw.sysctls !== undefined) service.sysctls = Object.fromEntries(Object.entries(toMapping(raw.sysctls)).map(([k, x]) => [k, x ?? '']));
  if (raw.secrets !== undefined) service.secrets = normalizeFileRefs(raw.secrets);
  if (raw.configs !== undefined) service.configs = normalizeFileRefs(raw.configs);
  if (raw.devices !== undefined) service.devices = normalizeDevices(raw.devices);
  if (isObj(raw.healthcheck)) {
    const h = { ...raw.healthcheck } as Obj;
    if (typeof h.test === 'string') h.test = ['CMD-SHELL', h.test];
    service.healthcheck = h as ServiceConfig['healthcheck'];
  }
  if (isObj(raw.logging) && raw.logging.options !== undefined) {
    service.logging = { ...raw.logging, options: Object.fromEntries(Object.entries(toMapping(raw.logging.options)).map(([k, x]) => [k, x ?? ''])) };
  }
  if (isObj(raw.deploy) && raw.deploy.labels !== undefined) service.deploy = { ...raw.deploy, labels: toLabels(raw.deploy.labels) };
  const ext = extensionsOf(raw);
  for (const k of Object.keys(service)) if (k.startsWith('x-')) delete service[k];
  if (ext) service.extensions = ext;
  return service;
}

function resourceName(project: string, key: string, o: Obj): string {
  if (typeof o.name === 'string' && o.name) return o.name;
  if (o.external === true || (isObj(o.external) && o.external)) return isObj(o.external) && typeof o.external.name === 'string' ? o.external.name : key;
  return `${project}_${key}`;
}

function normalizeTopLevel<T>(v: unknown, project: string, extra: (o: Obj) => Obj = (o) => o): Record<string, T> {
  const out: Record<string, T> = {};
  if (!isObj(v)) return out;
  for (const [key, x] of Object.entries(v)) {
    const o: Obj = isObj(x) ? { ...x } : {};
    const name = resourceName(project, key, o);
    if (isObj(o.external)) o.external = true; // the old `external: {name}` form
    if (o.labels !== undefined) o.labels = toLabels(o.labels);
    if (isObj(o.driver_opts)) o.driver_opts = Object.fromEntries(Object.entries(o.driver_opts).map(([k, x]) => [k, str(x)]));
    const ext = extensionsOf(o);
    for (const k of Object.keys(o)) if (k.startsWith('x-')) delete o[k];
    out[key] = { ...extra(o), name, ...(ext ? { extensions: ext } : {}) } as T;
  }
  return out;
}

export function normalizeProject(tree: Obj, ctx: NormalizeContext): Project {
  const services: Record<string, ServiceConfig> = {};
  for (const [name, raw] of Object.entries(isObj(tree.services) ? tree.services : {})) {
    services[name] = normalizeService(name, isObj(raw) ? raw : {}, ctx);
  }
  const networks = normalizeTopLevel<NetworkConfig>(tree.networks, ctx.name, (o) => {
    if (isObj(o.ipam) && Array.isArray(o.ipam.config)) {
      o.ipam = { ...o.ipam, config: o.ipam.config.map((c) => (isObj(c) && c.aux_addresses !== undefined ? { ...c, aux_addresses: toMapping(c.aux_addresses) } : c)) };
    }
    return o;
  });
  const usesDefault = Object.values(services).some((s) => s.networks && Object.hasOwn(s.networks, 'default'));
  if (usesDefault && !networks.default) networks.default = { name: `${ctx.name}_default` };
  const volumes = normalizeTopLevel<VolumeConfig>(tree.volumes, ctx.name);
  const secrets = normalizeTopLevel<FileObjectConfig>(tree.secrets, ctx.name);
  const configs = normalizeTopLevel<FileObjectConfig>(tree.configs, ctx.name);
  const ext = extensionsOf(tree);
  return {
    name: ctx.name,
    workingDir: ctx.workingDir,
    configFiles: ctx.configFiles,
    environment: ctx.environment,
    services,
    networks,
    volumes,
    secrets,
    configs,
    disabledServices: {},
    ...(ext ? { extensions: ext } : {}),
  };
}
