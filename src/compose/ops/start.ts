/**
 * Starting a project (compose v2's start.go and waitDependencies): services in dependency order; before a
 * service starts, each dependency with a condition is waited for:
 * - `service_started`: the order alone;
 * - `service_healthy`: its containers healthy (`dependency failed to start: container X is unhealthy`);
 * - `service_completed_successfully`: its containers exited 0 (`service "x" didn't complete
 *   successfully: exit 1`);
 * - `required: false`: a missing or failing dependency only warns.
 * `--wait` then waits for every service: healthy when it has a healthcheck, else running, or exited 0
 * when another service waits for it to complete.
 */
import type { ContainerInspectResponse, ContainerSummary } from '../../common/engine-api/types.js';
import { formatGoDuration } from './go-duration-format.js';
import { LABELS, type Project, type ServiceDependency } from '../model.js';
import { done, working, type ProgressEvent } from '../output/progress.js';
import { buildGraph, inDependencyOrder } from './graph.js';
import { containerId, serviceFailed, sleep, type OpsContext } from './ops-context.js';
import { replicas } from './service-selection.js';
import { nameOf, projectContainers, serviceOf } from './state.js';

/** compose's `running_or_healthy`: the condition --wait uses for services nobody waits to complete. */
export type WaitCondition = ServiceDependency['condition'] | 'running_or_healthy';
export interface WaitDependency { condition: WaitCondition; required: boolean }

export interface StartOptions {
  /** only these services (and nothing else); empty: all enabled services */
  services?: string[];
  wait?: boolean;
  /** --wait-timeout in seconds (0: none) */
  waitTimeout?: number;
  /** called when a container has been started (attached up follows its output) */
  onStarted?: (c: ContainerSummary) => void;
  /** called before a container starts (attached up attaches to it first) */
  beforeStart?: (c: ContainerSummary) => Promise<void>;
}

const POLL_MS = 200;

class Deadline { constructor(readonly at: number) {} get passed() { return Date.now() > this.at; } }

export async function startProject(oc: OpsContext, project: Project, opts: StartOptions = {}): Promise<void> {
  const graph = buildGraph(project);
  const containers = (await projectContainers(oc.client, project.name, { oneoff: false }));
  const only = opts.services?.length ? new Set(opts.services) : undefined;
  await inDependencyOrder(graph, async (name) => {
    const service = project.services[name];
    if (service.deploy?.replicas === 0) return;
    const deps: Record<string, WaitDependency> = {};
    for (const [dep, how] of graph.dependencies.get(name) ?? []) deps[dep] = how;
    await waitDependencies(oc, project, name, deps, containers);
    const mine = containers.filter((c) => serviceOf(c) === name);
    if (mine.length === 0) {
      if (replicas(service) === 0) return;
      throw serviceFailed(`service "${name}" has no container to start`);
    }
    for (const c of mine) {
      if (c.State === 'running') continue;
      await opts.beforeStart?.(c);
      const id = containerId(c);
      oc.progress.event(working(id, 'Starting'));
      await oc.client.call('POST', `/containers/${c.Id}/start`);
      oc.progress.event(done(id, 'Started'));
      opts.onStarted?.(c);
    }
  }, { parallel: oc.parallel, only });

  if (opts.wait) {
    const deps: Record<string, WaitDependency> = {};
    for (const name of Object.keys(project.services)) {
      if (only && !only.has(name)) continue;
      deps[name] = { condition: completedByOthers(project, name) ? 'service_completed_successfully' : 'running_or_healthy', required: true };
    }
    const timeout = opts.waitTimeout && opts.waitTimeout > 0 ? opts.waitTimeout : 0;
    try {
      await waitDependencies(oc, project, project.name, deps, containers, timeout ? new Deadline(Date.now() + timeout * 1000) : undefined);
    } catch (e) {
      if (e instanceof DeadlineError) throw serviceFailed(`application not healthy after ${formatGoDuration(timeout * 1000)}`);
      throw e;
    }
  }
}

/** Does another service wait for this one to complete? Then --wait waits for that too (a one-shot job). */
function completedByOthers(project: Project, name: string): boolean {
  return Object.values(project.services).some((s) => s.depends_on?.[name]?.condition === 'service_completed_successfully');
}

class DeadlineError extends Error {}

/**
 * Wait for the dependencies of `dependant` to meet their conditions, all at once; the first failure
 * is thrown. Containers are found by service in `containers` (the project's, listed before start).
 */
