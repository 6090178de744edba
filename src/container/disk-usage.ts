/**
 * GET /system/df: Docker's disk usage report. Sizes are what the prunes free:
 * an image's unique size is its layers that no other image shares (what
 * `image prune -a` reclaims once no container uses it), a container's SizeRw
 * its upper directory (what `container prune` reclaims once it stopped).
 */
import type { Engine } from '../engine/engine.js';
import { buildSummaries } from '../image/image-views.js';
import { dirSize } from './views.js';

export async function systemDiskUsage(engine: Engine, types: string[] = []): Promise<any> {
  const want = (t: string) => types.length === 0 || types.includes(t);
  const out: any = {};
  if (want('image')) {
    const images = engine.images.list();
    const layerUsers = new Map<string, number>();
    for (const img of images) for (const l of new Set(img.layers.map((x) => x.chainId))) layerUsers.set(l, (layerUsers.get(l) ?? 0) + 1);
    const layerSize = new Map<string, number>();
    for (const img of images) for (const l of img.layers) if (!layerSize.has(l.chainId)) layerSize.set(l.chainId, l.diffSize);
    const counts = new Map<string, number>();
    for (const rec of engine.containers.records()) counts.set(rec.imageId, (counts.get(rec.imageId) ?? 0) + 1);
    const summaries = buildSummaries(engine.images, { all: true });
    out.LayersSize = [...layerSize.values()].reduce((a, b) => a + b, 0);
    out.Images = summaries.map((s) => {
      const img = engine.images.get(s.Id);
      const shared = (img?.layers ?? []).filter((l) => (layerUsers.get(l.chainId) ?? 0) > 1).reduce((a, l) => a + l.diffSize, 0);
      return { ...s, Containers: counts.get(s.Id) ?? 0, SharedSize: shared, VirtualSize: s.Size };
    });
  }
  if (want('container')) {
    const rows = engine.containers.list({ all: true });
    for (const row of rows) {
      const rec = engine.containers.records().find((r) => r.id === row.Id);
      const sizeRw = await dirSize(engine.snapshots.upperDir(row.Id)).catch(() => 0);
      row.SizeRw = sizeRw;
      row.SizeRootFs = sizeRw + (rec ? engine.images.get(rec.imageId)?.size ?? 0 : 0);
    }
    out.Containers = rows;
  }
  if (want('volume')) out.Volumes = [];
  if (want('build-cache')) out.BuildCache = [];
  return out;
}
