/**
 * Building services (compose v2's classic-builder path, pkg/compose/build_classic.go): the context
 * packed as the berth CLI packs it (.dockerignore applied here), POST /build with the service's
 * dockerfile, args, target, labels, cache_from, no_cache, pull, network, shm_size, extra_hosts and
 * tags, build secrets in berth's secrets header, and the image named `<project>-<service>` unless
 * `image:` names it. `compose build`, `up --build` and `run --build` all build with buildServices.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { encodeSecrets, packContext, registryConfigHeaders, SECRETS_HEADER } from '../../client/build-context.js';
import { DaemonError, jsonLines } from '../../client/engine-client.js';
import { ramInBytes } from '../../common/byte-size.js';
import { BerthError } from '../../common/errors.js';
import type { ComposeContext } from '../context.js';
import { serviceImage } from '../convert/container.js';
import type { Project, ServiceConfig } from '../model.js';
import { composeError } from './errors.js';
import { progressWriter } from './progress.js';
import { imagePresent } from './pull.js';
import { selectServices } from './select.js';

export interface BuildOptions {
  /** --no-cache: for every service, whatever its no_cache */
  noCache?: boolean;
  /** --pull: for every service, whatever its pull */
  pull?: boolean;
  /** --build-arg KEY=VALUE or KEY (from the project's environment): over the services' args */
  buildArgs?: string[];
  /** -q: no build output */
  quiet?: boolean;
  /** --with-dependencies: the selected services' dependencies too */
  withDependencies?: boolean;
  /** -m: memory limit of the build containers, in bytes */
  memory?: number;
  /** up without --build: only the services whose image is not there yet (or pull_policy build) */
  onlyMissing?: boolean;
}

/** The image a service runs: `image:`, else `<project>-<service>` (compose's GetImageNameOrDefault). */
export function serviceImageName(project: Project, service: ServiceConfig): string {
  return serviceImage(project.name, service);
}

/** The build args sent: the service's, then --build-arg's, null values taken from the project's environment and left out when unset. */
export function resolveBuildArgs(project: Project, service: ServiceConfig, flags: string[] = []): Record<string, string> {
  const merged: Record<string, string | null> = { ...(service.build?.args ?? {}) };
  for (const a of flags) {
    const eq = a.indexOf('=');
    if (eq < 0) merged[a] = null; else merged[a.slice(0, eq)] = a.slice(eq + 1);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(merged)) {
    const value = v ?? project.environment[k];
    if (value !== undefined) out[k] = value;
  }
  return out;
}

