/**
 * A service's volumes, tmpfs, secrets and configs as HostConfig.Binds / Mounts / Tmpfs, as compose v2
 * builds them:
 * - the legacy Binds strings wherever they say enough, because only they make the engine create a
 *   missing bind source (create_host_path, implied by the short syntax) and they are what `docker
 *   inspect` users expect; the Mount API where an option needs it (create_host_path: false,
 *   propagation, volume nocopy/subpath/labels, anonymous volumes, tmpfs, image);
 * - file secrets and configs as read-only binds (at /run/secrets/<name> and /<name>);
 * - secrets and configs from `content`/`environment` as files to copy in after create (FileCopy);
 * - external secrets as berth secrets (HostConfig.BerthSecrets, berth's extension): the engine mounts
 *   the stored secret on a tmpfs, where compose v2 can only refuse them without Swarm.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { NotSupportedError } from '../../common/errors.js';
import type { Mount } from '../../common/engine-api/types.js';
import type { Project, ServiceConfig, ServiceFileReference, ServiceVolumeConfig } from '../model.js';
import { composeError, sizeBytes } from './units.js';

/** A file the orchestrator writes into the container (PUT /containers/{id}/archive) before starting it. */
export interface FileCopy {
  /** absolute path in the container */
  target: string;
  content: string;
  uid: number;
  gid: number;
  /** permission bits (0o444 unless the file says otherwise) */
  mode: number;
  /** 'secret' or 'config', and its name in the file: for messages */
  kind: 'secret' | 'config';
  source: string;
}

/** A berth secret reference (Swarm's SecretReference shape), as HostConfig.BerthSecrets holds them. */
export interface BerthSecretReference {
  SecretName: string;
  File: { Name: string; UID: string; GID: string; Mode: number };
}

export interface ServiceMounts {
  binds: string[];
  mounts: Mount[];
  tmpfs: Record<string, string>;
  copies: FileCopy[];
  /** external secrets, for the engine to mount */
  secrets: BerthSecretReference[];
}

export function serviceMounts(project: Project, service: ServiceConfig): ServiceMounts {
  const binds: string[] = [];
  const mounts: Mount[] = [];
  const targets = new Set<string>();
  for (const v of service.volumes ?? []) {
    targets.add(v.target);
    const bind = bindString(project, v);
    if (bind) binds.push(bind);
    else mounts.push(volumeMount(project, v));
  }
  // a volume at the same target wins over a secret or config (compose v2 keys mounts by target)
  for (const m of [...fileObjectMounts(project, service, 'secret'), ...fileObjectMounts(project, service, 'config')]) {
    if (targets.has(m.Target!)) continue;
    targets.add(m.Target!);
    mounts.push(m);
  }
  const secrets: BerthSecretReference[] = [];
  for (const ref of service.secrets ?? []) {
    const defined = definitionOf(project, 'secret', ref);
    const target = fileObjectTarget('secret', ref);
    if (!defined.external || targets.has(target)) continue;
    targets.add(target);
    secrets.push({ SecretName: defined.name, File: { Name: target, UID: String(idOf(ref.uid, 'uid', ref)), GID: String(idOf(ref.gid, 'gid', ref)), Mode: ref.mode ?? 0o444 } });
  }
  const tmpfs: Record<string, string> = {};
  for (const t of service.tmpfs ?? []) {
    const i = t.indexOf(':');
    tmpfs[i < 0 ? t : t.slice(0, i)] = i < 0 ? '' : t.slice(i + 1);
  }
  return { binds, mounts, tmpfs, copies: fileCopies(project, service), secrets };
}

/** The names of the external secrets the services use: the engine must have them (see ops/external-secrets.ts). */
export function externalSecretNames(project: Project, services: ServiceConfig[]): string[] {
  const names = new Set<string>();
  for (const s of services) for (const ref of s.secrets ?? []) {
    const defined = project.secrets[ref.source];
    if (defined?.external) names.add(defined.name);
  }
  return [...names].sort();
}

function bindSource(project: Project, source: string): string {
  return isAbsolute(source) ? source : resolve(project.workingDir, source);
}

