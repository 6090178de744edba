/**
 * Pull an image into the engine's stores: resolve the manifest (an index is narrowed to
 * one platform), download config and layers in parallel into the content store, each
 * verified against its digest (a layer already present is not fetched again; an
 * interrupted download resumes with a Range request). Each layer is unpacked, in order, as
 * soon as its blob is verified, while later ones still download; ImageStore.addFromManifest
 * then writes the image rows. A failure leaves no image behind.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestMismatchError, InvalidArgumentError, NotSupportedError } from '../../common/errors.js';
import { DIGEST_RE, shortId } from '../../common/digest.js';
import { log } from '../../common/log.js';
import type { ContentStore } from '../../store/content.js';
import type { ImageRecord, ImageStore } from '../../image/image-store.js';
import type { PreparedLayer } from '../../snapshot/layer-store.js';
import { INDEX_TYPES, MANIFEST_TYPES, chainIds, hostPlatform, parseManifest, selectPlatformManifest, type Platform } from '../../image/image-format.js';
import { familiarString, parseNormalizedNamed, type ParsedReference } from '../../image/reference.js';
import { RegistryHttp, RegistryRequestError, readAll, type Credentials } from './http.js';
import { endpointsFor, type RegistryHostsConfig } from './hosts.js';
import type { Progress } from './progress.js';
import { DiskFullError, isDiskFull } from './disk-full.js';
import type { ReferrerStore } from '../../image/referrers.js';
import { pullReferrers } from './referrers.js';
import { receiveBlob } from './blob-receive.js';

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const MANIFEST_ACCEPT = [...MANIFEST_TYPES, ...INDEX_TYPES].join(', ');
const PARALLEL = 3;

export interface PullOptions {
  images: ImageStore;
  content: ContentStore;
  ref: string;
  platform?: string;
  creds?: Credentials;
  hosts?: RegistryHostsConfig;
  progress?: Progress;
  /** add a tag (default: the pulled tag) */
  tag?: boolean;
  /** stops the pull between requests and in the middle of a layer's download (what arrived is kept for the next pull) */
  signal?: AbortSignal;
  /** also fetch the pulled manifest's referrers of these artifact types (attached SBOMs) into the store */
  referrers?: { store: ReferrerStore; artifactTypes: string[] };
  /**
   * Asked once the registry's digest of the reference is known, before anything is stored (the
   * admission policy); a throw ends the pull with nothing written.
   */
  beforeStore?: (at: { http: RegistryHttp; repo: string; reference: string; digest: string }) => Promise<void>;
  /** After the image is stored (or found up to date): fetch what travels with it (signatures) over the same connection. */
  afterStore?: (at: { http: RegistryHttp; repo: string; subjects: Array<{ mediaType: string; digest: string; size: number }> }) => Promise<void>;
}

/** The referrers of the pulled manifests (the platform's, and the index's when there is one). */
async function fetchReferrers(opts: PullOptions, http: RegistryHttp, repo: string, subjects: string[]): Promise<void> {
  if (!opts.referrers) return;
  for (const subject of new Set(subjects)) {
    for (const type of opts.referrers.artifactTypes) {
      await pullReferrers(http, opts.content, opts.referrers.store, repo, subject, type, opts.progress, opts.signal);
    }
  }
}

function parsePlatform(s: string | undefined): Platform {
  if (!s) return hostPlatform();
  const [os, architecture, variant] = s.split('/');
  if (!os || !architecture) throw new InvalidArgumentError(`invalid platform ${s}: use os/arch[/variant]`);
  return { os, architecture, ...(variant ? { variant } : {}) };
}

function repoPath(ref: ParsedReference): string { return ref.path; }

/** Connect to the first endpoint (mirror first) that answers /v2/. */
export async function connectRegistry(domain: string, creds: Credentials | undefined, hosts: RegistryHostsConfig | undefined): Promise<RegistryHttp> {
  const eps = endpointsFor(domain, hosts);
  let last: unknown;
  for (const ep of eps) {
    const http = new RegistryHttp(ep, ep.mirror ? undefined : creds);
    try {
      const res = await http.send('GET', '/v2/', { retries: ep.mirror ? 0 : 2 });
      await readAll(res);
      return http;
    } catch (e) {
      http.close();
      last = e;
      if (!ep.mirror) throw e;
    }
  }
  throw last;
}

