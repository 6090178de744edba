/**
 * What `compose run` needs before its one-off container: the project's networks and volumes, and
 * the service's dependencies running (created from the project when they have no container yet)
 * and in the state their depends_on condition asks for. A small convergence of its own until the
 * orchestrator's (up/start) is on main; `run` calls it through startDependencies only.
 */
import type { EngineClient } from '../../client/engine-client.js';
import type { ContainerInspectResponse } from '../../common/engine-api/types.js';
import { containerPlan } from '../convert/container.js';
import { networkCreateBody, volumeCreateBody } from '../convert/resources.js';
import type { Project, ServiceDependency } from '../model.js';
import { composeError, daemonStatus } from './errors.js';
import { copyFilesIn, serviceResolver } from './one-off.js';
import { projectContainers } from './state.js';

const enc = encodeURIComponent;
/** how long a dependency may take to become healthy or to complete */
const CONDITION_TIMEOUT_MS = 10 * 60_000;

/** The services `name` depends on, transitively, dependencies first; a required one missing from the project is an error. */
export function dependencyOrder(project: Project, name: string): string[] {
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (n: string): void => {
    if (order.includes(n)) return;
    if (visiting.has(n)) throw composeError(`dependency cycle detected: ${[...visiting, n].join(' -> ')}`, 'ERR_COMPOSE_CYCLE');
    visiting.add(n);
    for (const [dep, d] of Object.entries(project.services[n]?.depends_on ?? {})) {
      if (!project.services[dep]) {
        if (d.required === false) continue;
        throw composeError(`service ${JSON.stringify(n)} depends on undefined service ${JSON.stringify(dep)}`, 'ERR_COMPOSE_UNDEFINED');
      }
      visit(dep);
    }
    visiting.delete(n);
    order.push(n);
  };
  visit(name);
  return order.filter((n) => n !== name);
}

/** Create the project's networks and volumes the services use and the engine does not have yet. */
export async function ensureResources(client: EngineClient, project: Project, services: string[]): Promise<void> {
  const networks = new Set<string>();
  const volumes = new Set<string>();
  for (const s of services) {
    const svc = project.services[s];
    if (!svc.network_mode) for (const n of Object.keys(svc.networks ?? { default: null })) networks.add(n);
    for (const v of svc.volumes) if (v.type === 'volume' && v.source && project.volumes[v.source]) volumes.add(v.source);
  }
  for (const key of networks) {
    const net = project.networks[key];
    if (!net) continue;
    const exists = await client.json('GET', `/networks/${enc(net.name)}`).then(() => true, (e) => { if (daemonStatus(e) === 404) return false; throw e; });
    if (exists) continue;
    if (net.external) throw composeError(`network ${net.name} declared as external, but could not be found`, 'ERR_NOT_FOUND');
    await client.json('POST', '/networks/create', { body: networkCreateBody(project, key) });
  }
  for (const key of volumes) {
    const vol = project.volumes[key];
    const exists = await client.json('GET', `/volumes/${enc(vol.name)}`).then(() => true, (e) => { if (daemonStatus(e) === 404) return false; throw e; });
    if (exists) continue;
    if (vol.external) throw composeError(`external volume "${vol.name}" not found`, 'ERR_NOT_FOUND');
    await client.json('POST', '/volumes/create', { body: volumeCreateBody(project, key) });
  }
}

/** Start `service`'s dependencies (creating missing ones), then wait for the conditions `service` declares on them. */
export async function startDependencies(client: EngineClient, project: Project, service: string, log: (line: string) => void): Promise<void> {
  const order = dependencyOrder(project, service);
  await ensureResources(client, project, [...order, service]);
  for (const dep of order) {
    const mine = await projectContainers(client, project.name, { all: true, services: [dep], oneoff: false });
    if (mine.some((c) => c.State === 'running')) continue;
    let id = mine[0]?.Id;
    let name = (mine[0]?.Names?.[0] ?? '').replace(/^\//, '');
    if (!id) {
      const plan = containerPlan(project, project.services[dep], { number: 1, apiVersion: client.apiVersion, resolver: await serviceResolver(client, project.name) });
      const created = await client.json<{ Id: string }>('POST', '/containers/create', { query: { name: plan.name, platform: plan.platform }, body: plan.body });
      id = created.Id;
      name = plan.name;
      for (const c of plan.connectAfter) await client.json('POST', `/networks/${enc(c.network)}/connect`, { body: { Container: id, EndpointConfig: c.endpoint } });
      await copyFilesIn(client, id, plan.copies);
      log(` Container ${name} Created \n`);
    }
    // one that must complete may have done so already: started again only when it has not run yet
    const cond = project.services[service].depends_on[dep]?.condition;
    if (cond === 'service_completed_successfully' && mine[0]?.State === 'exited') continue;
    await client.call('POST', `/containers/${enc(id)}/start`).catch((e) => { if (daemonStatus(e) !== 304) throw e; });
    log(` Container ${name} Started \n`);
  }
  for (const [dep, d] of Object.entries(project.services[service].depends_on ?? {})) {
    if (!project.services[dep]) continue;
    await waitCondition(client, project, dep, d);
  }
}

async function waitCondition(client: EngineClient, project: Project, dep: string, d: ServiceDependency): Promise<void> {
  if (d.condition === 'service_started') return;
  const deadline = Date.now() + CONDITION_TIMEOUT_MS;
  for (;;) {
    const list = await projectContainers(client, project.name, { all: true, services: [dep], oneoff: false });
    const infos = await Promise.all(list.map((c) => client.json<ContainerInspectResponse>('GET', `/containers/${enc(c.Id ?? '')}/json`)));
    const name = (i: ContainerInspectResponse) => (i.Name ?? '').replace(/^\//, '');
    if (d.condition === 'service_healthy') {
      if (infos.some((i) => !i.State?.Health)) throw composeError(`dependency failed to start: container ${infos.map(name).join(', ')} has no healthcheck configured`, 'ERR_COMPOSE_SERVICE_FAILED');
      const bad = infos.find((i) => i.State?.Health?.Status === 'unhealthy' || (i.State?.Status === 'exited'));
      if (bad) throw composeError(`dependency failed to start: container ${name(bad)} is unhealthy`, 'ERR_COMPOSE_SERVICE_FAILED');
      if (infos.length && infos.every((i) => i.State?.Health?.Status === 'healthy')) return;
    } else {
      const failed = infos.find((i) => i.State?.Status === 'exited' && i.State.ExitCode !== 0);
      if (failed) throw composeError(`service ${JSON.stringify(dep)} didn't complete successfully: exit ${failed.State?.ExitCode}`, 'ERR_COMPOSE_SERVICE_FAILED');
      if (infos.length && infos.every((i) => i.State?.Status === 'exited')) return;
    }
    if (Date.now() > deadline) throw composeError(`timed out waiting for service ${JSON.stringify(dep)} (${d.condition})`, 'ERR_COMPOSE_SERVICE_FAILED');
    await new Promise((r) => setTimeout(r, 250));
  }
}