/** The build secrets of a service, by id (its target, else the secret's name), read from file or environment. */
export function buildSecrets(project: Project, service: ServiceConfig, env: NodeJS.ProcessEnv): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const ref of service.build?.secrets ?? []) {
    const def = project.secrets[ref.source];
    if (!def) throw composeError(`service "${service.name}" refers to undefined build secret ${ref.source}`, 'ERR_COMPOSE_UNDEFINED');
    const id = ref.target || ref.source;
    if (def.file) {
      try { out[id] = readFileSync(isAbsolute(def.file) ? def.file : resolve(project.workingDir, def.file)); } catch (e) {
        throw composeError(`build secret ${ref.source}: cannot read ${def.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'ERR_COMPOSE_FILE', e);
      }
    } else if (def.environment) {
      const v = project.environment[def.environment] ?? env[def.environment];
      if (v === undefined) throw composeError(`build secret ${ref.source}: environment variable ${def.environment} is not set`, 'ERR_COMPOSE_UNDEFINED');
      out[id] = Buffer.from(v);
    } else {
      throw composeError(`build.secrets only supports environment or file-based secrets: ${JSON.stringify(ref.source)}`, 'ERR_NOT_SUPPORTED');
    }
  }
  return out;
}

function bytesOf(v: string | number | undefined): number | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'number' ? v : ramInBytes(v);
}

/** Build the services that have a `build:` section; resolves to their image IDs by service. */
export async function buildServices(ctx: ComposeContext, project: Project, services: string[], opts: BuildOptions = {}): Promise<Record<string, string>> {
  const chosen = selectServices(project, services, Boolean(opts.withDependencies)).filter((n) => project.services[n].build);
  const client = await ctx.client();
  const todo: string[] = [];
  for (const name of chosen) {
    const s = project.services[name];
    if (opts.onlyMissing && s.pull_policy !== 'build' && await imagePresent(client, serviceImageName(project, s))) continue;
    todo.push(name);
  }
  const ids: Record<string, string> = {};
  if (todo.length === 0) return ids;
  const w = progressWriter(ctx, 'Building', opts.quiet);
  try {
    for (const name of todo) {
      w.event({ id: `Service ${name}`, status: 'working', text: 'Building' });
      try {
        ids[name] = await buildOne(ctx, project, project.services[name], opts);
      } catch (e) {
        w.event({ id: `Service ${name}`, status: 'error', text: 'Error', statusText: (e as Error).message });
        throw e;
      }
      w.event({ id: `Service ${name}`, status: 'done', text: 'Built' });
    }
  } finally { w.stop(); }
  return ids;
}

async function buildOne(ctx: ComposeContext, project: Project, service: ServiceConfig, opts: BuildOptions): Promise<string> {
  const b = service.build!;
  const unsupported = (what: string) => composeError(`the classic builder doesn't support ${what} (service ${JSON.stringify(service.name)}); berth builds with it`, 'ERR_NOT_SUPPORTED');
  if ((b.platforms?.length ?? 0) > 1) throw unsupported('multi-arch build');
  if (b.additional_contexts && Object.keys(b.additional_contexts).length) throw unsupported('additional contexts');
  if (b.ssh?.length) throw unsupported('SSH keys');
  if (b.cache_to?.length) throw unsupported('cache_to');
  if (/^(https?|git):\/\/|^git@|\.git(#.*)?$/.test(b.context)) throw composeError(`building from a URL or git repository is not supported yet (service ${JSON.stringify(service.name)})`, 'ERR_NOT_SUPPORTED');
  const contextDir = isAbsolute(b.context) ? b.context : resolve(project.workingDir, b.context);
  if (!existsSync(contextDir) || !statSync(contextDir).isDirectory()) throw composeError(`unable to prepare context: path ${JSON.stringify(b.context)} not found`, 'ERR_COMPOSE_FILE');

  // a Dockerfile outside the context, or dockerfile_inline, goes in under a private name
  const privateName = `.dockerfile.${(await import('node:crypto')).randomBytes(10).toString('hex')}`;
  let dockerfile: string;
  let extra: { name: string; data: Buffer } | undefined;
  if (b.dockerfile_inline !== undefined) {
    extra = { name: privateName, data: Buffer.from(b.dockerfile_inline) };
    dockerfile = privateName;
  } else {
    const abs = resolve(contextDir, b.dockerfile ?? 'Dockerfile');
    const rel = relative(contextDir, abs);
    if (rel.startsWith('..') || isAbsolute(rel)) {
      try { extra = { name: privateName, data: readFileSync(abs) }; } catch { throw composeError(`unable to prepare context: the Dockerfile (${abs}) cannot be read`, 'ERR_COMPOSE_FILE'); }
      dockerfile = privateName;
    } else {
      if (!existsSync(abs)) throw composeError(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${abs}: no such file or directory`, 'ERR_COMPOSE_FILE');
      dockerfile = rel;
    }
  }
  const secrets = buildSecrets(project, service, ctx.io.env);
  const body = await packContext(contextDir, dockerfile, extra);
  const tags = [...(b.tags ?? []), serviceImageName(project, service)];
  const client = await ctx.client();
  const res = await client.request('POST', '/build', {
    query: {
      t: tags, dockerfile, buildargs: JSON.stringify(resolveBuildArgs(project, service, opts.buildArgs)),
      labels: JSON.stringify({ ...(b.labels ?? {}), 'com.docker.compose.image.builder': 'classic' }),
      target: b.target, nocache: opts.noCache || b.no_cache ? '1' : undefined, pull: opts.pull || b.pull ? '1' : undefined,
      cachefrom: b.cache_from?.length ? JSON.stringify(b.cache_from) : undefined, networkmode: b.network,
      shmsize: bytesOf(b.shm_size), extrahosts: b.extra_hosts?.length ? b.extra_hosts.map((h) => h.replace(/=/, ':')) : undefined,
      memory: opts.memory, platform: b.platforms?.[0] ?? service.platform, rm: '1', forcerm: '1', q: opts.quiet ? '1' : undefined,
    },
    body, contentType: 'application/x-tar',
    headers: { ...(Object.keys(secrets).length ? { [SECRETS_HEADER]: encodeSecrets(secrets) } : {}), ...registryConfigHeaders() },
  });
  let imageId = '';
  for await (const m of jsonLines(res)) {
    if (m.errorDetail || m.error) {
      // compose exits with the failed step's status, as the docker CLI does
      const err = DaemonError.fromStream(m);
      throw new BerthError(err.message, { code: err.code, exitCode: Number(m.errorDetail?.code) || 1, cause: err });
    }
    if (m.aux?.ID) imageId = m.aux.ID;
    if (typeof m.stream === 'string' && !opts.quiet) ctx.out(m.stream);
  }
  return imageId;
}