/**
 * The top manifest, from the first mirror that has it, else from the registry itself
 * (Docker's fallback: a mirror that is down, lacks the image or refuses it is skipped).
 * The rest of the pull uses the same endpoint.
 */
async function resolveTop(domain: string, repo: string, reference: string, creds: Credentials | undefined, hosts: RegistryHostsConfig | undefined) {
  for (const ep of endpointsFor(domain, hosts).filter((e) => e.mirror)) {
    const http = new RegistryHttp(ep);
    try {
      return { http, top: await fetchManifest(http, repo, reference, 0) };
    } catch {
      http.close();
    }
  }
  const http = await connectRegistry(domain, creds, { ...hosts, mirrors: {} });
  try {
    return { http, top: await fetchManifest(http, repo, reference) };
  } catch (e) { http.close(); throw e; }
}

async function fetchManifest(http: RegistryHttp, repo: string, reference: string, retries?: number): Promise<{ raw: Buffer; mediaType: string; digest: string }> {
  const res = await http.send('GET', `/v2/${repo}/manifests/${reference}`, { headers: { Accept: MANIFEST_ACCEPT }, scope: [{ repo, actions: ['pull'] }], retries });
  const declared = Number(res.headers['content-length'] ?? 0);
  if (declared > MAX_MANIFEST_BYTES) { res.destroy(); throw new InvalidArgumentError(`manifest of ${declared} bytes is larger than the limit of ${MAX_MANIFEST_BYTES}`, 'ERR_MANIFEST_TOO_LARGE'); }
  const raw = await readAll(res, MAX_MANIFEST_BYTES).catch((e) => {
    throw new InvalidArgumentError(`manifest too large: ${(e as Error).message}`, 'ERR_MANIFEST_TOO_LARGE');
  });
  const digest = 'sha256:' + createHash('sha256').update(raw).digest('hex');
  if (DIGEST_RE.test(reference) && digest !== reference) throw new DigestMismatchError(reference, digest);
  let doc: any;
  try { doc = JSON.parse(raw.toString()); } catch { throw new InvalidArgumentError(`manifest of ${repo}:${reference} is not valid JSON`, 'ERR_MANIFEST_INVALID'); }
  const ct = String(res.headers['content-type'] ?? '').split(';')[0].trim();
  const mediaType = doc.mediaType ?? (ct && ct !== 'application/json' ? ct : (Array.isArray(doc.manifests) ? INDEX_TYPES[0] : MANIFEST_TYPES[0]));
  if (!MANIFEST_TYPES.includes(mediaType) && !INDEX_TYPES.includes(mediaType)) {
    throw new NotSupportedError(`unsupported manifest media type ${mediaType} for ${repo}:${reference}`, 'ERR_MANIFEST_UNSUPPORTED');
  }
  return { raw, mediaType, digest };
}

/**
 * Download one blob into the content store, verified. A previous partial download of
 * the same digest (ingest/pull-<hex>) is continued with a Range request.
 */
