/**
 * What a container made outside up's convergence (compose run's one-off) needs from the engine: the
 * project's containers for `service:` references and links, and the secrets and configs given as
 * content, written in before the start (PUT /containers/{id}/archive).
 */
import { pack } from 'tar-stream';
import type { EngineClient } from '../../client/engine-client.js';
import type { FileCopy, ServiceResolver } from '../convert/container.js';
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

/** Each file as a tar entry under / (its directories made by the daemon's extraction). */
export async function copyFilesIn(client: EngineClient, id: string, copies: FileCopy[]): Promise<void> {
  if (copies.length === 0) return;
  const p = pack();
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    p.on('data', (c: unknown) => chunks.push(c as Buffer));
    p.on('end', () => resolve(Buffer.concat(chunks)));
    p.on('error', reject);
  });
  const dirs = new Set<string>();
  for (const f of copies) {
    const parts = f.target.replace(/^\/+/, '').split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (!dirs.has(d)) { dirs.add(d); p.entry({ name: `${d}/`, type: 'directory', mode: 0o755 }); }
    }
    p.entry({ name: parts.join('/'), mode: f.mode, uid: f.uid, gid: f.gid, mtime: new Date() }, Buffer.from(f.content));
  }
  p.finalize();
  await client.call('PUT', `/containers/${encodeURIComponent(id)}/archive`, { query: { path: '/', copyUIDGID: true }, body: await done, contentType: 'application/x-tar' });
}