/** The `src:dst:opts` string of compose v2's toBindString, or undefined when only the Mount API can say it. */
function bindString(project: Project, v: ServiceVolumeConfig): string | undefined {
  if (v.type === 'bind') {
    if (!v.source) throw composeError(`invalid mount config: a bind mount at ${v.target} needs a source`);
    const b = v.bind;
    // create_host_path defaults to true (compose-go's OptOut), with or without a `bind:` block
    if (b && (b.create_host_path === false || b.propagation || (b as { recursive?: string }).recursive)) return undefined;
    return `${bindSource(project, v.source)}:${v.target}:${bindOptions(v)}`;
  }
  if (v.type === 'volume') {
    if (!v.source) return undefined; // anonymous: the engine names it
    const declared = project.volumes[v.source];
    if (!declared) return undefined;
    const o = v.volume as { nocopy?: boolean; subpath?: string; labels?: Record<string, string> } | undefined;
    if (o && (o.nocopy || o.subpath || (o.labels && Object.keys(o.labels).length))) return undefined;
    return `${declared.name}:${v.target}:${bindOptions(v)}`;
  }
  return undefined;
}

function bindOptions(v: ServiceVolumeConfig): string {
  const o = [v.read_only ? 'ro' : 'rw'];
  if (v.bind?.selinux) o.push(v.bind.selinux);
  return o.join(',');
}

function volumeMount(project: Project, v: ServiceVolumeConfig): Mount {
  const m: Mount = { Type: v.type as Mount['Type'], Target: v.target };
  if (v.read_only) m.ReadOnly = true;
  if (v.consistency) m.Consistency = v.consistency;
  switch (v.type) {
    case 'bind': {
      m.Source = bindSource(project, v.source!);
      const b = v.bind ?? {};
      const recursive = (b as { recursive?: string }).recursive;
      m.BindOptions = {
        ...(b.propagation ? { Propagation: b.propagation as NonNullable<Mount['BindOptions']>['Propagation'] } : {}),
        CreateMountpoint: b.create_host_path !== false,
        ...(recursive === 'disabled' ? { NonRecursive: true } : {}),
        ...(recursive === 'writable' ? { ReadOnlyNonRecursive: true } : {}),
        ...(recursive === 'readonly' ? { ReadOnlyForceRecursive: true } : {}),
      };
      break;
    }
    case 'volume': {
      if (v.source) m.Source = project.volumes[v.source]?.name ?? v.source;
      const o = v.volume as { nocopy?: boolean; subpath?: string; labels?: Record<string, string> } | undefined;
      if (o) m.VolumeOptions = { ...(o.nocopy ? { NoCopy: true } : {}), ...(o.subpath ? { Subpath: o.subpath } : {}), ...(o.labels ? { Labels: o.labels } : {}) };
      break;
    }
    case 'tmpfs':
      if (v.tmpfs) {
        m.TmpfsOptions = {
          ...(v.tmpfs.size !== undefined ? { SizeBytes: sizeBytes(v.tmpfs.size, `tmpfs size of ${v.target}`) } : {}),
          ...(v.tmpfs.mode !== undefined ? { Mode: v.tmpfs.mode } : {}),
        };
      }
      break;
    case 'image':
      if (!v.source) throw composeError(`invalid mount config: an image mount at ${v.target} needs a source image`);
      m.Source = v.source;
      if (v.image?.subpath) m.ImageOptions = { Subpath: v.image.subpath };
      break;
    default:
      throw new NotSupportedError(`volumes of type ${v.type} are not supported on Linux (mount at ${v.target})`);
  }
  return m;
}

/** Where compose v2 puts a secret (/run/secrets/…) or a config (/…) in the container. */
export function fileObjectTarget(kind: 'secret' | 'config', ref: ServiceFileReference): string {
  const base = kind === 'secret' ? '/run/secrets/' : '/';
  if (!ref.target) return base + ref.source;
  return ref.target.startsWith('/') ? ref.target : base + ref.target;
}

