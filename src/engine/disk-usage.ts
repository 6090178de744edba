/**
 * GET /system/df: Docker's disk usage report. Sizes are what the prunes free:
 * an image's unique size is its layers that no other image shares (what
 * `image prune -a` reclaims once no container uses it), a container's SizeRw
 * its upper directory (what `container prune` reclaims once it stopped), a
 * volume's size what `volume prune --all` frees once no container mounts it,
 * and a build cache entry's size its layer, unless an image holds that layer
 * too (then the entry is Shared and pruning it frees nothing).
 *
 * Two shapes, as Docker: the legacy lists (LayersSize, Images, Containers,
 * Volumes, BuildCache; API < 1.52) and the per-type summaries with optional
 * Items (ImageUsage, ContainerUsage, VolumeUsage, BuildCacheUsage; API >= 1.52).
 */
import type { Engine } from './engine.js';
import { buildSummaries } from '../image/image-views.js';
import { dirSize } from '../container/views.js';

/** What the build cache tells about one entry (the builder sits above this module, so it is passed in). */
export interface CacheEntryUsage {
  key: string;
  layer: { chainId: string; diffSize: number };
  description: string;
  created: number;
  lastUsed: number;
  usageCount: number;
}

export type DiskUsageType = 'image' | 'container' | 'volume' | 'build-cache';

/** One image, container, volume or cache entry of the report, in Docker's JSON (ImageSummary, …). */
export type DiskUsageItem = Record<string, unknown>;

export interface TypeUsage { ActiveCount: number; TotalCount: number; Reclaimable: number; TotalSize: number; Items?: DiskUsageItem[] }

export interface DiskUsage {
  LayersSize?: number;
  Images?: DiskUsageItem[];
  Containers?: DiskUsageItem[];
  Volumes?: DiskUsageItem[];
  BuildCache?: DiskUsageItem[];
  usage: Partial<Record<DiskUsageType, TypeUsage>>;
}

const rfc3339 = (ms: number) => new Date(ms).toISOString();

