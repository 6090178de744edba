import { InvalidArgumentError } from '../common/errors.js';
import type { ContainerRecord, ContainerStatus } from '../record/container-store.js';
import { DEFAULT_NAMESPACE, namespaceOf } from './namespaces.js';

const STATUSES: ContainerStatus[] = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];
const KNOWN = new Set(['id', 'name', 'label', 'status', 'ancestor', 'exited', 'before', 'since', 'health', 'network', 'is-task', 'volume', 'publish', 'expose', 'namespace']);

export interface FilterContext {
  /** ids of the image and of every image built on it, for `ancestor` */
  ancestorImageIds: (imageRef: string) => Set<string>;
  /** creation order of a container given by id or name, for before/since */
  resolveContainer: (idOrName: string) => ContainerRecord;
  order: (id: string) => number;
}

function labelMatches(labels: Record<string, string>, f: string): boolean {
  const i = f.indexOf('=');
  if (i < 0) return Object.prototype.hasOwnProperty.call(labels, f);
  const k = f.slice(0, i); const v = f.slice(i + 1);
  return labels[k] === v;
}

/** Validate Docker's `ps` filters; returns whether stopped containers are implied (status/exited filters). */
export function checkFilters(filters: Record<string, string[]>): { impliesAll: boolean } {
  for (const [k, vals] of Object.entries(filters)) {
    if (!KNOWN.has(k)) throw new InvalidArgumentError(`invalid filter '${k}'`, 'ERR_INVALID_FILTER');
    if (k === 'status') for (const v of vals) if (!STATUSES.includes(v as ContainerStatus)) {
      throw new InvalidArgumentError(`invalid filter 'status=${v}'`, 'ERR_INVALID_FILTER');
    }
    if (k === 'exited') for (const v of vals) if (!/^-?\d+$/.test(v)) {
      throw new InvalidArgumentError(`invalid filter 'exited=${v}'`, 'ERR_INVALID_FILTER');
    }
    if (k === 'health') for (const v of vals) if (!['starting', 'healthy', 'unhealthy', 'none'].includes(v)) {
      throw new InvalidArgumentError(`Unrecognised filter value for health: ${v}`, 'ERR_INVALID_FILTER');
    }
  }
  return { impliesAll: !!(filters.status?.length || filters.exited?.length) };
}

/** One container against all filters: values of one key are OR'ed, keys are AND'ed (label: AND). */
export function makeFilter(filters: Record<string, string[]>, ctx: FilterContext): (rec: ContainerRecord) => boolean {
  const f = filters;
  const ancestors = f.ancestor?.length ? f.ancestor.map((a) => ctx.ancestorImageIds(a)) : null;
  const beforeSeq = f.before?.length ? Math.min(...f.before.map((b) => ctx.order(ctx.resolveContainer(b).id))) : null;
  const sinceSeq = f.since?.length ? Math.max(...f.since.map((s) => ctx.order(ctx.resolveContainer(s).id))) : null;
  const nameRes = f.name?.map((n) => { try { return new RegExp(n); } catch { throw new InvalidArgumentError(`invalid filter 'name=${n}'`); } });
  // containerd's way: another namespace's containers (the CRI's k8s.io) only when asked; `*` is every namespace
  const namespaces = f.namespace?.length ? f.namespace : [DEFAULT_NAMESPACE];
  return (rec) => {
    if (!namespaces.includes('*') && !namespaces.includes(namespaceOf(rec.config?.Labels))) return false;
    if (f.id?.length && !f.id.some((p) => rec.id.startsWith(p))) return false;
    if (nameRes?.length && !nameRes.some((re) => re.test('/' + rec.name) || re.test(rec.name))) return false;
    if (f.label?.length && !f.label.every((l) => labelMatches(rec.config?.Labels ?? {}, l))) return false;
    if (f.status?.length && !f.status.includes(rec.state.Status)) return false;
    if (f.exited?.length) {
      if (rec.state.Status !== 'exited' ) return false;
      if (!f.exited.some((e) => Number(e) === rec.state.ExitCode)) return false;
    }
    if (ancestors && !ancestors.some((set) => set.has(rec.imageId))) return false;
    if (beforeSeq !== null && !(ctx.order(rec.id) < beforeSeq)) return false;
    if (sinceSeq !== null && !(ctx.order(rec.id) > sinceSeq)) return false;
    if (f.health?.length && !f.health.includes(rec.state.Health?.Status ?? 'none')) return false;
    if (f.network?.length && !f.network.includes(rec.hostConfig?.NetworkMode ?? 'none')) return false;
    if (f['is-task']?.length && !f['is-task'].includes('false')) return false;
    if (f.volume?.length || f.publish?.length) return false;     // no volumes or published ports yet
    if (f.expose?.length && !f.expose.some((p) => Object.keys(rec.config?.ExposedPorts ?? {}).some((e) => e === p || e === `${p}/tcp`))) return false;
    return true;
  };
}
