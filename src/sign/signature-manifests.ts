/**
 * The two manifests a signature travels in, and its local form:
 * - cosign's tag scheme: an OCI image manifest tagged `sha256-<hex>.sig` whose layers are the
 *   simple-signing payloads (one per signature, the signature in the layer's annotation) and whose
 *   config is the image config go-containerregistry writes for such an image (diff_ids = the layers);
 * - OCI 1.1: a referrer manifest (artifactType SIGNATURE_ARTIFACT_TYPE, the empty config, the
 *   signature's layer, `subject` = the signed manifest). Locally every signature is stored in this
 *   form, one manifest per signature (local-signatures.ts reads them); the same bytes are pushed.
 */
import { sha256 } from '../common/digest.js';
import { MEDIA, type Descriptor } from '../image/image-format.js';
import { EMPTY_CONFIG, type ReferrerManifest, type ReferrerStore } from '../image/referrers.js';
import type { ContentStore } from '../store/content.js';
import { BUNDLE_V03_MEDIA_TYPE, COSIGN_SIGN_PREDICATE, SIGNATURE_ANNOTATION, SIGNATURE_ARTIFACT_TYPE, SIMPLESIGNING_MEDIA_TYPE, type CosignSignature } from './cosign-format.js';

export const EMPTY_CONFIG_BYTES = Buffer.from('{}');

/** The layer descriptor of one signature (blob = payload). */
export function signatureLayer(sig: CosignSignature): Descriptor {
  return {
    mediaType: SIMPLESIGNING_MEDIA_TYPE,
    digest: sha256(sig.payload),
    size: sig.payload.length,
    annotations: { ...sig.annotations, [SIGNATURE_ANNOTATION]: sig.signature },
  };
}

/** The referrer manifest of one signature (deterministic: the same signature gives the same digest). */
export function signatureReferrer(subject: Descriptor, sig: CosignSignature): { raw: Buffer; digest: string; manifest: ReferrerManifest } {
  const manifest: ReferrerManifest = {
    schemaVersion: 2,
    mediaType: MEDIA.ociManifest,
    artifactType: SIGNATURE_ARTIFACT_TYPE,
    config: EMPTY_CONFIG,
    layers: [signatureLayer(sig)],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  };
  const raw = Buffer.from(JSON.stringify(manifest));
  return { raw, digest: sha256(raw), manifest };
}

/** Store one signature of `subject` locally (payload blob, empty config, referrer manifest); its referrer digest. */
export async function storeSignature(referrers: ReferrerStore, content: ContentStore, subject: Descriptor, sig: CosignSignature): Promise<string> {
  const { raw, digest } = signatureReferrer(subject, sig);
  if (referrers.list(subject.digest, SIGNATURE_ARTIFACT_TYPE).some((d) => d.digest === digest)) return digest;
  await content.put(EMPTY_CONFIG_BYTES, EMPTY_CONFIG.digest);
  await content.put(sig.payload, sha256(sig.payload));
  await referrers.add(raw, digest);
  return digest;
}

/** Two layers carry the same signature when payload and signature are equal. */
export function sameSignatureLayer(a: Descriptor, b: Descriptor): boolean {
  return a.digest === b.digest && a.annotations?.[SIGNATURE_ANNOTATION] === b.annotations?.[SIGNATURE_ANNOTATION];
}

/**
 * cosign's `.sig` manifest over these layers, with the config go-containerregistry's empty image gets
 * after appending them (zero times, empty architecture and os, one history entry per layer).
 */
export function tagSchemeManifest(layers: Descriptor[]): { raw: Buffer; digest: string; config: Buffer } {
  const zero = '0001-01-01T00:00:00Z';
  const config = Buffer.from(JSON.stringify({
    architecture: '', created: zero, history: layers.map(() => ({ created: zero })), os: '',
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) }, config: {},
  }));
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA.ociManifest,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: config.length, digest: sha256(config) },
    layers: layers.map((l) => ({ mediaType: l.mediaType, size: l.size, digest: l.digest, ...(l.annotations ? { annotations: l.annotations } : {}) })),
  };
  const raw = Buffer.from(JSON.stringify(manifest));
  return { raw, digest: sha256(raw), config };
}

/**
 * Store a sigstore bundle of `subject` locally, as the referrer cosign pushes for it (artifactType and
 * layer of the bundle's media type, the empty config); its referrer digest.
 */
export async function storeBundle(referrers: ReferrerStore, content: ContentStore, subject: Descriptor, bundle: Buffer): Promise<string> {
  const manifest: ReferrerManifest = {
    schemaVersion: 2,
    mediaType: MEDIA.ociManifest,
    artifactType: BUNDLE_V03_MEDIA_TYPE,
    config: EMPTY_CONFIG,
    layers: [{ mediaType: BUNDLE_V03_MEDIA_TYPE, digest: sha256(bundle), size: bundle.length,
      annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': COSIGN_SIGN_PREDICATE } }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  };
  const raw = Buffer.from(JSON.stringify(manifest));
  const digest = sha256(raw);
  if (referrers.list(subject.digest, BUNDLE_V03_MEDIA_TYPE).some((d) => d.digest === digest)) return digest;
  await content.put(EMPTY_CONFIG_BYTES, EMPTY_CONFIG.digest);
  await content.put(bundle, sha256(bundle));
  await referrers.add(raw, digest);
  return digest;
}