export async function downloadBlob(http: RegistryHttp, content: ContentStore, repo: string, desc: { digest: string; size: number },
  onBytes?: (current: number) => void, tee?: () => Writable | undefined, signal?: AbortSignal): Promise<void> {
  if (content.has(desc.digest)) return;
  signal?.throwIfAborted();
  if (!DIGEST_RE.test(desc.digest)) throw new InvalidArgumentError(`invalid digest ${desc.digest}`, 'ERR_INVALID_DIGEST');
  const partial = join(content.ingestDir, 'pull-' + desc.digest.slice(7));
  let have = 0;
  try { have = statSync(partial).size; } catch { /* fresh */ }
  if (have > desc.size) { await rm(partial, { force: true }); have = 0; }
  const hash = createHash('sha256');
  if (have > 0) await pipeline(createReadStream(partial), async function* (src) { for await (const c of src) hash.update(c as Buffer); });
  const headers: Record<string, string> = have > 0 && have < desc.size ? { Range: `bytes=${have}-` } : {};
  const res = await http.send('GET', `/v2/${repo}/blobs/${desc.digest}`, { headers, scope: [{ repo, actions: ['pull'] }] });
  const appendMode = res.statusCode === 206;
  if (!appendMode && have > 0) { // the server ignored the range: start over
    hash.destroy();
    return rm(partial, { force: true }).then(() => { res.destroy(); return downloadBlob(http, content, repo, desc, onBytes, tee, signal); });
  }
  // a fresh download can feed a second consumer (the layer's unpacker) with the same bytes
  const feed = have === 0 ? tee?.() : undefined;
  feed?.on('error', () => undefined); // the consumer reports its own failure; the download goes on
  const abort = () => res.destroy(signal?.reason as Error);
  signal?.addEventListener('abort', abort, { once: true });
  if (signal?.aborted) abort();
  let size: number;
  let fh: FileHandle | undefined;
  try {
    fh = await open(partial, appendMode ? 'a' : 'w', 0o644);
    size = await receiveBlob(res, { fh, hash, digest: desc.digest, have, size: desc.size, feed, onBytes });
  } catch (e) {
    feed?.destroy(e as Error);
    res.destroy();
    await fh?.close().catch(() => undefined);
    if (signal?.aborted) throw signal.reason;
    if (isDiskFull(e)) { // a partial blob on a full disk only keeps it full
      await rm(partial, { force: true });
      throw new DiskFullError(`downloading ${shortId(desc.digest)} into ${content.ingestDir}`, e);
    }
    // keep what arrived: the next pull continues from there
    throw e instanceof RegistryRequestError || e instanceof InvalidArgumentError ? e
      : Object.assign(new RegistryRequestError(502, `downloading ${shortId(desc.digest)} failed: ${(e as Error).message}`), { cause: e });
  } finally {
    signal?.removeEventListener('abort', abort);
  }
  try {
    if (size !== desc.size) {
      throw new RegistryRequestError(502, `blob ${desc.digest} truncated: got ${size} of ${desc.size} bytes`);
    }
    const actual = 'sha256:' + hash.digest('hex');
    if (actual !== desc.digest) { await rm(partial, { force: true }); throw new DigestMismatchError(desc.digest, actual); }
    // as containerd's content writer: the bytes are on disk before the blob has its name
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(partial, content.path(desc.digest));
}

interface Deferred { promise: Promise<void>; resolve(): void; reject(e: unknown): void }

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => undefined); // whoever waits on it sees the error; nobody waiting is fine
  return { promise, resolve, reject };
}

/** The diff IDs of the config, when they fit the manifest's layers (else nothing is unpacked early). */
function diffIdsOf(opts: PullOptions, configDigest: string, layerCount: number): string[] | null {
  const diffIds: unknown = (opts.content.readJson(configDigest) as any)?.rootfs?.diff_ids;
  if (!Array.isArray(diffIds) || diffIds.length !== layerCount || !diffIds.every((d) => typeof d === 'string' && DIGEST_RE.test(d))) return null;
  return diffIds as string[];
}

/**
 * Put the image's layers in place bottom-up, each as soon as its blob is downloaded and verified
 * (blobs already present need no wait). A layer unpacked while it downloaded (`prepared`) is only
 * committed; one that was not (a resumed download, a present blob, a failed early unpack) is
 * unpacked from its verified blob. A config whose diff IDs do not fit the manifest unpacks nothing
 * here: addFromManifest reports that.
 */
async function unpackInOrder(opts: PullOptions, diffIds: string[] | null, layers: { digest: string }[],
  downloaded: Map<string, Deferred>, prepared: Map<string, Promise<PreparedLayer | undefined>>, progress: Progress | undefined): Promise<void> {
  if (!diffIds) return;
  const chains = chainIds(diffIds);
  for (let i = 0; i < layers.length; i++) {
    const digest = layers[i].digest;
    const wait = downloaded.get(digest);
    if (wait) await wait.promise;
    if (opts.images.layers.get(chains[i])) continue;
    const parent = i === 0 ? null : chains[i - 1];
    const early = await prepared.get(digest);
    progress?.layer(shortId(digest), 'Extracting');
    // commitPrepared checks the diff ID: a mismatch fails here as it would from the blob
    if (early && !early.committed) await opts.images.layers.commitPrepared(parent, early, diffIds[i]);
    else await opts.images.unpackLayer(parent, chains[i], digest, diffIds[i]);
  }
}

