/**
 * Signatures through the engine (docs/signing.md). The private key never reaches the daemon: the CLI
 * asks for the signing target (the repository and the digest the registry serves), signs the payload
 * itself and hands payload + signature back; the engine stores it as a local referrer
 * (sign/local-signatures.ts) and pushes it to the registry with its credentials. Verification also
 * happens in the CLI, over the signatures the engine lists (local, or the registry's).
 */
import { BerthError, InvalidArgumentError } from '../common/errors.js';
import { parseNormalizedNamed, type ParsedReference } from '../image/reference.js';
import type { ImageRecord } from '../image/image-store.js';
import { MEDIA, type Descriptor } from '../image/image-format.js';
import { connectRegistry } from '../registry/client/pull.js';
import { registryHostsConfig } from '../registry/client/daemon-config.js';
import type { Credentials } from '../registry/client/http.js';
import type { Progress } from '../registry/client/progress.js';
import { parsePayload, type CosignSignature } from '../sign/cosign-format.js';
import { localBundles, localSignatures } from '../sign/local-signatures.js';
import { cosignRepositoryName } from '../sign/payload.js';
import { fetchRemoteBundles, fetchRemoteSignatures, pushSignatures } from '../sign/remote-signatures.js';
import { storeSignature } from '../sign/signature-manifests.js';
import type { ContentStore } from '../store/content.js';
import type { Engine } from './engine.js';
import { inspectDistribution } from './image-transfer.js';

/** What a signature of a local image must name. */
export interface SigningTarget {
  /** the repository the image is known by, e.g. `localhost:5000/app` (normalised) */
  repository: string;
  /** cosign's `docker-reference` for it (Docker Hub as index.docker.io) */
  dockerReference: string;
  /** the manifest (or index) digest the registry serves: the RepoDigest of that repository, else the local manifest's */
  manifestDigest: string;
  mediaType: string;
  size: number;
  imageId: string;
  /** the digest is known to be in the registry (the image was pushed or pulled there) */
  inRegistry: boolean;
}

export interface WireSignature { payload: string; signature: string; annotations: Record<string, string> }

export function toWire(s: CosignSignature): WireSignature {
  return { payload: s.payload.toString('base64'), signature: s.signature, annotations: s.annotations };
}

/** The reference `name` stands for when it names `img` (not an ID), else the image's first tag or digest. */
function referenceOf(name: string, img: ImageRecord): ParsedReference {
  try {
    const named = parseNormalizedNamed(name);
    const repo = `${named.domain}/${named.path}`;
    if (img.repoTags.some((t) => t.startsWith(`${repo}:`)) || img.repoDigests.some((d) => d.startsWith(`${repo}@`))) return named;
  } catch { /* an image ID */ }
  const first = img.repoTags[0] ?? img.repoDigests[0];
  if (!first) throw new InvalidArgumentError(`image ${name} has no repository name to sign it for: tag it first`, 'ERR_SIGN_NO_DIGEST');
  return parseNormalizedNamed(first);
}

function descriptorOf(content: ContentStore, img: ImageRecord, digest: string): { mediaType: string; size: number } {
  if (!content.has(digest)) throw new InvalidArgumentError(`the manifest ${digest} of image ${img.id} is not stored here`, 'ERR_SIGN_NO_DIGEST');
  let mediaType = digest === img.manifestDigest ? img.manifestMediaType ?? undefined : undefined;
  if (!mediaType) {
    const doc = JSON.parse(content.read(digest).toString('utf8')) as { mediaType?: string; manifests?: unknown };
    mediaType = doc.mediaType ?? (Array.isArray(doc.manifests) ? MEDIA.ociIndex : MEDIA.ociManifest);
  }
  return { mediaType, size: content.size(digest) };
}

export function signingTarget(engine: Engine, name: string): SigningTarget {
  const img = engine.images.resolve(name); // Docker's "No such image: X"
  const ref = referenceOf(name, img);
  const repository = `${ref.domain}/${ref.path}`;
  const fromRegistry = ref.digest && img.repoDigests.includes(`${repository}@${ref.digest}`) ? ref.digest
    : img.repoDigests.find((d) => d.startsWith(`${repository}@`))?.slice(repository.length + 1);
  const manifestDigest = fromRegistry ?? img.manifestDigest;
  if (!manifestDigest) throw new InvalidArgumentError(`image ${name} has no manifest digest to sign`, 'ERR_SIGN_NO_DIGEST');
  return {
    repository, dockerReference: cosignRepositoryName(ref.domain, ref.path), manifestDigest,
    ...descriptorOf(engine.content, img, manifestDigest), imageId: img.id, inRegistry: fromRegistry !== undefined,
  };
}