export async function waitDependencies(oc: OpsContext, project: Project, dependant: string, deps: Record<string, WaitDependency>, containers: ContainerSummary[], deadline?: Deadline): Promise<void> {
  const waits: Promise<void>[] = [];
  const events = (list: ContainerSummary[], f: (id: string) => ProgressEvent) => { for (const c of list) oc.progress.event(f(containerId(c))); };
  for (const [dep, how] of Object.entries(deps)) {
    if (how.condition === 'service_started') continue;
    const service = project.services[dep];
    // disabled (--no-deps) or scaled to zero: nothing to wait for
    if (!service || replicas(service) === 0) continue;
    const waitingFor = containers.filter((c) => serviceOf(c) === dep && c.Labels?.[LABELS.oneoff] !== 'True');
    events(waitingFor, (id) => working(id, 'Waiting'));
    if (waitingFor.length === 0) {
      if (how.required) throw serviceFailed(`${dependant} is missing dependency ${dep}`);
      oc.warn(`${dependant} is missing dependency ${dep}`);
      continue;
    }
    waits.push((async () => {
      // looked at once at once (a dependency often is ready already), then every POLL_MS
      for (let round = 0; ; round++) {
        if (round > 0) await sleep(POLL_MS);
        if (deadline?.passed) throw new DeadlineError();
        switch (how.condition) {
          case 'running_or_healthy':
          case 'service_healthy': {
            let healthy: boolean;
            try {
              healthy = await isServiceHealthy(oc, waitingFor, how.condition === 'running_or_healthy');
            } catch (e) {
              const reason = how.condition === 'running_or_healthy' ? `optional dependency "${dep}" is not running or is unhealthy` : `optional dependency "${dep}" failed to start`;
              if (!how.required) {
                events(waitingFor, (id) => ({ id, status: 'warning', statusText: `Skipped: ${reason}` }));
                oc.warn(`${reason}: ${(e as Error).message}`);
                return;
              }
              if (how.condition === 'running_or_healthy') throw e;
              events(waitingFor, (id) => ({ id, status: 'error', statusText: 'Error' }));
              throw serviceFailed(`dependency failed to start: ${(e as Error).message}`);
            }
            if (healthy) { events(waitingFor, (id) => done(id, 'Healthy')); return; }
            break;
          }
          case 'service_completed_successfully': {
            const exit = await serviceExit(oc, waitingFor);
            if (exit === undefined) break;
            if (exit === 0) { events(waitingFor, (id) => done(id, 'Exited')); return; }
            const suffix = `"${dep}" didn't complete successfully: exit ${exit}`;
            if (!how.required) {
              events(waitingFor, (id) => ({ id, status: 'warning', statusText: `Skipped: optional dependency ${suffix}` }));
              oc.warn(`optional dependency ${suffix}`);
              return;
            }
            events(waitingFor, (id) => ({ id, status: 'error', statusText: `service ${suffix}` }));
            throw serviceFailed(`service ${suffix}`);
          }
          default:
            oc.warn(`unsupported depends_on condition: ${how.condition}`);
            return;
        }
      }
    })());
  }
  const results = await Promise.allSettled(waits);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}

async function inspect(oc: OpsContext, c: ContainerSummary): Promise<ContainerInspectResponse> {
  return oc.client.json<ContainerInspectResponse>('GET', `/containers/${c.Id}/json`);
}

/** compose's isServiceHealthy: every container healthy (or running, for one without a healthcheck when allowed). */
export async function isServiceHealthy(oc: OpsContext, containers: ContainerSummary[], fallbackRunning: boolean): Promise<boolean> {
  for (const c of containers) {
    const info = await inspect(oc, c);
    const name = (info.Name ?? nameOf(c)).replace(/^\//, '');
    const st = info.State;
    if (st?.Status === 'exited') throw serviceFailed(`container ${name} exited (${st.ExitCode ?? 0})`);
    const hasCheck = Boolean(info.Config?.Healthcheck?.Test?.length) && info.Config?.Healthcheck?.Test?.[0] !== 'NONE';
    if (!hasCheck && fallbackRunning) return st?.Status === 'running';
    if (!st?.Health) throw serviceFailed(`container ${name} has no healthcheck configured`);
    switch (st.Health.Status) {
      case 'healthy': continue;
      case 'unhealthy': throw serviceFailed(`container ${name} is unhealthy`);
      case 'starting': return false;
      default: throw serviceFailed(`container ${name} had unexpected health status "${st.Health.Status}"`);
    }
  }
  return true;
}

/** The exit code of the first of the containers that has exited, or undefined while none has. */
async function serviceExit(oc: OpsContext, containers: ContainerSummary[]): Promise<number | undefined> {
  for (const c of containers) {
    const info = await inspect(oc, c);
    if (info.State?.Status === 'exited') return info.State.ExitCode ?? 0;
  }
  return undefined;
}
