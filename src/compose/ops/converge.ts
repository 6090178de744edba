/**
 * `create` (and the first half of `up`): images, networks and volumes, orphans, then every service
 * converged in dependency order (compose v2's create.go + convergence.go). What happens to each
 * service's containers is decided by converge-plan.ts; here it is carried out:
 * - a new container is created under its final name (`Creating`/`Created`);
 * - a changed one is recreated as compose v2 does it: the new container is created under a temporary
 *   name `<old id12>_<name>` (with com.docker.compose.replace naming the old one), the old one is stopped
 *   and removed, and the new one takes the name (`Recreate`/`Recreated`). So the name is never free
 *   while both exist, and a failed create leaves the old container running;
 * - dependants that depend on a recreated service with `restart: true` are stopped first, to be
 *   started again by the start phase.
 * References to other services (`network_mode`/`ipc`/`pid: service:x`, `volumes_from: x`, links) are
 * resolved to x's containers (convert's resolver); when x's containers changed in this run, the services
 * that share its namespaces or volumes are recreated too (compose v2 gets there by hashing the resolved
 * container ids), or they would hold on to a removed container.
 */
import type { ContainerSummary, ContainerInspectResponse } from '../../common/engine-api/types.js';
import { checkExternalSecrets } from './external-secrets.js';
import { BerthError } from '../../common/errors.js';
import { LABELS, type Project, type ServiceConfig } from '../model.js';
import { containerPlan, type ContainerPlan, type ServiceResolver } from '../convert/container.js';
import { serviceConfigHash } from '../convert/config-hash.js';
import { done, working } from '../output/progress.js';
import { buildGraph, inDependencyOrder, serviceOfMode } from './graph.js';
import { containerId, forEachLimited, type OpsContext } from './ops-context.js';
import { planService, type ConvergeStep, type RecreatePolicy } from './converge-plan.js';
import { ensureNetworks, ensureVolumes } from './resources.js';
import { ensureImages, type Builder, type ImageOptions, type Puller } from './images.js';
import { replicas } from './service-selection.js';
import { nameOf, numberOf, projectContainers, serviceOf } from './state.js';
import { stopAndRemoveContainer, stopContainer } from './containers.js';

export interface CreateOptions extends ImageOptions {
  /** the services named on the command line (empty: all); they get `recreate`, their dependencies `recreateDependencies` */
  services: string[];
  recreate: RecreatePolicy;
  recreateDependencies: RecreatePolicy;
  removeOrphans?: boolean;
  /** COMPOSE_IGNORE_ORPHANS */
  ignoreOrphans?: boolean;
  /** -t: stop timeout in seconds for recreated/removed containers */
  timeout?: number;
  /** --yes */
  assumeYes?: boolean;
  /** keep anonymous volumes of recreated containers (compose's default; -V/--renew-anon-volumes turns it off) */
  inherit?: boolean;
}

export interface ImageTools { pull: Puller; build: Builder }

/** container_name must be unique, and a service with one cannot have more than one replica. */
export function checkContainerNames(project: Project): void {
  const seen = new Map<string, string>();
  for (const s of Object.values(project.services)) {
    if (!s.container_name) continue;
    const other = seen.get(s.container_name);
    if (other) throw new BerthError(`services.${s.name}: container name "${s.container_name}" is already in use by service ${other}"`, { code: 'ERR_COMPOSE_INVALID', status: 400, exitCode: 1 });
    seen.set(s.container_name, s.name);
    if (replicas(s) > 1) {
      throw new BerthError(`WARNING: The "${s.name}" service is using the custom container name "${s.container_name}". Docker requires each container to have a unique name. Remove the custom name to scale the service`, { code: 'ERR_COMPOSE_INVALID', status: 400, exitCode: 1 });
    }
  }
}

/** Containers of the project whose service is in neither the enabled nor the disabled services (one-offs: when exited). */
export function orphansOf(project: Project, containers: ContainerSummary[]): ContainerSummary[] {
  const known = new Set([...Object.keys(project.services), ...Object.keys(project.disabledServices ?? {})]);
  return containers.filter((c) => {
    if (c.Labels?.[LABELS.oneoff] === 'True') return c.State === 'exited' || c.State === 'dead';
    return !known.has(serviceOf(c));
  });
}

