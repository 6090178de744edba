/**
 * What the engine holds of a project, found by compose's labels (never by names: a container renamed
 * by hand still belongs to its project, and `docker compose`/`docker-compose` see the same set).
 */
import type { EngineClient } from '../../client/engine-client.js';
import type { ContainerSummary } from '../../common/engine-api/types.js';
import { LABELS } from '../model.js';

export interface ContainerQuery {
  /** also stopped containers (compose's -a); default true, as convergence needs them all */
  all?: boolean;
  /** only these services */
  services?: string[];
  /** one-off (`compose run`) containers: only them (true), none (false), or both (undefined) */
  oneoff?: boolean;
}

/** The project's containers, ordered by service then container number (compose's order). */
export async function projectContainers(client: EngineClient, project: string, q: ContainerQuery = {}): Promise<ContainerSummary[]> {
  const label = [`${LABELS.project}=${project}`];
  if (q.oneoff === true) label.push(`${LABELS.oneoff}=True`);
  if (q.oneoff === false) label.push(`${LABELS.oneoff}=False`);
  // one service goes into the filter; several are filtered here (label filters are ANDed by the engine)
  if (q.services?.length === 1) label.push(`${LABELS.service}=${q.services[0]}`);
  const filters = JSON.stringify({ label });
  const list = await client.json<ContainerSummary[]>('GET', '/containers/json', { query: { all: q.all ?? true, filters } });
  const wanted = q.services && q.services.length > 1 ? new Set(q.services) : null;
  return list
    .filter((c) => !wanted || wanted.has(serviceOf(c)))
    .sort((a, b) => serviceOf(a).localeCompare(serviceOf(b)) || numberOf(a) - numberOf(b));
}

export function serviceOf(c: { Labels?: Record<string, string> | null }): string {
  return c.Labels?.[LABELS.service] ?? '';
}

export function numberOf(c: { Labels?: Record<string, string> | null }): number {
  return Number(c.Labels?.[LABELS.containerNumber] ?? 0) || 0;
}

/** A container's name without the leading slash. */
export function nameOf(c: { Names?: string[] | null; Name?: string }): string {
  return (c.Names?.[0] ?? c.Name ?? '').replace(/^\//, '');
}
