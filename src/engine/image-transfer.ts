/**
 * Moving images between the engine and registries or archives: pull (with `pull -a` and the
 * local bootstrap of busybox/debian when no registry answers), push, save, load, import, a
 * registry login and a manifest lookup. Progress is Docker's JSON progress messages, passed to
 * a callback: the API writes them as its JSON stream, a library caller reads or ignores them.
 */
import { createHash } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { readAll, RegistryRequestError, type Credentials, type RegistryHttp } from '../registry/client/http.js';
import { connectRegistry, listTags, MANIFEST_ACCEPT, pullImage } from '../registry/client/pull.js';
import { pushImage, tagsOfRepo } from '../registry/client/push.js';
import { jsonProgress, type JsonMessage } from '../registry/client/progress.js';
import { registryHostsConfig } from '../registry/client/daemon-config.js';
import { familiarName, familiarString, parseNormalizedNamed } from '../image/reference.js';
import { InvalidArgumentError } from '../common/errors.js';
import { saveImages } from '../image/archive-save.js';
import { loadArchive, type Loaded } from '../image/archive-load.js';
import { bootstrapImage } from '../image/bootstrap.js';
import { importImage } from '../image/import-export.js';
import type { ImageStore } from '../image/image-store.js';
import type { ContentStore } from '../store/content.js';
import type { ReferrerStore } from '../image/referrers.js';
import { SPDX_ARTIFACT_TYPE } from './attached-sbom.js';
import type { ImageAdmission } from '../sign/admission.js';
import { localSignatures } from '../sign/local-signatures.js';
import { fetchRemoteSignatures, pullSignatures, pushSignatures } from '../sign/remote-signatures.js';

/** One line of Docker's JSON progress stream ({status, id, progressDetail, progress, aux, ...}). */
export type ProgressMessage = JsonMessage;
/** Registry credentials as the docker CLI sends them (X-Registry-Auth). */
export type RegistryCredentials = Credentials;

export interface TransferStores {
  images: ImageStore; content: ContentStore; tmpDir: string;
  /** attached artifacts: pushed with their image, and SBOMs fetched with a pull */
  referrers?: ReferrerStore;
  /** the admission policy: asked at pull before anything is stored */
  admission?: ImageAdmission;
}

export interface PullOptions {
  /** a tag or digest (`sha256:…`) for a name given without one; no tag, no digest and none in the name: every tag (`pull -a`) */
  tag?: string;
  /** os/arch[/variant] of a multi-platform image (default: this host's) */
  platform?: string;
  auth?: RegistryCredentials;
  onProgress?: (m: ProgressMessage) => void;
  signal?: AbortSignal;
  /** busybox and debian are built locally when no registry answers (default true) */
  bootstrap?: boolean;
}

export interface PulledImage { ref: string; id: string; digest: string; upToDate: boolean }

const BOOTSTRAPPABLE = new Set(['docker.io/library/busybox', 'docker.io/library/debian']);

function unreachable(e: unknown): boolean {
  return e instanceof RegistryRequestError && e.httpStatus === 502;
}

/**
 * The references a pull covers: `name` with `tag` (the docker CLI sends a digest reference as
 * fromImage=repo&tag=sha256:…), or every tag the registry lists when neither names one.
 */
async function pullRefs(name: string, tag: string | undefined, auth: Credentials | undefined): Promise<string[]> {
  const base = parseNormalizedNamed(name);
  const repoName = `${base.domain}/${base.path}`;
  if (!tag && !base.tag && !base.digest) {
    // docker pull -a: every tag the registry lists (itself: a mirror's list may be partial;
    // each tag is then pulled through the mirrors as usual)
    const http = await connectRegistry(base.domain, auth, { ...registryHostsConfig(), mirrors: {} });
    const refs: string[] = [];
    try { for (const t of await listTags(http, base.path)) refs.push(`${repoName}:${t}`); } finally { http.close(); }
    return refs;
  }
  if (base.digest || base.tag) return [name];
  if (tag && /^sha256:/.test(tag)) return [`${repoName}@${tag}`];
  return [`${repoName}:${tag || 'latest'}`];
}

