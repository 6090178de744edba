/**
 * The Engine API calls `kube play` and `kube generate` make, over the client alone (so berth and
 * dockerd alike): images (pull when missing, the pod infra image), containers, volumes, networks.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as tar from 'tar-stream';
import { tarBuffer } from '../client/tar-buffer.js';
import { BerthError } from '../common/errors.js';
import { DaemonError, jsonLines, type EngineClient } from '../client/engine-client.js';
import { authFor, parseNormalizedNamed } from '../client/registry-auth.js';

const enc = encodeURIComponent;

export function isNotFound(e: unknown): boolean {
  return e instanceof DaemonError && e.statusCode === 404;
}

export async function imageExists(client: EngineClient, ref: string): Promise<boolean> {
  try { await client.json('GET', `/images/${enc(ref)}/json`); return true; } catch (e) { if (isNotFound(e)) return false; throw e; }
}

/** Pull `image` (policy Always), or only when it is missing (IfNotPresent, the default); Never: it must be there. */
export async function ensureImage(client: EngineClient, image: string, policy: string | undefined): Promise<void> {
  const latest = !/[:@][^/]*$/.test(image);
  const effective = policy ?? (latest ? 'Always' : 'IfNotPresent');
  // "Always" on a host without a registry still works from the local copy, as podman's "newer" check does
  if (effective !== 'Always' && await imageExists(client, image)) return;
  if (effective === 'Never') throw new BerthError(`image ${image} is not present and its imagePullPolicy is Never`, { code: 'ERR_IMAGE_NOT_FOUND', status: 404 });
  const named = parseNormalizedNamed(image);
  try {
    const res = await client.request('POST', '/images/create', { query: { fromImage: image, tag: named.tag || named.digest ? undefined : 'latest' }, headers: authFor(image) });
    for await (const m of jsonLines(res)) if (m.error || m.errorDetail) throw DaemonError.fromStream(m);
  } catch (e) {
    if (effective === 'Always' && await imageExists(client, image)) return;
    throw e;
  }
}

/**
 * The pod's infrastructure image: only catatonit, which holds the pod's namespaces with `-P` (pause)
 * (podman builds its infra image the same way). Imported from the host's catatonit on first use.
 */
export const INFRA_IMAGE = 'berth-kube-infra:catatonit';
const CATATONIT_PATHS = ['/usr/bin/catatonit', '/usr/libexec/catatonit/catatonit', '/usr/libexec/podman/catatonit'];

export async function ensureInfraImage(client: EngineClient): Promise<string> {
  if (await imageExists(client, INFRA_IMAGE)) return INFRA_IMAGE;
  const bin = [process.env.BERTH_CATATONIT, ...CATATONIT_PATHS].find((p): p is string => !!p && existsSync(p));
  if (!bin) throw new BerthError(`kube play needs catatonit for the pods' infra containers: install Debian's catatonit package (looked in ${CATATONIT_PATHS.join(', ')}, or set BERTH_CATATONIT)`, { code: 'ERR_KUBE_INFRA', status: 500 });
  const mtime = new Date(0);
  const body = await tarBuffer((pack) => {
    for (const d of ['dev', 'proc', 'sys', 'etc', 'tmp']) pack.entry({ name: `${d}/`, type: 'directory', mode: d === 'tmp' ? 0o1777 : 0o755, mtime });
    pack.entry({ name: 'catatonit', mode: 0o755, mtime, type: 'file' }, readFileSync(bin));
  });
  const [repo, tag] = INFRA_IMAGE.split(':');
  const res = await client.request('POST', '/images/create', { query: { fromSrc: '-', repo, tag, message: `berth kube infra image (${bin})` }, body, contentType: 'application/x-tar' });
  for await (const m of jsonLines(res)) if (m.error || m.errorDetail) throw DaemonError.fromStream(m);
  return INFRA_IMAGE;
}

export interface ContainerSummary { Id: string; Names: string[]; Labels: Record<string, string>; State: string; Image: string }

