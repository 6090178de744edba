/**
 * `up` (compose v2's up.go): create (converge) then start. Detached (`-d`, `--wait`) it returns after
 * the start (and the wait); attached it prints `Attaching to …`, streams the output of the attached
 * services with prefixes, reports exits, and runs until every container has stopped:
 * - Ctrl-C (SIGINT/SIGTERM) stops the project gracefully, a second one kills it;
 * - --abort-on-container-exit (or --abort-on-container-failure) stops everything when a container
 *   exits (with failure); --exit-code-from takes the exit code of that service's container.
 */
import type { ContainerSummary } from '../../common/engine-api/types.js';
import type { Project } from '../model.js';
import type { LogPrinter } from '../output/log-printer.js';
import type { ProgressWriter } from '../output/progress.js';
import { createProject, type CreateOptions, type ImageTools } from './converge.js';
import { killProject, stopProject } from './lifecycle.js';
import { attachContainer, containerLogs, shortName } from './logs.js';
import { ProjectMonitor } from './monitor.js';
import type { OpsContext } from './ops-context.js';
import { startProject, waitDependencies } from './start.js';
import { buildGraph, withDependencies } from './graph.js';
import { withSelectedServices } from './service-selection.js';
import { nameOf, projectContainers } from './state.js';

export interface UpOptions {
  create: CreateOptions;
  detach: boolean;
  noStart?: boolean;
  wait?: boolean;
  waitTimeout?: number;
  /** the services whose output is shown when attached */
  attach?: string[];
  /** abort when a container exits: `stop` for any exit, `fail` for a non-zero one */
  onExit?: 'stop' | 'fail';
  exitCodeFrom?: string;
  /** stop timeout (seconds) on Ctrl-C / abort */
  timeout?: number;
}

export interface UpIO {
  tools: ImageTools;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** the printer for attached output (made by the command from --no-color, --no-log-prefix, --timestamps) */
  printer: () => LogPrinter;
  /** a writer for the progress of the stop that Ctrl-C or an abort starts */
  stopProgress: () => ProgressWriter;
  /** installs the Ctrl-C handler; returns its removal (tests pass their own) */
  onSignal?: (handler: () => void) => () => void;
}

function processSignals(handler: () => void): () => void {
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => { process.off('SIGINT', handler); process.off('SIGTERM', handler); };
}

/** Runs `up`; resolves to the exit code (0, or the code --exit-code-from / an abort picked). */
export async function upProject(oc: OpsContext, project: Project, opts: UpOptions, io: UpIO): Promise<number> {
  const services = opts.create.services.length ? opts.create.services : Object.keys(project.services);
  if (opts.detach || opts.noStart) {
    try {
      await createProject(oc, project, opts.create, io.tools);
      if (!opts.noStart) await startProject(oc, project, { wait: opts.wait, waitTimeout: opts.waitTimeout });
    } finally {
      oc.progress.stop();
    }
    return 0;
  }

  try {
    await createProject(oc, project, opts.create, io.tools);
  } finally {
    oc.progress.stop();
  }
  const printer = io.printer();
  const attachTo = new Set(opts.attach ?? services);
  const attached = await attachAll(oc, project, attachTo, printer, io.stdout);
  /** containers whose output is being shown (by their attach or by a logs stream) */
  const live = new Set<string>();
  for (const a of attached) { live.add(a.id); const gone = () => live.delete(a.id); a.done.then(gone, gone); }

  const monitor = new ProjectMonitor(oc.client, project.name, new Set(Object.keys(project.services)));
  let exitCode = 0;
  let terminated = false;
  const background: Promise<unknown>[] = [];
  const stopAll = () => stopProject({ ...oc, progress: io.stopProgress() }, project, { services: opts.create.services, timeout: opts.timeout });

  monitor.on((e) => {
    if (e.type === 'exited') printer.status(e.source, `exited with code ${e.exitCode}`);
    if (e.type === 'recreated') printer.status(e.labels['com.docker.compose.replace'] ?? e.source, 'has been recreated');
  });
  if (opts.onExit) {
    let first = true;
    monitor.on((e) => {
      if (!first || e.type !== 'exited') return;
      if (opts.onExit === 'fail' && e.exitCode === 0) return;
      first = false;
      exitCode = e.exitCode;
      io.stderr.write('Aborting on container exit...\n');
      terminated = true;
      background.push(stopAll());
    });
  }
  if (opts.exitCodeFrom) {
    let first = true;
    monitor.on((e) => {
      if (first && e.type === 'exited' && e.service === opts.exitCodeFrom) { exitCode = e.exitCode; first = false; }
    });
  }
  // a container restarted by its policy or recreated meanwhile: follow its logs from its start, unless
  // the attach made before the start still carries its output (else every line would show twice)
  monitor.on((e) => {
    if (e.type !== 'started' || !attachTo.has(e.service) || live.has(e.id)) return;
    if (!e.restarting && !e.labels['com.docker.compose.replace']) return;
    live.add(e.id);
    background.push(oc.client.json<{ State?: { StartedAt?: string } }>('GET', `/containers/${e.id}/json`)
      .then((info) => containerLogs(oc.client, { Id: e.id, Names: [`/${e.labels.name ?? e.source}`], Labels: e.labels }, printer, { follow: true, since: info.State?.StartedAt }, undefined, e.source))
      .catch(() => { /* gone meanwhile */ })
      .finally(() => live.delete(e.id)));
  });

  let signals = 0;
  const removeSignal = (io.onSignal ?? processSignals)(() => {
    signals++;
    if (signals === 1) {
      terminated = true;
      io.stdout.write('Gracefully Stopping... press Ctrl+C again to force\n');
      background.push(stopAll().catch((e) => io.stderr.write(`${(e as Error).message}\n`)));
      return;
    }
    if (signals === 2) {
      background.push(killProject({ ...oc, progress: io.stopProgress() }, project, { services: opts.create.services }, io.stderr).catch(() => { /* already gone */ }));
    }
  });

  const monitorDone = monitor.run('all');
  try {
    await monitor.ready;
    try {
      await startProject({ ...oc, progress: silent }, project, {});
    } catch (e) {
      if (!terminated) throw e;
    }
    await monitorDone;
    await Promise.allSettled(background);
    // streams end with their containers; do not wait forever for one that lingers
    await Promise.race([Promise.allSettled(attached.map((a) => a.done)), new Promise((r) => setTimeout(r, 2000).unref())]);
  } finally {
    removeSignal();
    monitor.stop();
    for (const a of attached) a.close();
  }
  return exitCode;
}