/** The image a pull names, for the bootstrap fallback (busybox or debian with its tag), if it is one. */
function bootstrapTarget(name: string, tag: string | undefined): { short: 'busybox' | 'debian'; tag: string } | undefined {
  const sep = tag && /^[a-z0-9]+:[a-f0-9]{32,}$/.test(tag) ? '@' : ':';
  const named = parseNormalizedNamed(tag && !name.includes('@') && !/:[^/]+$/.test(name) ? `${name}${sep}${tag}` : name);
  if (!BOOTSTRAPPABLE.has(`${named.domain}/${named.path}`)) return undefined;
  return { short: named.path.replace(/^library\//, '') as 'busybox' | 'debian', tag: named.tag ?? 'latest' };
}

async function bootstrapPull(stores: TransferStores, target: { short: 'busybox' | 'debian'; tag: string }, say: (m: ProgressMessage) => void): Promise<PulledImage[]> {
  const ref = `${target.short}:${target.tag}`;
  // a local bootstrap is a pull without a registry: admitted by name, with no digest and no signature
  await stores.admission?.admit({ phase: 'pull', reference: `docker.io/library/${ref}`, manifestDigest: '', signatures: async () => [] });
  say({ status: `Bootstrapping ${target.short} locally (no registry pull)`, id: target.tag });
  const img = await bootstrapImage(stores.images, target.short, { tag: ref });
  say({ status: `Digest: ${img.id}` });
  say({ status: `Status: Downloaded newer image for ${ref}` });
  stores.images.logImageEvent('pull', ref, target.short, img.id);
  return [{ ref, id: img.id, digest: img.id, upToDate: false }];
}

/** The admission check of a pull: the registry's digest, and its signatures only when the policy asks. */
function admitAt(admission: ImageAdmission) {
  return async (at: { http: RegistryHttp; repo: string; reference: string; digest: string }) => {
    await admission.admit({
      reference: at.reference, manifestDigest: at.digest, phase: 'pull',
      signatures: () => fetchRemoteSignatures(at.http, at.repo, at.digest, { strict: true }),
    });
  };
}

/**
 * Pull `name` (and `tag`). Messages go to onProgress as they happen; the first failure ends the
 * pull (the tags pulled before it stay) and is thrown.
 */
export async function pull(stores: TransferStores, name: string, opts: PullOptions = {}): Promise<PulledImage[]> {
  const say = opts.onProgress ?? (() => undefined);
  const target = opts.bootstrap === false ? undefined : bootstrapTarget(name, opts.tag);
  opts.signal?.throwIfAborted();
  let refs: string[];
  try {
    refs = await pullRefs(name, opts.tag, opts.auth);
  } catch (e) {
    if (target && unreachable(e)) return bootstrapPull(stores, target, say);
    throw e;
  }
  const progress = jsonProgress(say);
  const pulled: PulledImage[] = [];
  for (const ref of refs) {
    opts.signal?.throwIfAborted();
    try {
      const r = await pullImage({
        images: stores.images, content: stores.content, ref, platform: opts.platform, creds: opts.auth, hosts: registryHostsConfig(), progress, signal: opts.signal,
        ...(stores.referrers ? { referrers: { store: stores.referrers, artifactTypes: [SPDX_ARTIFACT_TYPE] } } : {}),
        ...(stores.admission ? { beforeStore: admitAt(stores.admission) } : {}),
        // cosign signatures (the .sig tag and signature referrers) come along and are stored as local referrers
        ...(stores.referrers ? { afterStore: async ({ http, repo, subjects }) => { await pullSignatures(stores.referrers!, stores.content, http, repo, subjects, progress); } } : {}),
      });
      say({ status: `Digest: ${r.digest}` });
      const shown = familiarString(parseNormalizedNamed(ref));
      say({ status: r.upToDate ? `Status: Image is up to date for ${shown}` : `Status: Downloaded newer image for ${shown}` });
      pulled.push({ ref, id: r.image.id, digest: r.digest, upToDate: r.upToDate });
      // dockerd's event: the reference as given (familiar) and the repository as `name`
      const named = parseNormalizedNamed(ref);
      stores.images.logImageEvent('pull', shown, familiarName(named), r.image.id);
    } catch (e) {
      if (target && unreachable(e) && refs.length === 1) return bootstrapPull(stores, target, say);
      throw e;
    }
  }
  return pulled;
}

export interface PushOptions {
  /** one tag of the repository; default the name's tag, else every tag the repository has here */
  tag?: string;
  auth?: RegistryCredentials;
  onProgress?: (m: ProgressMessage) => void;
  signal?: AbortSignal;
}

export interface PushedTag { tag: string; digest: string; size: number }

/** Push `name`'s tags; an unknown image fails before anything is sent or reported. */
export async function push(stores: TransferStores, name: string, opts: PushOptions = {}): Promise<PushedTag[]> {
  const say = opts.onProgress ?? (() => undefined);
  const named = parseNormalizedNamed(name);
  const tags = opts.tag ? [opts.tag] : named.tag ? [named.tag] : tagsOfRepo(stores.images, named);
  stores.images.resolve(tags.length ? `${named.domain}/${named.path}:${tags[0]}` : name);
  const progress = jsonProgress(say);
  const pushed: PushedTag[] = [];
  for (const t of tags) {
    opts.signal?.throwIfAborted();
    const res = await pushImage({ images: stores.images, content: stores.content, ref: `${named.domain}/${named.path}:${t}`, creds: opts.auth, hosts: registryHostsConfig(), progress, referrers: stores.referrers });
    if (stores.referrers) await pushTagSignatures(stores, named.domain, named.path, `${named.domain}/${named.path}:${t}`, opts.auth, progress);
    say({ progressDetail: {}, aux: { Tag: t, Digest: res.digest, Size: res.size } });
    pushed.push({ tag: t, digest: res.digest, size: res.size });
  }
  // one event per push as dockerd: the reference as given (familiar) and the repository as `name`
  stores.images.logImageEvent('push', familiarString(named), familiarName(named), stores.images.resolve(tags.length ? `${named.domain}/${named.path}:${tags[0]}` : name).id);
  return pushed;
}

/**
 * The image's local signatures as cosign's `.sig` tag (their referrer manifests went with pushImage's
 * referrers). A failure is a warning line: the image itself is pushed.
 */
async function pushTagSignatures(stores: TransferStores, domain: string, path: string, ref: string, auth: Credentials | undefined, progress: ReturnType<typeof jsonProgress>): Promise<void> {
  const digest = stores.images.resolve(ref).manifestDigest;
  if (!digest || localSignatures(stores.referrers!, stores.content, digest).length === 0) return;
  try {
    const http = await connectRegistry(domain, auth, { ...registryHostsConfig(), mirrors: {} });
    try { await pushSignatures(http, stores.content, stores.referrers!, path, digest, { progress }); } finally { http.close(); }
  } catch (e) {
    progress.status(`warning: the signatures of ${digest} were not pushed: ${(e as Error).message}`);
  }
}

/** Write `names` as a docker-save tar; `onStart` runs once the images are found, before the first byte. */
export async function save(stores: TransferStores, names: string[], out: Writable, onStart?: () => void): Promise<void> {
  if (names.length === 0) throw new InvalidArgumentError('names is required');
  // dockerd logs each saved image by ID once the archive is written
  const ids = [...new Set(names.map((n) => stores.images.resolve(n).id))];
  await saveImages(stores.images, names, out, onStart, stores.referrers);
  for (const id of ids) stores.images.logImageEvent('save', id, id);
}

/** Load a docker-save or OCI archive; what it tagged, or the ids of untagged images. */
export async function load(stores: TransferStores, archive: Readable): Promise<Loaded[]> {
  const loaded = await loadArchive(stores.images, archive, { tmpDir: stores.tmpDir, referrers: stores.referrers });
  for (const id of new Set(loaded.map((l) => l.id))) stores.images.logImageEvent('load', id, id);
  return loaded;
}

export interface ImportOptions { ref?: string; message?: string; changes?: string[] }

/** An image of one layer from a tar of a filesystem (docker import). */
export async function importTar(stores: TransferStores, tar: Readable, opts: ImportOptions = {}): Promise<{ id: string }> {
  const img = await importImage(stores.images, tar, opts);
  return { id: img.id };
}

export interface LoginOptions { serveraddress?: string; username?: string; password?: string; identitytoken?: string }

/** Check credentials against a registry's /v2/ (docker login). */
export async function login(opts: LoginOptions): Promise<void> {
  const server = String(opts.serveraddress || 'docker.io').replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  const domain = server === 'index.docker.io' || server === 'registry-1.docker.io' ? 'docker.io' : server;
  const creds: Credentials = { username: opts.username, password: opts.password, identitytoken: opts.identitytoken || undefined };
  const http = await connectRegistry(domain, creds, { ...registryHostsConfig(), mirrors: {} });
  http.close();
}

export interface Platform { os?: string; architecture?: string; variant?: string; [key: string]: unknown }
export interface DistributionInfo { Descriptor: { mediaType: string; digest: string; size: number }; Platforms: Platform[] }

/** What a registry says about a reference: its manifest's descriptor and the platforms of an index. */
export async function inspectDistribution(name: string, auth?: RegistryCredentials): Promise<DistributionInfo> {
  const named = parseNormalizedNamed(name);
  const reference = named.digest ?? named.tag ?? 'latest';
  const http = await connectRegistry(named.domain, auth, registryHostsConfig());
  try {
    const res = await http.send('GET', `/v2/${named.path}/manifests/${reference}`, { headers: { Accept: MANIFEST_ACCEPT }, scope: [{ repo: named.path, actions: ['pull'] }] });
    const raw = await readAll(res, 4 * 1024 * 1024);
    const doc = JSON.parse(raw.toString()) as { mediaType?: string; manifests?: Array<{ platform?: Platform }> };
    const digest = 'sha256:' + createHash('sha256').update(raw).digest('hex');
    const mediaType = doc.mediaType ?? String(res.headers['content-type'] ?? '');
    const platforms = Array.isArray(doc.manifests) ? doc.manifests.filter((m) => m.platform).map((m) => m.platform!) : [];
    return { Descriptor: { mediaType, digest, size: raw.length }, Platforms: platforms };
  } finally { http.close(); }
}
