import { InvalidArgumentError } from '../common/errors.js';
import { tryGoDurationNs } from '../common/go-duration.js';
import { parseTime } from '../common/human-time.js';
import { log } from '../common/log.js';
import type { ContainerContext } from './context.js';
import { DEFAULT_NAMESPACE, namespaceOf } from './namespaces.js';
import { remove } from './removal.js';
import { dirSize } from './views.js';

/** `docker container prune`: removes the stopped containers the filters (until, label, label!) select. */
export async function prune(ctx: ContainerContext, filters: Record<string, string[]> = {}): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
  for (const k of Object.keys(filters)) if (!['until', 'label', 'label!'].includes(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
  const until = filters.until?.length ? Math.min(...filters.until.map(parseUntil)) : Infinity;
  const deleted: string[] = [];
  let reclaimed = 0;
  for (const rec of ctx.store.all()) {
    if (rec.state.Running || rec.state.Paused || rec.state.Restarting) continue;
    if (parseTime(rec.created) >= until) continue;
    const labels = rec.config?.Labels ?? {};
    // another namespace's containers (the CRI's) are its owner's to remove, as in containerd
    if (namespaceOf(labels) !== DEFAULT_NAMESPACE) continue;
    if (filters.label?.length && !filters.label.every((l) => labelMatch(labels, l))) continue;
    if (filters['label!']?.length && filters['label!'].some((l) => labelMatch(labels, l))) continue;
    const size = await dirSize(ctx.deps.snapshots.upperDir(rec.id)).catch(() => 0);
    try {
      await remove(ctx, rec.id, {});
      deleted.push(rec.id);
      reclaimed += size;
    } catch (e) { log.warn('prune: cannot remove container', { container: rec.id.slice(0, 12), error: (e as Error).message }); }
  }
  ctx.deps.events.emitEvent('container', 'prune', '', { reclaimed: String(reclaimed) });
  return { ContainersDeleted: deleted, SpaceReclaimed: reclaimed };
}

function labelMatch(labels: Record<string, string>, f: string): boolean {
  const i = f.indexOf('=');
  return i < 0 ? Object.prototype.hasOwnProperty.call(labels, f) : labels[f.slice(0, i)] === f.slice(i + 1);
}

/** `until` of prune filters: unix timestamp, RFC 3339 or a Go duration ago (10m, 1h30m, 1.5h). */
function parseUntil(v: string): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const ns = tryGoDurationNs(v);
  if (ns !== undefined) return Date.now() - ns / 1e6;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgumentError(`invalid filter 'until=${v}'`);
  return t;
}