/**
 * Each layer that downloads from its first byte is unpacked from the bytes as they arrive (a second
 * consumer of the download) into a prepared layer of its own: an overlay lowerdir does not need its
 * parent, so every download overlaps its unpack, not only the one whose parent is in place. The
 * layer is committed (unpackInOrder) only once its blob is verified; an uncompressed layer's diff ID
 * is its blob's digest, hashed once by the download. A failed early unpack is not an error by
 * itself: the layer is unpacked again from its verified blob and fails there if it must.
 */
function streamingUnpacker(opts: PullOptions, diffIds: string[] | null, downloaded: Map<string, Deferred>,
  prepared: Map<string, Promise<PreparedLayer | undefined>>) {
  return (digest: string) => (): Writable | undefined => {
    if (!diffIds || prepared.has(digest)) return undefined;
    log.debug('unpacking a layer while it downloads', { layer: shortId(digest) });
    const blob = new PassThrough({ highWaterMark: 1024 * 1024 });
    const srcDigest = downloaded.get(digest)!.promise.then(() => digest);
    srcDigest.catch(() => undefined); // a failed download is reported by the download; the unpack may not have reached its digest
    const early = opts.images.layers.prepare(blob, { srcDigest }).catch(() => { blob.destroy(); return undefined; });
    prepared.set(digest, early);
    return blob;
  };
}

async function inParallel<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      const x = items[next++];
      try { await fn(x); } catch (e) { failed ??= e; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  if (failed !== undefined) throw failed;
}

export interface PullResult { image: ImageRecord; digest: string; ref: ParsedReference; upToDate: boolean }

