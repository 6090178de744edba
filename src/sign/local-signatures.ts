/**
 * Where an image's signatures live locally: in the referrer store (image/referrers.ts), one referrer
 * manifest per signature manifest, with `subject` = the signed manifest digest and artifactType
 * SIGNATURE_ARTIFACT_TYPE; its layers are cosign's simple-signing layers (blob = payload, annotations
 * carry the signature). Signing, pull, load and the admission policy all go through these two calls.
 */
import type { ReferrerStore } from '../image/referrers.js';
import type { ContentStore } from '../store/content.js';
import { BUNDLE_V03_MEDIA_TYPE, SIGNATURE_ANNOTATION, SIGNATURE_ARTIFACT_TYPE, SIMPLESIGNING_MEDIA_TYPE, type CosignSignature } from './cosign-format.js';

/** Every signature stored for a manifest digest (layers without a signature annotation are skipped). */
export function localSignatures(referrers: ReferrerStore, content: ContentStore, manifestDigest: string): CosignSignature[] {
  const out: CosignSignature[] = [];
  const seen = new Set<string>(); // the same signature may arrive by the .sig tag and as a referrer
  for (const d of referrers.list(manifestDigest, SIGNATURE_ARTIFACT_TYPE)) {
    const { manifest } = referrers.manifest(d.digest);
    for (const layer of manifest.layers) {
      const signature = layer.annotations?.[SIGNATURE_ANNOTATION];
      if (layer.mediaType !== SIMPLESIGNING_MEDIA_TYPE || !signature || !content.has(layer.digest)) continue;
      if (seen.has(`${layer.digest} ${signature}`)) continue;
      seen.add(`${layer.digest} ${signature}`);
      out.push({ payload: content.read(layer.digest), signature, annotations: { ...layer.annotations } });
    }
  }
  return out;
}

/** The sigstore bundles (cosign's new bundle format) stored for a manifest digest, as JSON bytes. */
export function localBundles(referrers: ReferrerStore, content: ContentStore, manifestDigest: string): Buffer[] {
  const out: Buffer[] = [];
  const seen = new Set<string>();
  for (const d of referrers.list(manifestDigest, BUNDLE_V03_MEDIA_TYPE)) {
    for (const layer of referrers.manifest(d.digest).manifest.layers) {
      if (layer.mediaType !== BUNDLE_V03_MEDIA_TYPE || seen.has(layer.digest) || !content.has(layer.digest)) continue;
      seen.add(layer.digest);
      out.push(content.read(layer.digest));
    }
  }
  return out;
}