export async function systemDiskUsage(engine: Engine, types: string[] = [], cache: () => CacheEntryUsage[] = () => []): Promise<DiskUsage> {
  const want = (t: DiskUsageType) => types.length === 0 || types.includes(t);
  const out: DiskUsage = { usage: {} };
  const images = engine.images.list();
  const imageChains = new Set(images.flatMap((img) => img.layers.map((l) => l.chainId)));
  if (want('image')) {
    const layerUsers = new Map<string, number>();
    for (const img of images) for (const l of new Set(img.layers.map((x) => x.chainId))) layerUsers.set(l, (layerUsers.get(l) ?? 0) + 1);
    const layerSize = new Map<string, number>();
    for (const img of images) for (const l of img.layers) if (!layerSize.has(l.chainId)) layerSize.set(l.chainId, l.diffSize);
    const counts = new Map<string, number>();
    for (const rec of engine.containers.records()) counts.set(rec.imageId, (counts.get(rec.imageId) ?? 0) + 1);
    const summaries = buildSummaries(engine.images, { all: true }, images);
    out.LayersSize = [...layerSize.values()].reduce((a, b) => a + b, 0);
    const byId = new Map(images.map((img) => [img.id, img])); // the records read above, not one query per image
    const imageRows = summaries.map((s) => {
      const img = byId.get(s.Id);
      const shared = (img?.layers ?? []).filter((l) => (layerUsers.get(l.chainId) ?? 0) > 1).reduce((a, l) => a + l.diffSize, 0);
      return { ...s, Containers: counts.get(s.Id) ?? 0, SharedSize: shared, VirtualSize: s.Size };
    });
    // what `image prune -a` frees: every layer except those of images that containers use
    const held = new Set<string>();
    for (const img of images) if ((counts.get(img.id) ?? 0) > 0) for (const l of img.layers) held.add(l.chainId);
    const reclaimable = [...layerSize].filter(([chain]) => !held.has(chain)).reduce((a, [, size]) => a + size, 0);
    out.Images = imageRows;
    out.usage.image = { ActiveCount: imageRows.filter((i) => i.Containers > 0).length, TotalCount: imageRows.length, Reclaimable: reclaimable, TotalSize: out.LayersSize, Items: imageRows };
  }
  if (want('container')) {
    const records = new Map(engine.containers.records().map((r) => [r.id, r]));
    const imageSize = new Map(images.map((img) => [img.id, img.size])); // not one image query per container
    const rows = [];
    for (const row of engine.containers.list({ all: true })) {
      const rec = records.get(row.Id);
      const sizeRw = await dirSize(engine.snapshots.upperDir(row.Id)).catch(() => 0);
      rows.push({ ...row, SizeRw: sizeRw, SizeRootFs: sizeRw + (rec ? imageSize.get(rec.imageId) ?? 0 : 0) });
    }
    out.Containers = rows;
    const active = (state: string) => state === 'running' || state === 'paused' || state === 'restarting';
    out.usage.container = {
      ActiveCount: rows.filter((r) => r.State === 'running').length, TotalCount: rows.length,
      Reclaimable: rows.filter((r) => !active(r.State)).reduce((a, r) => a + r.SizeRw, 0),
      TotalSize: rows.reduce((a, r) => a + r.SizeRw, 0), Items: rows,
    };
  }
  if (want('volume')) {
    const vols = [];
    for (const { volume, refCount } of engine.volumes.withRefCounts()) {
      vols.push({ ...volume, UsageData: { Size: await dirSize(volume.Mountpoint).catch(() => -1), RefCount: refCount } });
    }
    out.Volumes = vols;
    const size = (v: { UsageData: { Size: number } }) => Math.max(0, v.UsageData.Size);
    out.usage.volume = {
      ActiveCount: vols.filter((v) => v.UsageData.RefCount > 0).length, TotalCount: vols.length,
      Reclaimable: vols.filter((v) => v.UsageData.RefCount === 0).reduce((a, v) => a + size(v), 0),
      TotalSize: vols.reduce((a, v) => a + size(v), 0), Items: vols,
    };
  }
  if (want('build-cache')) {
    // a layer two entries share is counted once (prune frees it once)
    const counted = new Set<string>();
    const cacheRows = cache().map((e) => {
      const first = !counted.has(e.layer.chainId);
      counted.add(e.layer.chainId);
      return {
        ID: e.key.replace(/^sha256:/, ''), Parents: null, Type: 'regular', Description: e.description, InUse: false,
        Shared: imageChains.has(e.layer.chainId), Size: first ? e.layer.diffSize : 0,
        CreatedAt: rfc3339(e.created), LastUsedAt: rfc3339(e.lastUsed), UsageCount: e.usageCount,
      };
    });
    out.BuildCache = cacheRows;
    out.usage['build-cache'] = {
      ActiveCount: 0, TotalCount: cacheRows.length,
      Reclaimable: cacheRows.filter((c) => !c.Shared && !c.InUse).reduce((a, c) => a + c.Size, 0),
      TotalSize: cacheRows.filter((c) => !c.Shared).reduce((a, c) => a + c.Size, 0), Items: cacheRows,
    };
  }
  return out;
}

/**
 * The response for a negotiated API version: the legacy lists before 1.52, both in 1.52 (the legacy
 * ones only without verbose), the summaries from 1.53 on, with Items when verbose.
 */
export function shapeDiskUsage(du: DiskUsage, version: string, verbose: boolean, compare: (a: string, b: string) => number): Record<string, unknown> {
  const legacy = { LayersSize: du.LayersSize, Images: du.Images, Containers: du.Containers, Volumes: du.Volumes, BuildCache: du.BuildCache };
  for (const k of Object.keys(legacy) as Array<keyof typeof legacy>) if (legacy[k] === undefined) delete legacy[k];
  if (compare(version, '1.52') < 0) return legacy;
  const summary = (u?: TypeUsage) => {
    if (!u) return undefined;
    const { Items, ...rest } = u;
    return verbose ? { ...rest, Items } : rest;
  };
  const current: Record<string, unknown> = {
    ImageUsage: summary(du.usage.image), ContainerUsage: summary(du.usage.container),
    VolumeUsage: summary(du.usage.volume), BuildCacheUsage: summary(du.usage['build-cache']),
  };
  for (const k of Object.keys(current)) if (current[k] === undefined) delete current[k];
  return compare(version, '1.53') < 0 && !verbose ? { ...legacy, ...current } : current;
}
