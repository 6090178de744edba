/**
 * `down` (compose v2's down.go): the containers, dependants first (of the named services and everything
 * that depends on them, or all), orphans with --remove-orphans, then the project's networks, the images
 * with --rmi, the named non-external volumes with -v. Nothing found at all: compose's warning.
 */
import type { Project } from '../model.js';
import { buildGraph, inReverseDependencyOrder, withDependents } from './graph.js';
import { forEachLimited, type OpsContext } from './ops-context.js';
import { orphansOf } from './converge.js';
import { removeNetworks, removeVolumes, removeWithProgress } from './resources.js';
import { serviceImage } from './images.js';
import { projectContainers, serviceOf } from './state.js';
import { stopAndRemoveContainer } from './containers.js';

export interface DownOptions {
  services?: string[];
  removeOrphans?: boolean;
  volumes?: boolean;
  /** --rmi local|all */
  rmi?: 'local' | 'all';
  timeout?: number;
}

export async function downProject(oc: OpsContext, project: Project, opts: DownOptions): Promise<void> {
  const containers = await projectContainers(oc.client, project.name, { oneoff: opts.removeOrphans ? undefined : false });
  const graph = buildGraph(project);
  const selected = (opts.services ?? []).filter((s) => s in project.services);
  if (opts.services?.length && !selected.length) return;
  const wanted = selected.length ? withDependents(graph, selected) : undefined;

  await inReverseDependencyOrder(graph, (name) => forEachLimited(
    containers.filter((c) => serviceOf(c) === name && c.Labels?.['com.docker.compose.oneoff'] !== 'True'),
    undefined,
    (c) => stopAndRemoveContainer(oc, c, opts.timeout, opts.volumes),
  ), { parallel: oc.parallel, only: wanted });

  const orphans = orphansOf(project, containers);
  if (opts.removeOrphans && orphans.length) await forEachLimited(orphans, oc.parallel, (c) => stopAndRemoveContainer(oc, c, opts.timeout));

  const rc = { client: oc.client, progress: oc.progress, warn: oc.warn };
  let found = containers.length;
  found += await removeNetworks(rc, project);
  if (opts.rmi) found += await removeImages(oc, project, opts.rmi);
  if (opts.volumes) found += await removeVolumes(rc, project);
  if (found === 0) oc.warn(`Warning: No resource found to remove for project "${project.name}".`);
}

/** --rmi: `local` removes the images compose built (services without `image:`), `all` every service's image. */
async function removeImages(oc: OpsContext, project: Project, mode: 'local' | 'all'): Promise<number> {
  const images = new Set<string>();
  for (const s of [...Object.values(project.services), ...Object.values(project.disabledServices ?? {})]) {
    if (mode === 'local' && s.image) continue;
    images.add(serviceImage(project, s));
  }
  let removed = 0;
  await Promise.all([...images].map(async (img) => {
    if (await removeWithProgress(oc.progress, `Image ${img}`, () => oc.client.call('DELETE', `/images/${encodeURIComponent(img)}`))) removed++;
  }));
  return removed;
}