export async function containersWithLabel(client: EngineClient, label: string): Promise<ContainerSummary[]> {
  return client.json<ContainerSummary[]>('GET', '/containers/json', { query: { all: true, filters: JSON.stringify({ label: [label] }) } });
}

export async function removeContainer(client: EngineClient, id: string): Promise<void> {
  try { await client.call('DELETE', `/containers/${enc(id)}`, { query: { force: true, v: true } }); } catch (e) { if (!isNotFound(e)) throw e; }
}

/** A bridge network for the play's pods (created once, kept: other plays share it, as podman's kube network). */
export async function ensureNetwork(client: EngineClient, name: string, labels: Record<string, string>): Promise<void> {
  try { await client.json('GET', `/networks/${enc(name)}`); return; } catch (e) { if (!isNotFound(e)) throw e; }
  try {
    await client.json('POST', '/networks/create', { body: { Name: name, Driver: 'bridge', Labels: labels, CheckDuplicate: true } });
  } catch (e) {
    // another play made it in between
    if (!(e instanceof DaemonError && e.statusCode === 409)) throw e;
  }
}

/** A named volume, created unless it exists (podman reuses a PVC's volume, data included). */
export async function ensureVolume(client: EngineClient, name: string, labels: Record<string, string>, opts: { driverOpts?: Record<string, string> } = {}): Promise<void> {
  try { await client.json('GET', `/volumes/${enc(name)}`); return; } catch (e) { if (!isNotFound(e)) throw e; }
  await client.json('POST', '/volumes/create', { body: { Name: name, Driver: 'local', Labels: labels, DriverOpts: opts.driverOpts ?? {} } });
}

export interface FileEntry { path: string; content: Buffer; mode: number; uid?: number; gid?: number }

/** Files as one tar, written into a created container at / (ConfigMap and Secret volumes). */
export async function copyFiles(client: EngineClient, containerId: string, files: FileEntry[]): Promise<void> {
  if (!files.length) return;
  const mtime = new Date();
  // file entries only: the extraction makes missing parents (0755) and leaves existing ones (/tmp's 1777) alone
  const body = await tarBuffer((pack) => {
    for (const f of files) {
      pack.entry({ name: f.path.replace(/^\/+/, ''), size: f.content.length, mode: f.mode, uid: f.uid ?? 0, gid: f.gid ?? 0, mtime, type: 'file' }, f.content);
    }
  });
  await client.call('PUT', `/containers/${enc(containerId)}/archive`, { query: { path: '/' }, body, contentType: 'application/x-tar' });
}

/** Each regular file of a tar stream, by its name (GET /containers/{id}/archive answers one). */
async function tarFiles(res: NodeJS.ReadableStream): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => { if (header.type === 'file') out.set(header.name.replace(/\/$/, ''), Buffer.concat(chunks)); next(); });
      stream.on('error', reject);
    });
    extract.on('finish', () => resolve());
    extract.on('error', reject);
  });
  res.pipe(extract);
  await done;
  return out;
}

/** One file of a container (GET /containers/{id}/archive, a tar of that file). */
export async function readContainerFile(client: EngineClient, id: string, path: string): Promise<Buffer> {
  const res = await client.request('GET', `/containers/${enc(id)}/archive`, { query: { path } });
  const files = await tarFiles(res);
  const base = path.replace(/\/$/, '').split('/').pop()!;
  const hit = files.get(base) ?? [...files.values()][0];
  if (!hit) throw new BerthError(`${path} is not a file`, { code: 'ERR_KUBE_NOT_FOUND', status: 404 });
  return hit;
}

/** The regular files directly in a container's directory (names relative to it). */
export async function listContainerDir(client: EngineClient, id: string, dir: string): Promise<string[]> {
  const res = await client.request('GET', `/containers/${enc(id)}/archive`, { query: { path: dir } });
  const files = await tarFiles(res);
  return [...files.keys()].map((n) => n.split('/').slice(1)).filter((p) => p.length === 1).map((p) => p[0]).sort();
}