export async function createProject(oc: OpsContext, project: Project, opts: CreateOptions, tools: ImageTools): Promise<void> {
  checkContainerNames(project);
  const graph = buildGraph(project);
  // before any pull or build: a missing secret (or an engine without them) fails at once
  await checkExternalSecrets(oc.client, project, Object.values(project.services));
  const imageIds = await ensureImages(oc.client, project, opts, tools);
  const rc = { client: oc.client, progress: oc.progress, warn: oc.warn, assumeYes: opts.assumeYes, timeout: opts.timeout };
  const networkIds = await ensureNetworks(rc, project);
  const volumeNames = await ensureVolumes(rc, project);

  const observed = await projectContainers(oc.client, project.name);
  const orphans = orphansOf(project, observed);
  if (orphans.length && !opts.ignoreOrphans) {
    if (opts.removeOrphans) {
      await forEachLimited(orphans, oc.parallel, (c) => stopAndRemoveContainer(oc, c, opts.timeout));
    } else {
      oc.warn(`Found orphan containers ([${orphans.map(nameOf).join(' ')}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`);
    }
  }

  const state = new Map<string, ContainerSummary[]>();
  for (const s of Object.keys(project.services)) state.set(s, []);
  for (const c of observed) {
    if (c.Labels?.[LABELS.oneoff] === 'True') continue;
    state.get(serviceOf(c))?.push(c);
  }
  const named = new Set(opts.services.length ? opts.services : Object.keys(project.services));
  const conv = new Convergence(oc, project, state, { networkIds, volumeNames, imageIds, timeout: opts.timeout, inherit: opts.inherit ?? true });
  await inDependencyOrder(graph, (name) => conv.ensureService(project.services[name], named.has(name) ? opts.recreate : opts.recreateDependencies, graph), { parallel: oc.parallel });
}

interface ConvergenceInputs {
  networkIds: Record<string, string>;
  volumeNames: Record<string, string>;
  imageIds: Record<string, string>;
  timeout?: number;
  inherit: boolean;
}

class Convergence {
  /** services whose containers were created, recreated or removed in this run */
  private readonly changed = new Set<string>();
  constructor(private readonly oc: OpsContext, private readonly project: Project, private readonly state: Map<string, ContainerSummary[]>, private readonly inputs: ConvergenceInputs) {}

  async ensureService(service: ServiceConfig, policy: RecreatePolicy, graph: ReturnType<typeof buildGraph>): Promise<void> {
    const expectedImage = this.inputs.imageIds[service.name];
    const hash = serviceConfigHash(service);
    const steps = planService(service, this.state.get(service.name) ?? [], { replicas: replicas(service), hash, policy, networkIds: this.inputs.networkIds, volumeNames: this.inputs.volumeNames });
    const sharesChanged = policy !== 'never' && referencedServices(service).some((r) => this.changed.has(r));
    for (const [i, s] of steps.entries()) {
      if (s.kind !== 'keep' || policy === 'never') continue;
      // a newer image for the same config recreates too (compose's com.docker.compose.image label)
      const newImage = expectedImage && s.container.Labels?.[LABELS.image] && s.container.Labels[LABELS.image] !== expectedImage;
      if (newImage || sharesChanged) steps[i] = { kind: 'recreate', container: s.container, number: numberOf(s.container) };
    }
    // the container others reference (the first) is new: recreated, or made where there was none
    const before = this.state.get(service.name) ?? [];
    if (steps.some((s) => s.kind === 'recreate') || (before.length === 0 && steps.some((s) => s.kind === 'create'))) this.changed.add(service.name);
    if (steps.some((s) => s.kind === 'recreate')) await this.stopDependents(service.name, graph);

    const updated: ContainerSummary[] = [];
    await forEachLimited(steps, undefined, async (step: ConvergeStep) => {
      switch (step.kind) {
        case 'remove': await stopAndRemoveContainer(this.oc, step.container, this.inputs.timeout); return;
        case 'recreate': updated.push(await this.recreate(service, step.container, step.number)); return;
        case 'create': updated.push(await this.create(service, step.number)); return;
        case 'keep':
          if (step.state === 'running') this.oc.progress.event(done(containerId(step.container), 'Running'));
          if (step.state === 'restart') {
            // paused or dead: compose starts it again at once
            this.oc.progress.event(working(containerId(step.container), 'Restart'));
            await this.oc.client.call('POST', `/containers/${step.container.Id}/start`);
            this.oc.progress.event(done(containerId(step.container), 'Restarted'));
          }
          updated.push(step.container);
      }
    });
    this.state.set(service.name, updated.sort((a, b) => numberOf(a) - numberOf(b)));
  }

  /** Dependants with `restart: true` on this service are stopped, to be started after it. */
  private async stopDependents(name: string, graph: ReturnType<typeof buildGraph>): Promise<void> {
    const dependents = [...(graph.dependents.get(name) ?? [])].filter((d) => graph.dependencies.get(d)?.get(name)?.restart);
    if (!dependents.length) return;
    for (const d of dependents) {
      for (const c of this.state.get(d) ?? []) {
        if (c.State !== 'running') continue;
        await stopContainer(this.oc, c, this.inputs.timeout);
        c.State = 'exited';
      }
    }
  }

  /** Other services' containers as convert needs them: the first one's id, all names (compose sorts by name). */
  private readonly resolver: ServiceResolver = {
    containerId: (name) => [...(this.state.get(name) ?? [])].sort((a, b) => nameOf(a).localeCompare(nameOf(b)))[0]?.Id,
    containerNames: (name) => (this.state.get(name) ?? []).map(nameOf),
  };

