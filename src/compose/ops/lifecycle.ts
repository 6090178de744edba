/**
 * stop, restart, kill, rm, pause and unpause over a project's containers (compose v2's stop.go,
 * restart.go, kill.go, remove.go, pause.go): found by labels, in reverse dependency order for stop,
 * dependency order for restart, with compose's progress lines.
 */
import type { ContainerInspectResponse, ContainerSummary } from '../../common/engine-api/types.js';
import type { Project } from '../model.js';
import { done, working } from '../output/progress.js';
import { buildGraph, inDependencyOrder, inReverseDependencyOrder, withDependents } from './graph.js';
import { containerId, forEachLimited, type OpsContext } from './ops-context.js';
import { isNotFound } from './errors.js';
import { projectContainers, serviceOf } from './state.js';
import { stopContainer } from './containers.js';
import { waitDependencies, type WaitDependency } from './start.js';

export async function stopProject(oc: OpsContext, project: Project, opts: { services?: string[]; timeout?: number }): Promise<void> {
  const containers = await projectContainers(oc.client, project.name, { oneoff: false });
  const wanted = new Set(opts.services?.length ? opts.services : Object.keys(project.services));
  await inReverseDependencyOrder(buildGraph(project), (name) => forEachLimited(
    containers.filter((c) => serviceOf(c) === name),
    undefined,
    (c) => stopContainer(oc, c, opts.timeout),
  ), { parallel: oc.parallel, only: wanted });
}

/**
 * restart: the named services and the ones that depend on them with `restart: true` (unless --no-deps),
 * in dependency order, each after its conditions are met again.
 */
export async function restartProject(oc: OpsContext, project: Project, opts: { services?: string[]; noDeps?: boolean; timeout?: number }): Promise<void> {
  const containers = await projectContainers(oc.client, project.name, { oneoff: false });
  // only `restart: true` dependencies order a restart (compose drops the others)
  const services = Object.fromEntries(Object.entries(project.services).map(([n, s]) => [n, {
    ...s, depends_on: Object.fromEntries(Object.entries(s.depends_on ?? {}).filter(([, d]) => d.restart)),
  }]));
  const p: Project = { ...project, services };
  const graph = buildGraph(p);
  let wanted: Set<string> | undefined;
  if (opts.services?.length) wanted = opts.noDeps ? new Set(opts.services) : withDependents(graph, opts.services);
  await inDependencyOrder(graph, async (name) => {
    const deps: Record<string, WaitDependency> = {};
    for (const [d, how] of graph.dependencies.get(name) ?? []) if (!wanted || wanted.has(d)) deps[d] = how;
    await waitDependencies(oc, p, name, deps, containers);
    await forEachLimited(containers.filter((c) => serviceOf(c) === name), undefined, async (c) => {
      const id = containerId(c);
      oc.progress.event(working(id, 'Restarting'));
      await oc.client.call('POST', `/containers/${c.Id}/restart`, { query: { t: opts.timeout } });
      oc.progress.event(done(id, 'Started'));
    });
  }, { parallel: oc.parallel, only: wanted });
}

/** kill: running containers of the services (one-offs too); none: compose's "no container to kill". */
export async function killProject(oc: OpsContext, project: Project, opts: { services?: string[]; signal?: string; removeOrphans?: boolean }, stderr: NodeJS.WritableStream): Promise<void> {
  let containers = await projectContainers(oc.client, project.name, { all: false, services: opts.services });
  if (!opts.removeOrphans) containers = containers.filter((c) => serviceOf(c) in project.services);
  if (containers.length === 0) { stderr.write('no container to kill'); return; }
  await forEachLimited(containers, oc.parallel, async (c) => {
    const id = containerId(c);
    oc.progress.event(working(id, 'Killing'));
    try {
      await oc.client.call('POST', `/containers/${c.Id}/kill`, { query: { signal: opts.signal ?? 'SIGKILL' } });
    } catch (e) {
      oc.progress.event({ id, status: 'error', statusText: 'Error while Killing' });
      throw e;
    }
    oc.progress.event(done(id, 'Killed'));
  });
}

/** The stopped containers `rm` would remove (services of the project only). */
export async function stoppedContainers(oc: OpsContext, project: Project, services: string[]): Promise<ContainerSummary[]> {
  const containers = (await projectContainers(oc.client, project.name, { oneoff: false, services }))
    .filter((c) => serviceOf(c) in project.services);
  const out: ContainerSummary[] = [];
  for (const c of containers) {
    try {
      const info = await oc.client.json<ContainerInspectResponse>('GET', `/containers/${c.Id}/json`);
      if (!info.State?.Running) out.push(c);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  return out;
}

export async function removeContainers(oc: OpsContext, containers: ContainerSummary[], opts: { volumes?: boolean; force?: boolean }): Promise<void> {
  await forEachLimited(containers, oc.parallel, async (c) => {
    const id = containerId(c);
    oc.progress.event(working(id, 'Removing'));
    await oc.client.call('DELETE', `/containers/${c.Id}`, { query: { v: opts.volumes, force: opts.force } });
    oc.progress.event(done(id, 'Removed'));
  });
}

export async function pauseProject(oc: OpsContext, project: Project, services: string[], unpause: boolean): Promise<void> {
  // only the containers the step applies to: the engine refuses to pause a paused one or unpause a running one
  const containers = (await projectContainers(oc.client, project.name, { all: false, oneoff: false, services }))
    .filter((c) => serviceOf(c) in project.services && c.State === (unpause ? 'paused' : 'running'));
  await forEachLimited(containers, oc.parallel, async (c) => {
    await oc.client.call('POST', `/containers/${c.Id}/${unpause ? 'unpause' : 'pause'}`);
    oc.progress.event(done(containerId(c), unpause ? 'Unpaused' : 'Paused'));
  });
}
