/** `docker inspect` and `docker ps`: the records with what the snapshots, networks and volumes know of them. */
import { join } from 'node:path';
import type { ContainerRecord } from '../record/container-store.js';
import { etcFilePaths } from '../record/etc-files.js';
import type { ContainerContext } from './context.js';
import { checkFilters, makeFilter } from './list-filters.js';
import { logFileFormat, logsToFile } from './log-config.js';
import { dirSizeSync, inspectView, summaryView, type ContainerInspectView, type ContainerSummaryView } from './views.js';

export interface ListOptions { all?: boolean; limit?: number; size?: boolean; filters?: Record<string, string[]> }

export function inspect(ctx: ContainerContext, idOrName: string, opts: { size?: boolean } = {}): ContainerInspectView {
  const rec = ctx.resolve(idOrName);
  const sizes = opts.size ? sizesSync(ctx, rec) : undefined;
  const etc = etcFilePaths(ctx.containerDir(rec.id));
  const s = ctx.deps.snapshots;
  let lower = '';
  try { lower = s.lowerDirs(rec.id).join(':'); } catch { /* snapshot gone */ }
  const view = inspectView(rec, {
    logPath: logsToFile(rec.hostConfig) && logFileFormat(rec.hostConfig) === 'json' ? ctx.jsonLogFiles(rec.id).jsonPath : '', hostnamePath: etc.hostname, hostsPath: etc.hosts, resolvConfPath: etc.resolvConf,
    graphDriverData: { LowerDir: lower, MergedDir: s.mountpoint(rec.id), UpperDir: s.upperDir(rec.id), WorkDir: join(s.upperDir(rec.id), '..', 'work') },
    execIds: ctx.execs.ofContainer(rec.id).map((e) => e.id),
    sizeRw: sizes?.sizeRw, sizeRootFs: sizes?.sizeRootFs,
  });
  if (ctx.deps.networks) view.NetworkSettings = ctx.deps.networks.containerSettings(rec);
  if (ctx.deps.volumes) view.Mounts = ctx.deps.volumes.mountPoints(rec.id);
  return view;
}

function sizesSync(ctx: ContainerContext, rec: ContainerRecord): { sizeRw: number; sizeRootFs: number } {
  const sizeRw = dirSizeSync(ctx.deps.snapshots.upperDir(rec.id));
  const image = ctx.deps.images.tryResolve(rec.imageId);
  return { sizeRw, sizeRootFs: sizeRw + (image?.size ?? 0) };
}

export function list(ctx: ContainerContext, opts: ListOptions = {}): ContainerSummaryView[] {
  const filters = opts.filters ?? {};
  const { impliesAll } = checkFilters(filters);
  const all = opts.all || impliesAll || (opts.limit !== undefined && opts.limit > 0);
  const match = makeFilter(filters, {
    ancestorImageIds: (ref) => imageAndDescendants(ctx, ref),
    resolveContainer: (x) => ctx.resolve(x),
    order: (id) => ctx.store.seqOf(id),
  });
  let recs = ctx.store.allReadonly().filter((r) => (all || r.state.Running) && match(r));
  if (opts.limit !== undefined && opts.limit > 0) recs = recs.slice(0, opts.limit);
  const { networks, volumes } = ctx.deps;
  // the networks' and volumes' tables read once for the whole list, not a few queries per container
  const netSource = networks?.listViewSource();
  const mountsOf = volumes?.listMountPoints();
  return recs.map((r) => {
    const v = summaryView(r, opts.size ? sizesSync(ctx, r) : undefined);
    if (networks) { v.Ports = networks.summaryPorts(r, netSource); v.NetworkSettings = { Networks: networks.containerSettings(r, netSource).Networks }; }
    if (mountsOf) v.Mounts = mountsOf(r.id);
    return v;
  });
}

function imageAndDescendants(ctx: ContainerContext, ref: string): Set<string> {
  const image = ctx.deps.images.tryResolve(ref);
  if (!image) return new Set();
  const ids = new Set([image.id]);
  const images = ctx.deps.images.list();
  let grew = true;
  while (grew) {
    grew = false;
    for (const i of images) if (!ids.has(i.id) && i.parent && ids.has(i.parent)) { ids.add(i.id); grew = true; }
  }
  return ids;
}
