/**
 * The images `up`/`create` need (compose v2's ensureImagesExists): per service and pull_policy (the
 * commands write `--pull` and `--build` into it, as compose does), pull the missing ones
 * (`missing`/`if_not_present`, the default), always (`always`), or never (`never`: a missing image
 * fails at create, as in compose v2); build services with a `build:` section whose image is missing,
 * or always with `pull_policy: build`. Returns the image id of each service's image, which goes into the
 * com.docker.compose.image label so a newer image recreates the containers. Pulling and building are
 * the `pull`/`build` commands' code (ops/pull.ts, ops/build.ts), passed in.
 */
import type { EngineClient } from '../../client/engine-client.js';
import { BerthError } from '../../common/errors.js';
import type { Project, ServiceConfig } from '../model.js';
import { serviceImage as convertServiceImage } from '../convert/container.js';
import { isNotFound } from './errors.js';

export interface ImageOptions {
  /** --no-build: never build */
  noBuild?: boolean;
  quietPull?: boolean;
}

/** The image a service runs: `image:`, else `<project>-<service>` as compose v2 names built images. */
export function serviceImage(project: Project, service: ServiceConfig): string {
  return convertServiceImage(project.name, service);
}

export type Builder = (project: Project, services: string[]) => Promise<void>;
export type Puller = (project: Project, services: string[]) => Promise<void>;

async function imageId(client: EngineClient, ref: string): Promise<string | undefined> {
  try {
    return (await client.json<{ Id: string }>('GET', `/images/${encodeURIComponent(ref)}/json`)).Id;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

function policyOf(service: ServiceConfig): string {
  const p = service.pull_policy ?? 'missing';
  return p === 'if_not_present' ? 'missing' : p;
}

/**
 * compose's createOptions.Apply: `--pull <policy>` becomes every service's pull_policy, `--build` the
 * `build` policy of every service that has a build section.
 */
export function applyImageFlags(project: Project, flags: { pull?: string; build?: boolean }): Project {
  const pull = flags.pull && flags.pull !== 'policy' ? flags.pull : undefined;
  if (pull && !PULL_POLICIES.includes(pull)) {
    throw new BerthError(`invalid --pull option "${pull}"`, { code: 'ERR_USAGE', status: 400, exitCode: 1 });
  }
  if (!pull && !flags.build) return project;
  const services = Object.fromEntries(Object.entries(project.services).map(([n, s]) => {
    let policy = pull ?? s.pull_policy;
    if (flags.build && s.build) policy = 'build';
    return [n, { ...s, pull_policy: policy }];
  }));
  return { ...project, services };
}

export const PULL_POLICIES = ['always', 'missing', 'never', 'build', 'if_not_present'];

/** Make sure every enabled service has its image; returns service → image id (when known). */
export async function ensureImages(client: EngineClient, project: Project, opts: ImageOptions, io: { pull: Puller; build: Builder }): Promise<Record<string, string>> {
  const services = Object.values(project.services);
  for (const s of services) {
    if (!s.image && !s.build) throw new BerthError(`invalid service "${s.name}". Must specify either image or build`, { code: 'ERR_COMPOSE_INVALID', status: 400, exitCode: 1 });
  }
  const ids: Record<string, string | undefined> = {};
  await Promise.all(services.map(async (s) => { ids[s.name] = await imageId(client, serviceImage(project, s)); }));

  const toPull = services.filter((s) => {
    if (!s.image) return false;
    const policy = policyOf(s);
    if (policy === 'always') return true;
    if (policy === 'never' || policy === 'build') return false;
    return !ids[s.name];
  });
  if (toPull.length) {
    try {
      await io.pull(project, toPull.map((s) => s.name));
    } catch (e) {
      // a service that can be built falls back to its build, as compose v2 does
      if (toPull.some((s) => !s.build) || opts.noBuild) throw e;
    }
    await Promise.all(toPull.map(async (s) => { ids[s.name] = await imageId(client, serviceImage(project, s)); }));
  }

  const toBuild = opts.noBuild ? [] : services.filter((s) => s.build && (policyOf(s) === 'build' || !ids[s.name]));
  if (toBuild.length) {
    await io.build(project, toBuild.map((s) => s.name));
    await Promise.all(toBuild.map(async (s) => { ids[s.name] = await imageId(client, serviceImage(project, s)); }));
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ids)) if (v) out[k] = v;
  return out;
}
