/**
 * The images `up`/`create` need (compose v2's ensureImagesExists): per service and pull_policy
 * (`--pull` overrides it), pull the missing ones (`missing`/`if_not_present`, the default), always
 * (`always`), or never (`never`: a missing image fails at create, as in compose v2); build services with
 * a `build:` section whose image is missing, or always with `--build` / `pull_policy: build`. Returns
 * the image id of each service's image, which goes into the com.docker.compose.image label so a newer
 * image recreates the containers.
 */
import type { EngineClient } from '../../client/engine-client.js';
import { BerthError } from '../../common/errors.js';
import type { Project, ServiceConfig } from '../model.js';
import { serviceImage as convertServiceImage } from '../convert/container.js';
import { done, failed, working, type ProgressWriter } from '../output/progress.js';
import { isNotFound } from './resources.js';

export interface ImageOptions {
  /** --build: build every service with a build section */
  build?: boolean;
  /** --no-build: never build */
  noBuild?: boolean;
  /** --pull: overrides every service's pull_policy */
  pull?: string;
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

function policyOf(service: ServiceConfig, opts: ImageOptions): string {
  const p = opts.pull && opts.pull !== 'policy' ? opts.pull : service.pull_policy ?? 'missing';
  return p === 'if_not_present' ? 'missing' : p;
}

export const PULL_POLICIES = ['always', 'missing', 'never', 'build', 'if_not_present'];

/** Make sure every enabled service has its image; returns service → image id (when known). */
export async function ensureImages(client: EngineClient, project: Project, opts: ImageOptions, io: { progress: ProgressWriter; pull: Puller; build: Builder | null }): Promise<Record<string, string>> {
  if (opts.pull && opts.pull !== 'policy' && !PULL_POLICIES.includes(opts.pull)) {
    throw new BerthError(`invalid --pull option "${opts.pull}"`, { code: 'ERR_USAGE', status: 400, exitCode: 1 });
  }
  const services = Object.values(project.services);
  for (const s of services) {
    if (!s.image && !s.build) throw new BerthError(`invalid service "${s.name}". Must specify either image or build`, { code: 'ERR_COMPOSE_INVALID', status: 400, exitCode: 1 });
  }
  const ids: Record<string, string | undefined> = {};
  await Promise.all(services.map(async (s) => { ids[s.name] = await imageId(client, serviceImage(project, s)); }));

  const toPull = services.filter((s) => {
    if (!s.image) return false;
    const policy = policyOf(s, opts);
    if (policy === 'always') return true;
    if (policy === 'never' || policy === 'build') return false;
    return !ids[s.name] && !(s.build && opts.build);
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

  const toBuild = opts.noBuild ? [] : services.filter((s) => s.build && (opts.build || policyOf(s, opts) === 'build' || !ids[s.name]));
  if (toBuild.length) {
    if (!io.build) throw new BerthError(`building service images is not supported by this berth compose (services: ${toBuild.map((s) => s.name).join(', ')})`, { code: 'ERR_NOT_SUPPORTED', status: 501, exitCode: 1 });
    await io.build(project, toBuild.map((s) => s.name));
    await Promise.all(toBuild.map(async (s) => { ids[s.name] = await imageId(client, serviceImage(project, s)); }));
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ids)) if (v) out[k] = v;
  return out;
}

/** A plain pull per image through POST /images/create, with compose's per-service progress lines. */
export function enginePuller(client: EngineClient, progress: ProgressWriter): Puller {
  return async (project, names) => {
    const byImage = new Map<string, string[]>();
    for (const n of names) {
      const ref = serviceImage(project, project.services[n]);
      byImage.set(ref, [...(byImage.get(ref) ?? []), n]);
    }
    await Promise.all([...byImage].map(async ([ref, svcs]) => {
      const id = svcs[0];
      progress.event(working(id, 'Pulling'));
      const [fromImage, tag] = splitRef(ref);
      try {
        const res = await client.request('POST', '/images/create', { query: { fromImage, tag } });
        const text = await new Promise<string>((resolve, reject) => {
          let buf = '';
          res.on('data', (c: Buffer) => { buf += c.toString('utf8'); });
          res.once('end', () => resolve(buf));
          res.once('error', reject);
        });
        for (const line of text.split('\n')) {
          if (!line.trim()) continue;
          let m: { error?: string; errorDetail?: { message?: string } };
          try { m = JSON.parse(line); } catch { continue; }
          if (m.error || m.errorDetail) throw new BerthError(m.errorDetail?.message ?? m.error ?? 'pull failed', { code: 'ERR_DAEMON', exitCode: 1 });
        }
      } catch (e) {
        progress.event(failed(id));
        throw e;
      }
      progress.event(done(id, 'Pulled'));
    }));
  };
}

/** name[:tag] (a digest stays in the name); the tag defaults to latest. */
function splitRef(ref: string): [string, string | undefined] {
  if (ref.includes('@')) return [ref, undefined];
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return [ref.slice(0, colon), ref.slice(colon + 1)];
  return [ref, 'latest'];
}
