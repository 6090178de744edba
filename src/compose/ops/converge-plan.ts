/**
 * What convergence does to one service (compose v2's convergence.ensureService), decided from the
 * containers the engine holds and the wanted replica count, without touching the engine:
 * - containers whose config-hash label differs from the service's hash (or that miss a network or a
 *   named volume of the service) are obsolete: recreated, unless --no-recreate; --force-recreate
 *   recreates all;
 * - with more containers than wanted, obsolete ones go first, then the highest numbers;
 * - missing replicas are created with the numbers after the highest one in use;
 * - the others are kept: a running one is reported `Running`, a stopped one is started later by the
 *   start phase, a paused/dead one is started again at once (`Restart`).
 */
import type { ContainerSummary } from '../../common/engine-api/types.js';
import { LABELS, type ServiceConfig } from '../model.js';
import { numberOf } from './state.js';

export type RecreatePolicy = 'diverged' | 'force' | 'never';

export type ConvergeStep =
  | { kind: 'create'; number: number }
  | { kind: 'recreate'; container: ContainerSummary; number: number }
  | { kind: 'keep'; container: ContainerSummary; state: 'running' | 'stopped' | 'restart' }
  | { kind: 'remove'; container: ContainerSummary };

export interface ServiceExpectation {
  /** the wanted number of containers */
  replicas: number;
  /** the service's config hash (convert's serviceConfigHash of the resolved service) */
  hash: string;
  policy: RecreatePolicy;
  /** network key → engine id, to find running containers missing one of the service's networks */
  networkIds?: Record<string, string>;
  /** volume key → engine name, to find containers missing one of the service's named volumes */
  volumeNames?: Record<string, string>;
}

export function mustRecreate(service: ServiceConfig, c: ContainerSummary, exp: ServiceExpectation): boolean {
  if (exp.policy === 'never') return false;
  if (exp.policy === 'force') return true;
  if ((c.Labels?.[LABELS.configHash] ?? '') !== exp.hash) return true;
  if (exp.networkIds && c.State === 'running') {
    const attached = new Set(Object.values(c.NetworkSettings?.Networks ?? {}).map((n) => n?.NetworkID));
    for (const key of Object.keys(service.networks ?? {})) {
      const id = exp.networkIds[key];
      if (id && !attached.has(id)) return true;
    }
  }
  if (exp.volumeNames) {
    const mounted = new Set((c.Mounts ?? []).filter((m) => m.Type === 'volume').map((m) => m.Name));
    for (const v of service.volumes ?? []) {
      if (v.type !== 'volume' || !v.source) continue;
      const name = exp.volumeNames[v.source];
      if (name && !mounted.has(name)) return true;
    }
  }
  return false;
}

/** The steps for one service, in compose's order (kept/recreated by number, then removals, then creates). */
export function planService(service: ServiceConfig, containers: ContainerSummary[], exp: ServiceExpectation): ConvergeStep[] {
  const obsolete = new Map(containers.map((c) => [c, mustRecreate(service, c, exp)]));
  // up-to-date ones by number, lowest first; obsolete ones last, so scaling down drops them first
  const ordered = [...containers].sort((a, b) => {
    const oa = obsolete.get(a) ? 1 : 0;
    const ob = obsolete.get(b) ? 1 : 0;
    if (oa !== ob) return oa - ob;
    return numberOf(a) - numberOf(b) || (a.Created ?? 0) - (b.Created ?? 0);
  });
  const steps: ConvergeStep[] = [];
  ordered.forEach((c, i) => {
    if (i >= exp.replicas) { steps.push({ kind: 'remove', container: c }); return; }
    if (obsolete.get(c)) { steps.push({ kind: 'recreate', container: c, number: numberOf(c) }); return; }
    const state = c.State === 'running' ? 'running' : (c.State === 'created' || c.State === 'exited' || c.State === 'restarting') ? 'stopped' : 'restart';
    steps.push({ kind: 'keep', container: c, state });
  });
  const next = Math.max(0, ...containers.map(numberOf)) + 1;
  for (let i = 0; i < exp.replicas - containers.length; i++) steps.push({ kind: 'create', number: next + i });
  return steps;
}
