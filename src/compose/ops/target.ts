/**
 * The one container a command such as exec, port or cp acts on: a running container of the service,
 * the one numbered --index, else the lowest number, the service's own before one-off (`run`) ones
 * (compose v2's getSpecifiedContainer).
 */
import type { EngineClient } from '../../client/engine-client.js';
import type { ContainerSummary } from '../../common/engine-api/types.js';
import { composeError } from './errors.js';
import { LABELS } from '../model.js';
import { numberOf } from './state.js';

export interface TargetOptions {
  /** --index: the container number; 0 or absent for the first */
  index?: number;
  /** also stopped containers (cp --all uses stopped ones too) */
  all?: boolean;
  /** include one-off containers (default true, as compose does for exec/port/cp) */
  oneoff?: boolean;
}

export async function serviceContainer(client: EngineClient, project: string, service: string, o: TargetOptions = {}): Promise<ContainerSummary> {
  const label = [`${LABELS.project}=${project}`, `${LABELS.service}=${service}`];
  if (o.oneoff === false) label.push(`${LABELS.oneoff}=False`);
  if (o.index && o.index > 0) label.push(`${LABELS.containerNumber}=${o.index}`);
  const list = await client.json<ContainerSummary[]>('GET', '/containers/json', { query: { all: o.all ?? false, filters: JSON.stringify({ label }) } });
  if (list.length === 0) {
    const msg = o.index && o.index > 0 ? `service "${service}" is not running container #${o.index}` : `service "${service}" is not running`;
    throw composeError(msg, 'ERR_COMPOSE_NO_SERVICE');
  }
  const isOneoff = (c: ContainerSummary) => c.Labels?.[LABELS.oneoff] === 'True';
  list.sort((a, b) => (isOneoff(a) === isOneoff(b) ? numberOf(a) - numberOf(b) : isOneoff(a) ? 1 : -1));
  return list[0];
}
