/**
 * One container's lifecycle steps with compose v2's progress lines (pkg/compose/down.go, convergence.go):
 * stop (`Stopping`/`Stopped`) and stop and remove (`Removing`/`Removed`).
 */
import type { ContainerSummary } from '../../common/engine-api/types.js';
import { done, working } from '../output/progress.js';
import { containerId, type OpsContext } from './ops-context.js';
import { isConflict, isNotFound } from './errors.js';

export async function stopContainer(oc: OpsContext, c: ContainerSummary, timeout?: number): Promise<void> {
  const id = containerId(c);
  oc.progress.event(working(id, 'Stopping'));
  try {
    await oc.client.call('POST', `/containers/${c.Id}/stop`, { query: { t: timeout } });
  } catch (e) {
    if (isNotFound(e)) throw e;
    oc.progress.event({ id, status: 'error', statusText: 'Error while Stopping' });
    throw e;
  }
  oc.progress.event(done(id, 'Stopped'));
}

export async function stopAndRemoveContainer(oc: OpsContext, c: ContainerSummary, timeout?: number, volumes = false): Promise<void> {
  const id = containerId(c);
  try {
    await stopContainer(oc, c, timeout);
  } catch (e) {
    if (isNotFound(e)) { oc.progress.event(done(id, 'Removed')); return; }
    throw e;
  }
  oc.progress.event(working(id, 'Removing'));
  try {
    await oc.client.call('DELETE', `/containers/${c.Id}`, { query: { force: true, v: volumes } });
  } catch (e) {
    if (!isNotFound(e) && !isConflict(e)) {
      oc.progress.event({ id, status: 'error', statusText: 'Error while Removing' });
      throw e;
    }
  }
  oc.progress.event(done(id, 'Removed'));
}