export async function pullImage(opts: PullOptions): Promise<PullResult> {
  const ref = parseNormalizedNamed(opts.ref);
  if (!ref.tag && !ref.digest) ref.tag = 'latest';
  const reference = ref.digest ?? ref.tag!;
  const progress = opts.progress;
  const repo = repoPath(ref);
  opts.signal?.throwIfAborted();
  const { http, top } = await resolveTop(ref.domain, repo, reference, opts.creds, opts.hosts);
  try {
    // before the first progress line: a refusal is then the request's answer (403), not an error inside a stream
    await opts.beforeStore?.({ http, repo, reference: `${ref.domain}/${ref.path}${ref.digest ? `@${ref.digest}` : `:${ref.tag}`}`, digest: top.digest });
    progress?.status(`${ref.digest ? '' : `${ref.tag}: `}Pulling from ${ref.domain === 'docker.io' ? ref.path : `${ref.domain}/${ref.path}`}`.replace(/^: /, ''));
    opts.signal?.throwIfAborted();
    let mf = top;
    if (INDEX_TYPES.includes(top.mediaType)) {
      const pick = selectPlatformManifest(JSON.parse(top.raw.toString()), parsePlatform(opts.platform));
      mf = await fetchManifest(http, repo, pick.digest);
      if (INDEX_TYPES.includes(mf.mediaType)) throw new NotSupportedError('nested image indexes are not supported', 'ERR_MANIFEST_UNSUPPORTED');
    }
    const manifest = parseManifest(mf.raw, mf.mediaType);
    const repoDigest = `${ref.domain}/${ref.path}@${top.digest}`;
    const tagRef = ref.tag ? `${ref.domain}/${ref.path}:${ref.tag}` : undefined;
    const existing = opts.images.tryResolve(manifest.config.digest);
    if (existing && existing.layers.every((l) => opts.content.has(l.blobDigest)) && opts.content.has(mf.digest)) {
      if (tagRef && opts.tag !== false) opts.images.tag(existing.id, tagRef);
      opts.images.addRepoDigest(existing.id, repoDigest);
      await fetchReferrers(opts, http, repo, [mf.digest, top.digest]);
      await opts.afterStore?.({ http, repo, subjects: [top, mf].filter((m, i) => i === 0 || m !== top).map((m) => ({ mediaType: m.mediaType, digest: m.digest, size: m.raw.length })) });
      return { image: opts.images.get(existing.id)!, digest: top.digest, ref, upToDate: true };
    }
    if (manifest.config.size > MAX_MANIFEST_BYTES) throw new InvalidArgumentError(`image config of ${manifest.config.size} bytes is too large`, 'ERR_MANIFEST_INVALID');
    for (const l of manifest.layers) {
      progress?.layer(shortId(l.digest), opts.content.has(l.digest) ? 'Already exists' : 'Pulling fs layer');
    }
    await downloadBlob(http, opts.content, repo, manifest.config, undefined, undefined, opts.signal);
    const todo = [...new Map(manifest.layers.filter((l) => !opts.content.has(l.digest)).map((l) => [l.digest, l])).values()];
    const downloaded = new Map(todo.map((l) => [l.digest, deferred()]));
    const diffIds = diffIdsOf(opts, manifest.config.digest, manifest.layers.length);
    const prepared = new Map<string, Promise<PreparedLayer | undefined>>();
    const teeFor = streamingUnpacker(opts, diffIds, downloaded, prepared);
    let unpackFailed: unknown;
    const downloads = inParallel(todo, PARALLEL, async (l) => {
      if (unpackFailed !== undefined) throw unpackFailed;
      const id = shortId(l.digest);
      progress?.layer(id, 'Waiting');
      try {
        await downloadBlob(http, opts.content, repo, l, (cur) => progress?.bytes(id, 'Downloading', cur, l.size), teeFor(l.digest), opts.signal);
      } catch (e) { downloaded.get(l.digest)!.reject(e); throw e; }
      downloaded.get(l.digest)!.resolve();
      progress?.layer(id, 'Verifying Checksum');
      progress?.layer(id, 'Download complete');
    });
    // a failed download stops the queue: the layers never started must not keep the unpacker waiting
    downloads.catch((e) => { for (const d of downloaded.values()) d.reject(e); });
    // Unpack in layer order while later layers still download: each waits for its own verified blob.
    const unpacking = unpackInOrder(opts, diffIds, manifest.layers, downloaded, prepared, progress)
      .catch((e) => { unpackFailed = e; throw e; });
    const [dl, up] = await Promise.allSettled([downloads, unpacking]);
    // the prepared layers not committed (a failure, a layer twice in the image) are temp dirs: drop them
    for (const early of prepared.values()) {
      const layer = await early;
      if (layer) await opts.images.layers.discard(layer);
    }
    if (dl.status === 'rejected') throw dl.reason;
    if (up.status === 'rejected') throw up.reason;
    await opts.content.put(mf.raw, mf.digest);
    if (top !== mf) await opts.content.put(top.raw, top.digest);
    const image = await opts.images.addFromManifest({
      manifestDigest: mf.digest, mediaType: mf.mediaType,
      tags: tagRef && opts.tag !== false ? [tagRef] : [], repoDigests: [repoDigest],
    });
    for (const l of todo) progress?.layer(shortId(l.digest), 'Pull complete');
    await fetchReferrers(opts, http, repo, [mf.digest, top.digest]);
    await opts.afterStore?.({ http, repo, subjects: [top, mf].filter((m, i) => i === 0 || m !== top).map((m) => ({ mediaType: m.mediaType, digest: m.digest, size: m.raw.length })) });
    return { image, digest: top.digest, ref, upToDate: false };
  } catch (e) {
    if (isDiskFull(e) && !(e instanceof DiskFullError)) throw new DiskFullError(`pulling ${familiarString(ref)}`, e);
    throw e;
  } finally {
    http.close();
  }
}

/** Every tag of a repository (for pull -a / push -a). */
export async function listTags(http: RegistryHttp, repo: string): Promise<string[]> {
  const out: string[] = [];
  let path: string | undefined = `/v2/${repo}/tags/list?n=1000`;
  for (let page = 0; path && page < 1000; page++) {
    const res = await http.send('GET', path, { scope: [{ repo, actions: ['pull'] }] });
    const body = JSON.parse((await readAll(res)).toString());
    out.push(...(body.tags ?? []));
    const link = /<([^>]+)>;\s*rel="next"/.exec(String(res.headers.link ?? ''));
    path = link ? link[1] : undefined;
  }
  return out;
}
