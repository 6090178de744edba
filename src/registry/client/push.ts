/**
 * Push a local image: each blob (layers, then config) is checked with HEAD first, mounted
 * from another repository of the same registry when the image came from there, and
 * uploaded otherwise (one POST + one streaming PUT); then the manifest is put under the tag.
 */
import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../../common/errors.js';
import { shortId } from '../../common/digest.js';
import type { ContentStore } from '../../store/content.js';
import type { ImageStore } from '../../image/image-store.js';
import { parseManifest } from '../../image/image-format.js';
import { parseNormalizedNamed, type ParsedReference } from '../../image/reference.js';
import { RegistryHttp, readAll, type Credentials } from './http.js';
import type { RegistryHostsConfig } from './hosts.js';
import { connectRegistry } from './pull.js';
import type { Progress } from './progress.js';
import type { ReferrerStore } from '../../image/referrers.js';
import { pushReferrers } from './referrers.js';

export interface PushOptions {
  images: ImageStore;
  content: ContentStore;
  ref: string;
  creds?: Credentials;
  hosts?: RegistryHostsConfig;
  progress?: Progress;
  /** artifacts attached to local images: pushed after the image's manifest, as its referrers */
  referrers?: ReferrerStore;
}

export async function blobExists(http: RegistryHttp, repo: string, digest: string): Promise<boolean> {
  const res = await http.send('HEAD', `/v2/${repo}/blobs/${digest}`, { scope: [{ repo, actions: ['pull', 'push'] }], accept: [404] });
  res.resume();
  return res.statusCode === 200;
}

async function tryMount(http: RegistryHttp, repo: string, from: string, digest: string): Promise<boolean> {
  const res = await http.send('POST', `/v2/${repo}/blobs/uploads/?mount=${digest}&from=${encodeURIComponent(from)}`, {
    scope: [{ repo, actions: ['pull', 'push'] }, { repo: from, actions: ['pull'] }], headers: { 'Content-Length': 0 }, accept: [202],
  });
  res.resume();
  if (res.statusCode === 201) return true;
  // 202: the registry opened an upload session instead; cancel it, a fresh upload follows
  const loc = res.headers.location;
  if (loc) {
    const del = await http.send('DELETE', new URL(loc, http.endpoint.base).toString(), { scope: [{ repo, actions: ['pull', 'push'] }], accept: [404, 405] }).catch(() => undefined);
    del?.resume();
  }
  return false;
}

export function uploadBlob(http: RegistryHttp, content: ContentStore, repo: string, digest: string, size: number): Promise<void> {
  return uploadBody(http, repo, digest, size, () => content.stream(digest));
}

/** A monolithic upload (POST, then PUT with the digest) of a blob whose bytes `body` gives. */
export async function uploadBody(http: RegistryHttp, repo: string, digest: string, size: number, body: () => Buffer | Readable): Promise<void> {
  const scope = [{ repo, actions: ['pull', 'push'] }];
  const start = await http.send('POST', `/v2/${repo}/blobs/uploads/`, { scope, headers: { 'Content-Length': 0 } });
  start.resume();
  const loc = start.headers.location;
  if (!loc) throw new InvalidArgumentError(`registry ${http.endpoint.host} gave no upload location`, 'ERR_REGISTRY_PROTOCOL');
  const u = new URL(loc, http.endpoint.base);
  u.searchParams.set('digest', digest);
  const res = await http.send('PUT', u.toString(), {
    scope, retries: 0,
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': size },
    body,
  });
  res.resume();
}

export interface PushResult { digest: string; size: number; tag: string }

export async function pushImage(opts: PushOptions): Promise<PushResult> {
  const ref = parseNormalizedNamed(opts.ref);
  if (ref.digest) throw new InvalidArgumentError('cannot push a digest reference', 'ERR_INVALID_REFERENCE');
  const tag = ref.tag ?? 'latest';
  const img = opts.images.resolve(`${ref.domain}/${ref.path}:${tag}`);
  const mf = opts.images.manifest(img);
  const manifest = parseManifest(mf.raw, mf.mediaType);
  const repo = ref.path;
  const p = opts.progress;
  p?.status(`The push refers to repository [${ref.domain === 'docker.io' ? `docker.io/${ref.path}` : `${ref.domain}/${ref.path}`}]`);
  // repositories of the same registry that this image came from: mount candidates
  const sources = img.repoDigests.map((r) => parseNormalizedNamed(r)).filter((r) => r.domain === ref.domain && r.path !== ref.path).map((r) => r.path);
  const http = await connectRegistry(ref.domain, opts.creds, undefined === opts.hosts ? undefined : { ...opts.hosts, mirrors: {} });
  try {
    const blobs = [...manifest.layers, manifest.config];
    for (const l of manifest.layers) p?.layer(shortId(l.digest), 'Preparing');
    await Promise.all(blobs.map(async (b, i) => {
      const id = shortId(b.digest);
      const isLayer = i < manifest.layers.length;
      if (await blobExists(http, repo, b.digest)) { if (isLayer) p?.layer(id, 'Layer already exists'); return; }
      for (const from of sources) {
        if (await tryMount(http, repo, from, b.digest)) { if (isLayer) p?.layer(id, `Mounted from ${from}`); return; }
      }
      if (isLayer) p?.bytes(id, 'Pushing', 0, b.size);
      await uploadBlob(http, opts.content, repo, b.digest, b.size);
      if (isLayer) { p?.bytes(id, 'Pushing', b.size, b.size); p?.layer(id, 'Pushed'); }
    }));
    const res = await http.send('PUT', `/v2/${repo}/manifests/${tag}`, {
      scope: [{ repo, actions: ['pull', 'push'] }], headers: { 'Content-Type': mf.mediaType, 'Content-Length': mf.raw.length }, body: () => mf.raw,
    });
    await readAll(res);
    const digest = String(res.headers['docker-content-digest'] ?? mf.digest);
    opts.images.addRepoDigest(img.id, `${ref.domain}/${ref.path}@${mf.digest}`);
    if (opts.referrers) await pushReferrers(http, opts.content, opts.referrers, repo, mf.digest, p);
    p?.status(`${tag}: digest: ${mf.digest} size: ${mf.raw.length}`);
    return { digest: digest || mf.digest, size: mf.raw.length, tag };
  } finally {
    http.close();
  }
}

export function tagsOfRepo(images: ImageStore, ref: ParsedReference): string[] {
  const prefix = `${ref.domain}/${ref.path}:`;
  return images.list().flatMap((i) => i.repoTags).filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length)).sort();
}