const silent: ProgressWriter = { event() {}, tail() {}, stop() {} };

/** compose's attach: `Attaching to a, b` and a connection per container, before anything starts. */
async function attachAll(oc: OpsContext, project: Project, services: Set<string>, printer: LogPrinter, stdout: NodeJS.WritableStream) {
  const containers = (await projectContainers(oc.client, project.name, { oneoff: false }))
    .filter((c: ContainerSummary) => services.has(c.Labels?.['com.docker.compose.service'] ?? ''))
    .sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
  if (!containers.length) return [];
  const names = containers.map(shortName);
  stdout.write(`Attaching to ${names.join(', ')}\n`);
  printer.register(...names);
  return Promise.all(containers.map(async (c) => ({ id: c.Id!, ...await attachContainer(oc.client, c, printer) })));
}


/**
 * watch's `rebuild` (after the new image is built): the services' containers recreated from it and
 * started, their dependencies left as they are (compose's create --force-recreate --no-deps, then start).
 */
export async function recreateServices(oc: OpsContext, project: Project, services: string[], tools: ImageTools): Promise<void> {
  const selected = withSelectedServices(project, services, { dependencies: 'ignore' });
  await createProject(oc, selected, { services, recreate: 'force', recreateDependencies: 'never', ignoreOrphans: true, pull: 'never', noBuild: true }, tools);
  await startProject(oc, selected, {});
}

/**
 * `compose run`'s dependencies (compose v2's startDependencies): what the service depends on,
 * converged and started with their conditions met; the service itself is left to `run`.
 */
export async function startDependencies(oc: OpsContext, project: Project, service: string, tools: ImageTools, opts: { removeOrphans?: boolean; quietPull?: boolean } = {}): Promise<void> {
  const graph = buildGraph(project);
  const deps = [...withDependencies(graph, [service])].filter((s) => s !== service);
  if (deps.length === 0) return;
  const selected = withSelectedServices(project, deps);
  await createProject(oc, selected, { services: deps, recreate: 'diverged', recreateDependencies: 'diverged', ignoreOrphans: !opts.removeOrphans, removeOrphans: opts.removeOrphans, quietPull: opts.quietPull }, tools);
  await startProject(oc, selected, {});
  // the service's own conditions (healthy, completed) before `run` goes on
  const containers = await projectContainers(oc.client, project.name, { oneoff: false });
  await waitDependencies(oc, selected, service, Object.fromEntries(graph.dependencies.get(service) ?? []), containers);
}
