/** docker image prune: dangling images by default, every unused image with dangling=false. */
import { isBerthError } from '../common/errors.js';
import { log } from '../common/log.js';
import { boolFilter, checkFilterKeys, matchLabels, matchNotLabels, parseTimestamp, type Filters } from './filters.js';
import type { DeleteItem, ImageStore, InUseBy } from './image-store.js';

export interface PruneOptions {
  filters?: Filters;
  /** true when any container (running or not) uses the image */
  inUse: (imageId: string) => boolean;
  /** optional finer callback for the delete conflict checks (defaults to inUse) */
  inUseBy?: InUseBy;
}
export interface PruneReport { ImagesDeleted: DeleteItem[]; SpaceReclaimed: number }

export async function pruneImages(store: ImageStore, opts: PruneOptions): Promise<PruneReport> {
  const f = opts.filters ?? {};
  checkFilterKeys(f, ['dangling', 'until', 'label', 'label!']);
  const danglingOnly = boolFilter(f, 'dangling') !== false;
  const untilT = f.until?.length ? parseTimestamp(f.until[f.until.length - 1]) : undefined;
  const inUseBy: InUseBy = opts.inUseBy ?? ((id) => (opts.inUse(id) ? { id: '', running: false } : undefined));

  const candidates = store.list().filter((img) => {
    if (danglingOnly && store.children(img.id).length > 0) return false; // heads only
    if (opts.inUse(img.id)) return false;
    if (untilT !== undefined && !(Date.parse(img.created) < untilT)) return false;
    const labels = img.config?.config?.Labels;
    return matchLabels(f.label, labels) && matchNotLabels(f['label!'], labels);
  });

  const report: PruneReport = { ImagesDeleted: [], SpaceReclaimed: 0 };
  for (const img of candidates) {
    if (!store.get(img.id)) continue; // already gone as a pruned parent
    const hasTag = img.repoTags.length > 0;
    const hasRefs = hasTag || img.repoDigests.length > 0;
    const targets = !hasRefs ? [img.id.slice(7)] : (!danglingOnly || !hasTag ? [...img.repoTags, ...img.repoDigests] : []);
    for (const t of targets) {
      try {
        const items = await store.remove(t, { force: false, noPrune: false, inUseBy, onLayerRemoved: (l) => { report.SpaceReclaimed += l.size; } });
        report.ImagesDeleted.push(...items);
      } catch (e) {
        // conflicts and already-removed images are skipped, as Docker does
        if (!isBerthError(e) || (e.status !== 409 && e.status !== 404)) throw e;
        log.debug('image prune skipped', { ref: t, reason: (e as Error).message });
      }
    }
  }
  // dockerd's prune event: no Actor ID, the bytes reclaimed
  store.events.emitEvent('image', 'prune', '', { reclaimed: String(report.SpaceReclaimed) });
  return report;
}