function definitionOf(project: Project, kind: 'secret' | 'config', ref: ServiceFileReference) {
  const defined = (kind === 'secret' ? project.secrets : project.configs)[ref.source];
  if (!defined) throw composeError(`service refers to undefined ${kind} ${ref.source}: invalid compose project`, 'ERR_COMPOSE_UNDEFINED');
  // external secrets are berth secrets (serviceMounts); an external config has no engine object to be
  if (defined.external && kind === 'config') throw new NotSupportedError(`unsupported external ${kind} ${defined.name}`);
  const extra = defined as { driver?: string; template_driver?: string };
  if (extra.driver) throw new NotSupportedError(`Docker Compose does not support ${kind}s.*.driver`);
  if (extra.template_driver) throw new NotSupportedError(`Docker Compose does not support ${kind}s.*.template_driver`);
  return defined;
}

function fileObjectMounts(project: Project, service: ServiceConfig, kind: 'secret' | 'config'): Mount[] {
  const out: Mount[] = [];
  for (const ref of (kind === 'secret' ? service.secrets : service.configs) ?? []) {
    const defined = definitionOf(project, kind, ref);
    if (defined.file === undefined) continue; // content/environment: copied in after create
    out.push({ Type: 'bind', Source: bindSource(project, defined.file), Target: fileObjectTarget(kind, ref), ReadOnly: true });
  }
  return out;
}

function fileCopies(project: Project, service: ServiceConfig): FileCopy[] {
  const out: FileCopy[] = [];
  for (const kind of ['secret', 'config'] as const) {
    for (const ref of (kind === 'secret' ? service.secrets : service.configs) ?? []) {
      const defined = definitionOf(project, kind, ref);
      let content: string;
      if (defined.content !== undefined) content = defined.content;
      else if (defined.environment !== undefined) {
        const value = project.environment[defined.environment];
        if (value === undefined) throw composeError(`environment variable "${defined.environment}" required by ${kind} "${defined.name}" is not set`, 'ERR_COMPOSE_UNDEFINED');
        content = value;
      } else continue;
      if (service.read_only) throw composeError(`cannot create ${kind} "${defined.name}" in read-only service ${service.name}: \`file\` is the sole supported option`);
      out.push({
        target: fileObjectTarget(kind, ref),
        content,
        uid: idOf(ref.uid, 'uid', ref),
        gid: idOf(ref.gid, 'gid', ref),
        mode: ref.mode ?? 0o444,
        kind,
        source: ref.source,
      });
    }
  }
  return out;
}

function idOf(v: string | undefined, what: string, ref: ServiceFileReference): number {
  if (v === undefined || v === '') return 0;
  if (!/^\d+$/.test(v)) throw composeError(`${ref.source}: ${what} must be a number, not ${JSON.stringify(v)}`);
  return Number(v);
}

/**
 * security_opt as compose v2 sends it: `seccomp=<file>` inlined as compact JSON (the engine reads no client
 * files), `systempaths=unconfined` turned into empty masked and read-only path lists.
 */
export function securityOptions(project: Project, opts: string[]): { securityOpt: string[]; unconfinedPaths: boolean } {
  const securityOpt: string[] = [];
  let unconfinedPaths = false;
  for (const opt of opts) {
    if (opt === 'systempaths=unconfined') { unconfinedPaths = true; continue; }
    let sep = opt.indexOf('=');
    if (sep < 0 && opt !== 'no-new-privileges') {
      sep = opt.indexOf(':');
      if (sep < 0) throw composeError(`invalid security-opt: ${JSON.stringify(opt)}`);
    }
    const key = sep < 0 ? opt : opt.slice(0, sep);
    const value = sep < 0 ? '' : opt.slice(sep + 1);
    if (key === 'seccomp' && value !== 'unconfined' && value !== 'builtin') {
      let text: string;
      try { text = readFileSync(bindSource(project, value), 'utf8'); } catch (e) {
        throw composeError(`opening seccomp profile (${value}) failed: ${(e as Error).message}`);
      }
      try { securityOpt.push(`seccomp=${JSON.stringify(JSON.parse(text))}`); } catch (e) {
        throw composeError(`compacting json for seccomp profile (${value}) failed: ${(e as Error).message}`);
      }
    } else securityOpt.push(opt);
  }
  return { securityOpt, unconfinedPaths };
}
