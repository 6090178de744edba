/**
 * Pulling service images (compose v2's pull): `compose pull` pulls every selected service's image
 * unless its pull_policy says otherwise (what `up`/`run` pull is ensureImages' decision, images.ts);
 * every pull sends the docker config's credentials for the image's registry. One progress event per
 * service.
 */
import type { EngineClient } from '../../client/engine-client.js';
import { DaemonError, jsonLines } from '../../client/engine-client.js';
import { authFor, parseNormalizedNamed } from '../../client/registry-auth.js';
import type { ComposeContext } from '../context.js';
import type { Project, ServiceConfig } from '../model.js';
import { composeError, daemonStatus } from './errors.js';
import { commandProgress, type ProgressWriter } from './progress.js';
import type { Puller } from './images.js';
import { serviceImage } from '../convert/container.js';

export interface PullOptions {
  /** only these services (all when absent) */
  services?: string[];
  quiet?: boolean;
  /** --ignore-pull-failures: report failures and go on */
  ignoreFailures?: boolean;
  /** --ignore-buildable: skip services with a build section */
  ignoreBuildable?: boolean;
  /** --policy: this pull policy for every service with an image */
  policy?: 'missing' | 'always';
}

export type PullDecision = { pull: true } | { pull: false; why: string };

/** Whether `compose pull` pulls a service's image, by its pull_policy (or --policy). */
export function pullDecision(service: ServiceConfig, present: boolean, policy = service.pull_policy): PullDecision {
  if (!service.image) return { pull: false, why: 'Skipped - No image to be pulled' };
  switch (policy ?? '') {
    case 'never': case 'build':
      return { pull: false, why: 'Skipped' };
    case 'always': case '':
      return { pull: true };
    case 'missing': case 'if_not_present':
      // a present :latest is pulled again (it may be old); a present pinned tag is not
      if (!present || isLatest(service.image)) return { pull: true };
      return { pull: false, why: 'Skipped - Image is already present locally' };
    default:
      if (/^(?:daily|weekly|every_\w+)$/.test(policy!)) throw composeError(`pull_policy ${policy} is not supported by berth compose yet`, 'ERR_NOT_SUPPORTED');
      throw composeError(`invalid pull_policy ${JSON.stringify(policy)} for service ${service.name}`, 'ERR_COMPOSE_INVALID');
  }
}

function isLatest(image: string): boolean {
  try {
    const r = parseNormalizedNamed(image);
    return !r.digest && (r.tag ?? 'latest') === 'latest';
  } catch { return true; }
}

/** Whether the engine has the image (by the reference as written). */
export async function imagePresent(client: EngineClient, image: string): Promise<boolean> {
  try {
    await client.json('GET', `/images/${encodeURIComponent(image)}/json`);
    return true;
  } catch (e) {
    if (daemonStatus(e) === 404) return false;
    throw e;
  }
}

/** Pull one image, reporting on `w` under the service's name; throws the daemon's error. */
export async function pullImage(client: EngineClient, w: ProgressWriter, id: string, image: string, platform?: string): Promise<void> {
  w.event({ id, status: 'working', text: 'Pulling', statusText: '' });
  const named = parseNormalizedNamed(image);
  const res = await client.request('POST', '/images/create', {
    query: { fromImage: image, tag: named.tag || named.digest ? undefined : 'latest', platform },
    headers: authFor(image),
  });
  for await (const m of jsonLines(res)) {
    if (m.error || m.errorDetail) throw DaemonError.fromStream(m);
  }
  w.event({ id, status: 'done', text: 'Pulled', statusText: '' });
}

/** up's and run's puller (ensureImages decides what to pull): one pull per image, with credentials. */
export function composePuller(client: EngineClient, progress: ProgressWriter): Puller {
  return async (project, names) => {
    const byImage = new Map<string, string>();
    for (const n of names) { const ref = serviceImage(project.name, project.services[n]); if (!byImage.has(ref)) byImage.set(ref, n); }
    await Promise.all([...byImage].map(([ref, id]) => pullImage(client, progress, id, ref, project.services[id].platform).catch((e: Error) => {
      progress.event({ id, status: 'error', text: 'Error', statusText: e.message });
      throw composeError(e.message, 'ERR_DAEMON', e);
    })));
  };
}

/** `compose pull`: the images of the project's services by compose's rules; a failure stops it unless ignored. */
export async function pullServices(ctx: ComposeContext, project: Project, opts: PullOptions = {}): Promise<void> {
  const client = await ctx.client();
  const w = commandProgress(ctx, 'Pulling', opts.quiet);
  const names = opts.services?.length ? opts.services : Object.keys(project.services);
  const being = new Map<string, string>();
  const mustBuild: string[] = [];
  const errors: Error[] = [];
  const jobs: Array<Promise<void>> = [];
  const skip = (id: string, text: string) => w.event({ id, status: 'done', text, statusText: '' });
  try {
    for (const name of names) {
      const service = project.services[name];
      if (!service) throw composeError(`no such service: ${name}`, 'ERR_COMPOSE_NO_SERVICE');
      if (!service.image) { skip(name, 'Skipped - No image to be pulled'); continue; }
      const decision = pullDecision(service, await imagePresent(client, service.image), opts.policy ?? service.pull_policy);
      if (!decision.pull) { skip(name, decision.why); continue; }
      if (service.build && opts.ignoreBuildable) { skip(name, 'Skipped - Image can be built'); continue; }
      const by = being.get(service.image);
      if (by) { skip(name, `Skipped - Image is already being pulled by ${by}`); continue; }
      being.set(service.image, name);
      jobs.push(pullImage(client, w, name, service.image, service.platform).catch((e: Error) => {
        const buildable = Boolean(service.build);
        w.event({ id: name, status: buildable ? 'warning' : 'error', text: buildable ? 'Warning' : 'Error', statusText: e.message });
        if (buildable) mustBuild.push(name);
        errors.push(e);
      }));
    }
    await Promise.all(jobs);
    if (mustBuild.length) w.tail(`WARNING: Some service image(s) must be built from source by running:\n    docker compose build ${mustBuild.join(' ')}`);
  } finally { w.stop(); }
  if (errors.length && !opts.ignoreFailures) throw composeError(errors.map((e) => e.message).join('\n'), 'ERR_DAEMON', errors[0]);
}
