/**
 * `system df` rendering, as the docker CLI draws it. The daemon answers in one of two shapes
 * (per-type summaries from API 1.52 on, the legacy lists before, e.g. dockerd 20.10); both are
 * read into the summaries, computed from the lists the way the docker CLI computes them.
 */
import { truncateId } from './formatter.js';
import { tabwrite } from './tabwriter.js';
import { humanDuration, humanSize } from './units.js';

export interface TypeUsage { ActiveCount: number; TotalCount: number; Reclaimable: number; TotalSize: number; Items: any[] }
export interface DiskUsageView { images: TypeUsage; containers: TypeUsage; volumes: TypeUsage; buildCache: TypeUsage }

const sum = (xs: any[], f: (x: any) => number) => xs.reduce((a, x) => a + f(x), 0);
const volSize = (v: any) => Math.max(0, v.UsageData?.Size ?? 0);

function fromLegacy(df: any): DiskUsageView {
  const images: any[] = df.Images ?? [];
  const containers: any[] = df.Containers ?? [];
  const volumes: any[] = df.Volumes ?? [];
  const cache: any[] = df.BuildCache ?? [];
  const layers = df.LayersSize ?? 0;
  const used = sum(images.filter((i) => i.Containers > 0 && i.SharedSize >= 0), (i) => i.Size - i.SharedSize);
  const active = (s: string) => s === 'running' || s === 'paused' || s === 'restarting';
  const cacheSize = sum(cache.filter((c) => !c.Shared), (c) => c.Size ?? 0);
  return {
    images: { ActiveCount: images.filter((i) => i.Containers > 0).length, TotalCount: images.length, TotalSize: layers, Reclaimable: Math.max(0, layers - used), Items: images },
    containers: { ActiveCount: containers.filter((c) => c.State === 'running').length, TotalCount: containers.length,
      TotalSize: sum(containers, (c) => c.SizeRw ?? 0), Reclaimable: sum(containers.filter((c) => !active(c.State)), (c) => c.SizeRw ?? 0), Items: containers },
    volumes: { ActiveCount: volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length, TotalCount: volumes.length,
      TotalSize: sum(volumes, volSize), Reclaimable: sum(volumes.filter((v) => (v.UsageData?.RefCount ?? 0) === 0), volSize), Items: volumes },
    buildCache: { ActiveCount: cache.filter((c) => c.InUse).length, TotalCount: cache.length, TotalSize: cacheSize,
      Reclaimable: cacheSize - sum(cache.filter((c) => c.InUse && !c.Shared), (c) => c.Size ?? 0), Items: cache },
  };
}

const EMPTY: TypeUsage = { ActiveCount: 0, TotalCount: 0, Reclaimable: 0, TotalSize: 0, Items: [] };

/** Either response shape, as summaries (with Items where the daemon sent them). */
export function readDiskUsage(df: any): DiskUsageView {
  if (!('ImageUsage' in df || 'ContainerUsage' in df || 'VolumeUsage' in df || 'BuildCacheUsage' in df)) return fromLegacy(df);
  const read = (u: any): TypeUsage => (u ? { ...EMPTY, ...u, Items: u.Items ?? [] } : { ...EMPTY });
  return { images: read(df.ImageUsage), containers: read(df.ContainerUsage), volumes: read(df.VolumeUsage), buildCache: read(df.BuildCacheUsage) };
}

function percentOf(part: number, total: number): string {
  return total > 0 ? ` (${Math.trunc((part * 100) / total)}%)` : '';
}

export interface DfRow { Type: string; TotalCount: string; Active: string; Size: string; Reclaimable: string }

export function dfRows(u: DiskUsageView): DfRow[] {
  const row = (type: string, t: TypeUsage, percent = true): DfRow => ({
    Type: type, TotalCount: String(t.TotalCount), Active: String(t.ActiveCount), Size: humanSize(t.TotalSize),
    Reclaimable: humanSize(t.Reclaimable) + (percent ? percentOf(t.Reclaimable, t.TotalSize) : ''),
  });
  // the docker CLI gives no percentage for the build cache
  return [row('Images', u.images), row('Containers', u.containers), row('Local Volumes', u.volumes), row('Build Cache', u.buildCache, false)];
}

export function dfSummary(u: DiskUsageView): string {
  const lines = ['TYPE\tTOTAL\tACTIVE\tSIZE\tRECLAIMABLE', ...dfRows(u).map((r) => `${r.Type}\t${r.TotalCount}\t${r.Active}\t${r.Size}\t${r.Reclaimable}`)];
  return tabwrite(lines.join('\n') + '\n', { minWidth: 0, padding: 3 });
}

const table = (rows: string[]) => tabwrite(rows.join('\n') + '\n', { minWidth: 0, padding: 3 });
const agoSeconds = (unixSeconds: number) => `${humanDuration(Date.now() - unixSeconds * 1000)} ago`;
const agoIso = (iso: string | undefined) => (iso ? `${humanDuration(Date.now() - Date.parse(iso))} ago` : '');

export function dfVerbose(u: DiskUsageView): string {
  let out = 'Images space usage:\n\n';
  const irows = ['REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\tSHARED SIZE\tUNIQUE SIZE\tCONTAINERS'];
  for (const i of u.images.Items) {
    const tags: string[] = i.RepoTags?.length ? i.RepoTags : ['<none>:<none>'];
    for (const t of tags) {
      const c = t.lastIndexOf(':');
      irows.push(`${t.slice(0, c)}\t${t.slice(c + 1)}\t${truncateId(i.Id)}\t${agoSeconds(i.Created)}\t${humanSize(i.Size)}\t${humanSize(i.SharedSize)}\t${humanSize(i.Size - i.SharedSize)}\t${i.Containers}`);
    }
  }
  out += table(irows);
  out += '\nContainers space usage:\n\n';
  const crows = ['CONTAINER ID\tIMAGE\tCOMMAND\tLOCAL VOLUMES\tSIZE\tCREATED\tSTATUS\tNAMES'];
  for (const c of u.containers.Items) {
    const cmd = String(c.Command ?? '');
    const vols = (c.Mounts ?? []).filter((m: any) => m.Type === 'volume').length;
    crows.push(`${truncateId(c.Id)}\t${c.Image}\t"${cmd.length > 19 ? cmd.slice(0, 19) + '…' : cmd}"\t${vols}\t${humanSize(c.SizeRw ?? 0)}\t${agoSeconds(c.Created)}\t${c.Status}\t${(c.Names?.[0] ?? '').replace(/^\//, '')}`);
  }
  out += table(crows);
  out += '\nLocal Volumes space usage:\n\n';
  const vrows = ['VOLUME NAME\tLINKS\tSIZE'];
  for (const v of u.volumes.Items) vrows.push(`${v.Name}\t${v.UsageData?.RefCount ?? 0}\t${humanSize(volSize(v))}`);
  out += table(vrows);
  out += `\nBuild cache usage: ${humanSize(u.buildCache.TotalSize)}\n\n`;
  const brows = ['CACHE ID\tCACHE TYPE\tSIZE\tCREATED\tLAST USED\tUSAGE\tSHARED'];
  for (const b of u.buildCache.Items) brows.push(`${String(b.ID).slice(0, 12)}\t${b.Type}\t${humanSize(b.Size ?? 0)}\t${agoIso(b.CreatedAt)}\t${agoIso(b.LastUsedAt)}\t${b.UsageCount ?? 0}\t${b.Shared ? 'true' : 'false'}`);
  out += table(brows);
  return out;
}
