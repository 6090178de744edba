/**
 * Signatures in a registry, in both of cosign's forms: the `sha256-<hex>.sig` tag (read, and written
 * by merging with the layers already there, as cosign appends) and OCI 1.1 referrers of artifactType
 * SIGNATURE_ARTIFACT_TYPE (read here; written by pushReferrers, which sends every local referrer).
 * A registry without the tag or without the referrers API simply has no signatures of that form.
 */
import { DIGEST_RE, sha256 } from '../common/digest.js';
import { InvalidArgumentError } from '../common/errors.js';
import { log } from '../common/log.js';
import { MEDIA, type Descriptor } from '../image/image-format.js';
import { parseReferrerManifest, type ReferrerManifest, type ReferrerStore } from '../image/referrers.js';
import type { Progress } from '../registry/client/progress.js';
import { readAll, type RegistryHttp } from '../registry/client/http.js';
import { blobExists, uploadBlob, uploadBody } from '../registry/client/push.js';
import { pushReferrers } from '../registry/client/referrers.js';
import type { ContentStore } from '../store/content.js';
import { BUNDLE_V03_MEDIA_TYPE, SIGNATURE_ANNOTATION, SIGNATURE_ARTIFACT_TYPE, SIMPLESIGNING_MEDIA_TYPE, signatureTag, type CosignSignature } from './cosign-format.js';
import { localSignatures } from './local-signatures.js';
import { sameSignatureLayer, signatureLayer, storeBundle, storeSignature, tagSchemeManifest } from './signature-manifests.js';

const MAX_MANIFEST = 4 * 1024 * 1024;
/** a simple-signing payload is a few hundred bytes; annotations make it larger, never megabytes */
const MAX_PAYLOAD = 1024 * 1024;
/** signatures read per image and form: a .sig with thousands of layers is not ours to mirror */
const MAX_SIGNATURES = 256;
const MANIFEST_ACCEPT = `${MEDIA.ociManifest}, ${MEDIA.dockerManifest}`;
/** how registries without the referrers API answer it (404 mostly; some refuse the path or method) */
const NO_REFERRERS_API = [404, 400, 405, 501];

function reason(e: unknown): string { return e instanceof Error ? e.message : String(e); }

async function getManifest(http: RegistryHttp, repo: string, reference: string): Promise<Buffer | undefined> {
  const res = await http.send('GET', `/v2/${repo}/manifests/${reference}`, { scope: [{ repo, actions: ['pull'] }], headers: { Accept: MANIFEST_ACCEPT }, accept: [404], retries: 1 });
  if (res.statusCode === 404) { res.resume(); return undefined; }
  const raw = await readAll(res, MAX_MANIFEST);
  if (DIGEST_RE.test(reference) && sha256(raw) !== reference) throw new InvalidArgumentError(`manifest ${reference} has digest ${sha256(raw)}`, 'ERR_DIGEST_MISMATCH');
  return raw;
}

async function getPayload(http: RegistryHttp, repo: string, layer: Descriptor): Promise<Buffer> {
  if (layer.size > MAX_PAYLOAD) throw new InvalidArgumentError(`signature payload ${layer.digest} is ${layer.size} bytes, more than ${MAX_PAYLOAD}`, 'ERR_SIGN_PAYLOAD_INVALID');
  const res = await http.send('GET', `/v2/${repo}/blobs/${layer.digest}`, { scope: [{ repo, actions: ['pull'] }] });
  const data = await readAll(res, MAX_PAYLOAD);
  if (sha256(data) !== layer.digest) throw new InvalidArgumentError(`signature payload ${layer.digest} has digest ${sha256(data)}`, 'ERR_DIGEST_MISMATCH');
  return data;
}

/** The signature layers of a manifest (others, e.g. attestations, are skipped). */
function signatureLayers(doc: any): Descriptor[] {
  const layers: unknown = doc?.layers;
  if (!Array.isArray(layers)) return [];
  return layers.filter((l): l is Descriptor => !!l && l.mediaType === SIMPLESIGNING_MEDIA_TYPE && typeof l.digest === 'string' && DIGEST_RE.test(l.digest)
    && typeof l.size === 'number' && typeof l.annotations?.[SIGNATURE_ANNOTATION] === 'string');
}