export interface AddSignatureOptions {
  payload: Buffer;
  /** base64 of the DER signature */
  signature: string;
  /** further layer annotations (certificate, bundle) as cosign would set them */
  annotations?: Record<string, string>;
  /** push to the image's registry too (cosign's --upload, default true) */
  upload?: boolean;
  auth?: Credentials;
  progress?: Progress;
}

export interface AddedSignature { referrer: string; manifestDigest: string; uploaded: boolean; warnings: string[] }

/** Store a signature made for the image's signing target and (by default) push it to the registry. */
export async function addSignature(engine: Engine, name: string, opts: AddSignatureOptions): Promise<AddedSignature> {
  const target = signingTarget(engine, name);
  const payload = parsePayload(opts.payload);
  const claimed = payload.critical.image['docker-manifest-digest'];
  if (claimed !== target.manifestDigest) {
    throw new InvalidArgumentError(`the signature is for ${claimed}, not for ${target.manifestDigest}, the digest of ${name}`, 'ERR_SIGN_DIGEST_MISMATCH');
  }
  const der = /^[A-Za-z0-9+/]+={0,2}$/.test(opts.signature) ? Buffer.from(opts.signature, 'base64') : Buffer.alloc(0);
  if (der.length < 8) throw new InvalidArgumentError('the signature is not base64 of a DER signature', 'ERR_SIGN_SIGNATURE_INVALID');
  const subject: Descriptor = { mediaType: target.mediaType, digest: target.manifestDigest, size: target.size };
  const referrer = await storeSignature(engine.referrers, engine.content, subject, { payload: opts.payload, signature: opts.signature, annotations: opts.annotations ?? {} });
  const warnings: string[] = [];
  if (opts.upload === false) return { referrer, manifestDigest: target.manifestDigest, uploaded: false, warnings };
  if (!target.inRegistry) {
    warnings.push(`image ${name} is not in a registry yet: the signature is stored here and pushed with the image (berth push)`);
    return { referrer, manifestDigest: target.manifestDigest, uploaded: false, warnings };
  }
  const named = parseNormalizedNamed(target.repository);
  try {
    const http = await connectRegistry(named.domain, opts.auth, { ...registryHostsConfig(), mirrors: {} });
    try {
      await pushSignatures(http, engine.content, engine.referrers, named.path, target.manifestDigest, { referrersToo: true, progress: opts.progress });
    } finally { http.close(); }
  } catch (e) {
    throw new BerthError(`the signature is stored locally but was not pushed to ${target.repository}: ${(e as Error).message}`, { code: 'ERR_SIGN_UPLOAD', status: 502, cause: e });
  }
  return { referrer, manifestDigest: target.manifestDigest, uploaded: true, warnings };
}

export interface ListedSignatures {
  /** the repository and the digest the signatures are for */
  repository: string;
  manifestDigest: string;
  /** where they were read: the local store, or the registry (the image is not local, or remote was asked) */
  source: 'local' | 'registry';
  signatures: CosignSignature[];
  /** sigstore bundles (cosign's new bundle format), JSON bytes each */
  bundles: Buffer[];
}

/** The signatures of an image: the local ones, or (`remote`, or no such local image) the registry's. */
export async function listSignatures(engine: Engine, name: string, opts: { remote?: boolean; auth?: Credentials } = {}): Promise<ListedSignatures> {
  const local = opts.remote ? undefined : engine.images.tryResolve(name);
  if (local) {
    const t = signingTarget(engine, name);
    return { repository: t.repository, manifestDigest: t.manifestDigest, source: 'local', signatures: localSignatures(engine.referrers, engine.content, t.manifestDigest), bundles: localBundles(engine.referrers, engine.content, t.manifestDigest) };
  }
  const named = parseNormalizedNamed(name);
  const digest = named.digest ?? (await inspectDistribution(name, opts.auth)).Descriptor.digest;
  const http = await connectRegistry(named.domain, opts.auth, registryHostsConfig());
  try {
    return {
      repository: `${named.domain}/${named.path}`, manifestDigest: digest, source: 'registry',
      signatures: await fetchRemoteSignatures(http, named.path, digest, { strict: true }), bundles: await fetchRemoteBundles(http, named.path, digest, { strict: true }),
    };
  } finally { http.close(); }
}