  private plan(service: ServiceConfig, number: number, labels: Record<string, string> = {}): ContainerPlan {
    return containerPlan(this.project, service, {
      number, apiVersion: this.oc.client.apiVersion, resolver: this.resolver,
      imageDigest: this.inputs.imageIds[service.name], labels,
    });
  }

  private async create(service: ServiceConfig, number: number): Promise<ContainerSummary> {
    const plan = this.plan(service, number);
    const id = `Container ${plan.name}`;
    this.oc.progress.event(working(id, 'Creating'));
    try {
      const c = await this.createFromPlan(plan, plan.name);
      this.oc.progress.event(done(id, 'Created'));
      return c;
    } catch (e) {
      this.oc.progress.event({ id, status: 'error', statusText: (e as Error).message });
      throw e;
    }
  }

  private async recreate(service: ServiceConfig, old: ContainerSummary, number: number): Promise<ContainerSummary> {
    const id = containerId(old);
    this.oc.progress.event(working(id, 'Recreate'));
    try {
      const replaced = service.container_name ?? `${service.name}-${number}`;
      const plan = this.plan(service, number, { [LABELS.replace]: replaced });
      if (this.inputs.inherit) await this.inheritAnonymousVolumes(plan, old);
      const tmpName = `${old.Id!.slice(0, 12)}_${plan.name}`;
      const created = await this.createFromPlan(plan, tmpName);
      await this.oc.client.call('POST', `/containers/${old.Id}/stop`, { query: { t: this.inputs.timeout } });
      await this.oc.client.call('DELETE', `/containers/${old.Id}`);
      await this.oc.client.call('POST', `/containers/${created.Id}/rename`, { query: { name: plan.name } });
      created.Names = [`/${plan.name}`];
      this.oc.progress.event(done(id, 'Recreated'));
      return created;
    } catch (e) {
      this.oc.progress.event({ id, status: 'error', statusText: (e as Error).message });
      throw e;
    }
  }

  /**
   * Anonymous volumes of the old container are mounted again at the same targets (compose's inherit),
   * so data in a VOLUME or an anonymous `- /data` survives a recreate.
   */
  private async inheritAnonymousVolumes(plan: ContainerPlan, old: ContainerSummary): Promise<void> {
    const info = await this.oc.client.json<ContainerInspectResponse>('GET', `/containers/${old.Id}/json`);
    const named = new Set(Object.values(this.inputs.volumeNames));
    const hc = (plan.body.HostConfig ??= {});
    const taken = new Set([...(hc.Mounts ?? []).map((m) => m.Target), ...(hc.Binds ?? []).map((b) => b.split(':')[1])]);
    for (const m of info.Mounts ?? []) {
      if (m.Type !== 'volume' || !m.Name || named.has(m.Name) || !m.Destination) continue;
      const wanted = (hc.Mounts ?? []).find((x) => x.Target === m.Destination && x.Type === 'volume' && !x.Source);
      if (wanted) { wanted.Source = m.Name; continue; }
      if (taken.has(m.Destination)) continue;
      // a VOLUME of the image, not in the file: carried over as compose does
      (hc.Mounts ??= []).push({ Type: 'volume', Source: m.Name, Target: m.Destination });
    }
  }

  /** POST /containers/create, the other networks connected, the content secrets/configs copied in. */
  private async createFromPlan(plan: ContainerPlan, name: string): Promise<ContainerSummary> {
    const body = plan.body;
    const res = await this.oc.client.json<{ Id: string; Warnings?: string[] }>('POST', '/containers/create', { query: { name, platform: plan.platform }, body });
    for (const w of res.Warnings ?? []) this.oc.progress.event({ id: body.Labels?.[LABELS.service] ?? name, status: 'warning', statusText: '', text: w });
    for (const extra of plan.connectAfter) {
      await this.oc.client.call('POST', `/networks/${encodeURIComponent(extra.network)}/connect`, { body: { Container: res.Id, EndpointConfig: extra.endpoint } });
    }
    if (plan.copies.length) {
      // the tar writer is loaded only for the projects that need it (every compose command loads this module)
      const { fileCopiesArchive } = await import('../convert/file-copies.js');
      await this.oc.client.call('PUT', `/containers/${res.Id}/archive`, { query: { path: '/' }, body: await fileCopiesArchive(plan.copies), contentType: 'application/x-tar' });
    }
    return { Id: res.Id, Names: [`/${name}`], Labels: body.Labels ?? {}, State: 'created', Created: Math.floor(Date.now() / 1000) };
  }
}

/** The services whose containers this one shares namespaces or volumes with. */
function referencedServices(service: ServiceConfig): string[] {
  const out = [serviceOfMode(service.network_mode), serviceOfMode(service.ipc), serviceOfMode(service.pid)];
  for (const v of service.volumes_from ?? []) { const first = v.split(':')[0]; if (first !== 'container') out.push(first); }
  return out.filter((x): x is string => Boolean(x));
}
