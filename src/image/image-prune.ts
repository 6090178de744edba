/** docker image prune: dangling images by default, every unused image with dangling=false. */
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
  // each candidate's names, as Docker removes them one after another (a pruned parent is already gone: 404, skipped)
  const targets = candidates.flatMap((img) => {
    const hasTag = img.repoTags.length > 0;
    const hasRefs = hasTag || img.repoDigests.length > 0;
    return !hasRefs ? [img.id.slice(7)] : (!danglingOnly || !hasTag ? [...img.repoTags, ...img.repoDigests] : []);
  });
  // conflicts and already-removed images are skipped, as Docker does
  report.ImagesDeleted = await store.removeEach(targets,
    { force: false, noPrune: false, inUseBy, onLayerRemoved: (l) => { report.SpaceReclaimed += l.size; } },
    (ref, e) => log.debug('image prune skipped', { ref, reason: e.message }));
  // dockerd's prune event: no Actor ID, the bytes reclaimed
  store.events.emitEvent('image', 'prune', '', { reclaimed: String(report.SpaceReclaimed) });
  return report;
}