async function layersToSignatures(http: RegistryHttp, repo: string, layers: Descriptor[], out: CosignSignature[], seen: Set<string>): Promise<void> {
  for (const l of layers) {
    if (out.length >= MAX_SIGNATURES) return;
    const key = `${l.digest} ${l.annotations![SIGNATURE_ANNOTATION]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ payload: await getPayload(http, repo, l), signature: l.annotations![SIGNATURE_ANNOTATION]!, annotations: { ...l.annotations } });
  }
}

/** The `.sig` manifest of a digest, parsed; undefined when there is none. */
async function tagSchemeLayers(http: RegistryHttp, repo: string, digest: string): Promise<Descriptor[] | undefined> {
  const raw = await getManifest(http, repo, signatureTag(digest));
  if (!raw) return undefined;
  let doc: any;
  try { doc = JSON.parse(raw.toString('utf8')); } catch { throw new InvalidArgumentError(`${repo}:${signatureTag(digest)} is not valid JSON`, 'ERR_MANIFEST_INVALID'); }
  return Array.isArray(doc?.layers) ? doc.layers as Descriptor[] : [];
}

/**
 * The referrer manifests of `artifactType` the registry's referrers API lists for `digest`, fetched one at a
 * time while `more()` holds; none from a registry without the API. A listed manifest whose subject is another
 * digest is skipped (a registry that lists what does not refer to it).
 */
async function* referrerManifests(http: RegistryHttp, repo: string, digest: string, artifactType: string, more: () => boolean): AsyncGenerator<ReferrerManifest> {
  const res = await http.send('GET', `/v2/${repo}/referrers/${digest}?artifactType=${encodeURIComponent(artifactType)}`, {
    scope: [{ repo, actions: ['pull'] }], headers: { Accept: MEDIA.ociIndex }, accept: NO_REFERRERS_API, retries: 0,
  });
  if (NO_REFERRERS_API.includes(res.statusCode ?? 0)) { res.resume(); return; } // no referrers API: the tag scheme is all there is
  const index = JSON.parse((await readAll(res, MAX_MANIFEST)).toString('utf8')) as { manifests?: Array<{ digest?: unknown; artifactType?: unknown }> };
  for (const d of (Array.isArray(index.manifests) ? index.manifests : []).filter((m) => m.artifactType === artifactType)) {
    if (!more()) return;
    const ref = String(d.digest);
    if (!DIGEST_RE.test(ref)) continue;
    const raw = await getManifest(http, repo, ref);
    if (!raw) continue;
    const m = parseReferrerManifest(raw);
    if (m.subject.digest === digest) yield m;
  }
}

/**
 * Every signature the registry holds for `digest` in `repo` (tag scheme, then referrers), deduplicated.
 * A form that cannot be read is logged and skipped unless `strict`.
 */
export async function fetchRemoteSignatures(http: RegistryHttp, repo: string, digest: string, opts: { strict?: boolean; warn?: (m: string) => void } = {}): Promise<CosignSignature[]> {
  const out: CosignSignature[] = [];
  const seen = new Set<string>();
  const fail = (what: string, e: unknown) => {
    if (opts.strict) throw e;
    log.debug('signature fetch failed', { repo, digest, what, error: reason(e) });
    opts.warn?.(`warning: ${what} of ${digest} were not fetched: ${reason(e)}`);
  };
  try {
    const layers = await tagSchemeLayers(http, repo, digest);
    if (layers) await layersToSignatures(http, repo, signatureLayers({ layers }), out, seen);
  } catch (e) { fail('signatures (tag scheme)', e); }
  try {
    for await (const m of referrerManifests(http, repo, digest, SIGNATURE_ARTIFACT_TYPE, () => out.length < MAX_SIGNATURES)) {
      await layersToSignatures(http, repo, signatureLayers(m), out, seen);
    }
  } catch (e) { fail('signatures (referrers)', e); }
  return out;
}

/**
 * The sigstore bundles (cosign's new bundle format) the registry's referrers API lists for `digest`;
 * none from a registry without the API. Failures throw when `strict`, else are warnings.
 */
export async function fetchRemoteBundles(http: RegistryHttp, repo: string, digest: string, opts: { strict?: boolean; warn?: (m: string) => void } = {}): Promise<Buffer[]> {
  const out: Buffer[] = [];
  try {
    const seen = new Set<string>();
    for await (const m of referrerManifests(http, repo, digest, BUNDLE_V03_MEDIA_TYPE, () => out.length < MAX_SIGNATURES)) {
      for (const l of m.layers.filter((x) => x.mediaType === BUNDLE_V03_MEDIA_TYPE && !seen.has(x.digest))) {
        seen.add(l.digest);
        out.push(await getPayload(http, repo, l));
      }
    }
  } catch (e) {
    if (opts.strict) throw e;
    log.debug('bundle fetch failed', { repo, digest, error: reason(e) });
    opts.warn?.(`warning: sigstore bundles of ${digest} were not fetched: ${reason(e)}`);
  }
  return out;
}

/** Upload a blob held in memory (the `.sig` config, which is never stored locally). */
async function uploadBytes(http: RegistryHttp, repo: string, data: Buffer): Promise<void> {
  const digest = sha256(data);
  if (await blobExists(http, repo, digest)) return;
  await uploadBody(http, repo, digest, data.length, () => data);
}

export interface PushedSignatures { tag: string; tagDigest: string; layers: number; referrers: number }

/**
 * Push the local signatures of `subject` to `repo`: the `.sig` tag (the registry's layers first, the
 * new ones appended, as cosign does) and each signature's referrer manifest. Nothing is sent when
 * there are no local signatures.
 */
export async function pushSignatures(http: RegistryHttp, content: ContentStore, referrers: ReferrerStore, repo: string, subject: string,
  opts: { referrersToo?: boolean; progress?: Progress } = {}): Promise<PushedSignatures | undefined> {
  const local = localSignatures(referrers, content, subject);
  if (local.length === 0) return undefined;
  const existing = (await tagSchemeLayers(http, repo, subject)) ?? [];
  const layers = [...existing];
  const fresh: Descriptor[] = [];
  for (const sig of local) {
    const l = signatureLayer(sig);
    if (layers.some((x) => sameSignatureLayer(x, l))) continue;
    layers.push(l);
    fresh.push(l);
  }
  const tag = signatureTag(subject);
  const scope = [{ repo, actions: ['pull', 'push'] }];
  let tagDigest = '';
  if (fresh.length > 0 || existing.length === 0) {
    for (const l of fresh) if (!(await blobExists(http, repo, l.digest))) await uploadBlob(http, content, repo, l.digest, l.size);
    const m = tagSchemeManifest(layers);
    await uploadBytes(http, repo, m.config);
    const res = await http.send('PUT', `/v2/${repo}/manifests/${tag}`, { scope, headers: { 'Content-Type': MEDIA.ociManifest, 'Content-Length': m.raw.length }, body: () => m.raw });
    await readAll(res);
    tagDigest = m.digest;
    opts.progress?.status(`${tag}: pushed ${fresh.length} signature${fresh.length === 1 ? '' : 's'} (${layers.length} in all)`);
  }
  let pushedReferrers = 0;
  if (opts.referrersToo) {
    pushedReferrers = await pushReferrers(http, content, referrers, repo, subject, opts.progress);
  }
  return { tag, tagDigest, layers: layers.length, referrers: pushedReferrers };
}

/** After a pull: store the registry's signatures of the pulled manifests (failures are warnings). */
export async function pullSignatures(referrers: ReferrerStore, content: ContentStore, http: RegistryHttp, repo: string,
  subjects: Descriptor[], progress?: Progress): Promise<number> {
  let n = 0;
  for (const subject of subjects) {
    const sigs = await fetchRemoteSignatures(http, repo, subject.digest, { warn: (m) => progress?.status(m) });
    const bundles = await fetchRemoteBundles(http, repo, subject.digest, { warn: (m) => progress?.status(m) });
    for (const s of [...sigs, ...bundles]) {
      try {
        await (Buffer.isBuffer(s) ? storeBundle(referrers, content, subject, s) : storeSignature(referrers, content, subject, s));
        n++;
      } catch (e) {
        progress?.status(`warning: a signature of ${subject.digest} was not stored: ${(e as Error).message}`);
      }
    }
    if (sigs.length) progress?.status(`${subject.digest}: pulled ${sigs.length} signature${sigs.length === 1 ? '' : 's'}`);
    if (bundles.length) progress?.status(`${subject.digest}: pulled ${bundles.length} sigstore bundle${bundles.length === 1 ? '' : 's'}`);
  }
  return n;
}
