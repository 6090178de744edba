/**
 * Removing what a project left on the engine, found by labels: its containers (stopped first) and
 * its networks. `wait --down-project` drops the project with it, as compose's Down with
 * RemoveOrphans and without -v/--rmi does.
 */
import type { EngineClient } from '../../client/engine-client.js';
import { LABELS } from '../model.js';
import { daemonStatus } from './errors.js';
import { projectContainers } from './state.js';

const enc = encodeURIComponent;
const gone = (e: unknown) => daemonStatus(e) === 404 || daemonStatus(e) === 304;

export async function removeProjectResources(client: EngineClient, project: string, opts: { timeout?: number } = {}): Promise<void> {
  const containers = await projectContainers(client, project, { all: true });
  await Promise.all(containers.map(async (c) => {
    if (c.State === 'running' || c.State === 'paused' || c.State === 'restarting') {
      await client.call('POST', `/containers/${enc(c.Id ?? '')}/stop`, { query: { t: opts.timeout } }).catch((e) => { if (!gone(e)) throw e; });
    }
    await client.call('DELETE', `/containers/${enc(c.Id ?? '')}`, { query: { force: true } }).catch((e) => { if (!gone(e)) throw e; });
  }));
  const networks = await client.json<Array<{ Id: string; Name: string }>>('GET', '/networks', { query: { filters: JSON.stringify({ label: [`${LABELS.project}=${project}`] }) } });
  for (const n of networks) await client.call('DELETE', `/networks/${enc(n.Id)}`).catch((e) => { if (!gone(e)) throw e; });
}
