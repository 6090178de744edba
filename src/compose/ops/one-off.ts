/**
 * What a container made outside up's convergence (compose run's one-off) needs from the engine: the
 * project's containers for `service:` references and links, and the secrets and configs given as
 * content, written in before the start (PUT /containers/{id}/archive).
 */
import type { EngineClient } from '../../client/engine-client.js';
import type { FileCopy, ServiceResolver } from '../convert/container.js';
import { fileCopiesArchive } from '../convert/file-copies.js';
import { LABELS } from '../model.js';
import { numberOf, projectContainers } from './state.js';

export async function serviceResolver(client: EngineClient, project: string): Promise<ServiceResolver> {
  const list = (await projectContainers(client, project, { all: true, oneoff: false })).sort((a, b) => numberOf(a) - numberOf(b));
  const of = (service: string) => list.filter((c) => c.Labels?.[LABELS.service] === service);
  return {
    containerId: (service) => of(service)[0]?.Id,
    containerNames: (service) => of(service).map((c) => (c.Names?.[0] ?? '').replace(/^\//, '')),
  };
}

/** The content secrets and configs, written in before the start as up writes them. */
export async function copyFilesIn(client: EngineClient, id: string, copies: FileCopy[]): Promise<void> {
  if (copies.length === 0) return;
  await client.call('PUT', `/containers/${encodeURIComponent(id)}/archive`, { query: { path: '/' }, body: await fileCopiesArchive(copies), contentType: 'application/x-tar' });
}
