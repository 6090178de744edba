/**
 * Pulling service images (compose v2's pull): `compose pull` pulls every selected service's image
 * unless its pull_policy says otherwise, and `up`/`run`/`create` pull what pull_policy requires
 * (`missing` when absent, `always`, never for `never`/`build`). One progress event per service.
 */
import type { EngineClient } from '../../client/engine-client.js';
import { DaemonError, jsonLines } from '../../client/engine-client.js';
import { authFor, parseNormalizedNamed } from '../../client/registry-auth.js';
import type { ComposeContext } from '../context.js';
import type { Project, ServiceConfig } from '../model.js';
import { composeError, daemonStatus } from './errors.js';
import { progressWriter, type ProgressWriter } from './progress.js';

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
  /**
   * `command`: compose pull's rules (pull unless the policy is never/build, or missing and present);
   * `required`: up's rules (pull only what the policy requires, a failed pull of a buildable image is fine).
   */
  mode?: 'command' | 'required';
}

export type PullDecision = { pull: true } | { pull: false; why: string };

/** Whether `compose pull` (mode command) or `up` (mode required) pulls a service's image. */
export function pullDecision(service: ServiceConfig, present: boolean, mode: 'command' | 'required', policy = service.pull_policy): PullDecision {
  if (!service.image) return { pull: false, why: 'Skipped - No image to be pulled' };
  switch (policy ?? '') {
    case 'never': case 'build':
      return { pull: false, why: 'Skipped' };
    case 'always':
      return { pull: true };
    case '':
      // no policy: compose pull pulls, up pulls what is missing
      if (mode === 'command' || !present) return { pull: true };
      return { pull: false, why: 'Skipped - Image is already present locally' };
    case 'missing': case 'if_not_present':
      // compose pull does not trust a present :latest (it may be old); up takes any present image
      if (!present || (mode === 'command' && isLatest(service.image))) return { pull: true };
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
  w.event({ id, status: 'working', text: 'Pulling' });
  const named = parseNormalizedNamed(image);
  const res = await client.request('POST', '/images/create', {
    query: { fromImage: image, tag: named.tag || named.digest ? undefined : 'latest', platform },
    headers: authFor(image),
  });
  for await (const m of jsonLines(res)) {
    if (m.error || m.errorDetail) throw DaemonError.fromStream(m);
  }
  w.event({ id, status: 'done', text: 'Pulled' });
}

/**
 * Pull the images of the project's services by compose's rules; resolves to the services whose
 * image is now there. A failure stops the pull unless ignored or the service can be built.
 */
export async function pullServices(ctx: ComposeContext, project: Project, opts: PullOptions = {}): Promise<string[]> {
  const mode = opts.mode ?? 'command';
  const client = await ctx.client();
  const w = progressWriter(ctx, 'Pulling', opts.quiet);
  const names = opts.services?.length ? opts.services : Object.keys(project.services);
  const being = new Map<string, string>();
  const mustBuild: string[] = [];
  const errors: Error[] = [];
  const pulled: string[] = [];
  const jobs: Array<Promise<void>> = [];
  for (const name of names) {
    const service = project.services[name];
    if (!service) throw composeError(`no such service: ${name}`, 'ERR_COMPOSE_NO_SERVICE');
    if (!service.image) { if (mode === 'command') w.event({ id: name, status: 'done', text: 'Skipped - No image to be pulled' }); continue; }
    const present = await imagePresent(client, service.image);
    const decision = pullDecision(service, present, mode, opts.policy ?? service.pull_policy);
    if (!decision.pull) { if (mode === 'command') w.event({ id: name, status: 'done', text: decision.why }); continue; }
    if (service.build && opts.ignoreBuildable) { w.event({ id: name, status: 'done', text: 'Skipped - Image can be built' }); continue; }
    const by = being.get(service.image);
    if (by) { w.event({ id: name, status: 'done', text: `Skipped - Image is already being pulled by ${by}` }); continue; }
    being.set(service.image, name);
    jobs.push(pullImage(client, w, name, service.image, service.platform).then(() => { pulled.push(name); }, (e: Error) => {
      const buildable = Boolean(service.build) || Object.values(project.services).some((s) => s.image === service.image && s.build);
      w.event({ id: name, status: buildable ? 'warning' : 'error', text: buildable ? 'Warning' : 'Error', statusText: e.message });
      if (buildable) mustBuild.push(name);
      if (buildable && mode === 'required') return;
      errors.push(e);
    }));
  }
  await Promise.all(jobs);
  if (mustBuild.length && mode === 'command') w.tail(`WARNING: Some service image(s) must be built from source by running:\n    docker compose build ${mustBuild.join(' ')}`);
  w.stop();
  if (errors.length && !opts.ignoreFailures) throw composeError(errors.map((e) => e.message).join('\n'), 'ERR_DAEMON', errors[0]);
  return pulled;
}
