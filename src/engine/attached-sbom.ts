/**
 * SBOMs attached to images: `berth build --sbom` makes the new image's SBOM (SPDX 2.3 JSON) and stores
 * it as an OCI referrer of the image's manifest (artifactType `application/spdx+json`); push sends it
 * along, pull fetches it from registries that serve the referrers API, and `berth sbom` reads it back
 * with attachedSbom() instead of cataloguing the image again.
 */
import { NotSupportedError } from '../common/errors.js';
import type { ImageRecord } from '../image/image-store.js';
import { MEDIA } from '../image/image-format.js';
import type { ReferrerDescriptor } from '../image/referrers.js';
import type { Engine } from './engine.js';

export const SPDX_ARTIFACT_TYPE = 'application/spdx+json';

/**
 * The digests an image's referrers may name as subject: its own manifest, and the manifests it was
 * pulled by (an index's digest, when the attached SBOM refers to the index).
 */
export function referrerSubjects(images: ImageRecord[]): string[] {
  const out = new Set<string>();
  for (const img of images) {
    if (img.manifestDigest) out.add(img.manifestDigest);
    for (const r of img.repoDigests) out.add(r.slice(r.lastIndexOf('@') + 1));
  }
  return [...out];
}

export interface AttachedSbom {
  /** the referrer manifest's descriptor */
  referrer: ReferrerDescriptor;
  /** the image manifest it refers to */
  subject: string;
  /** the SPDX JSON document */
  document: Buffer;
}

/** Generate the image's SBOM and attach it; the referrer's descriptor. */
export async function attachSbom(engine: Engine, image: string, opts: { signal?: AbortSignal } = {}): Promise<ReferrerDescriptor> {
  const img = engine.images.resolve(image);
  if (!img.manifestDigest) throw new NotSupportedError(`image ${image} has no manifest to attach an SBOM to`, 'ERR_SBOM');
  const sbom = await engine.sbom({ image: img.repoTags[0] ?? img.id }, { signal: opts.signal });
  // the SPDX writer is loaded here, not with the engine: only `build --sbom` and `sbom attach` write one
  const { toSpdx } = await import('../sbom/format/spdx.js');
  const document = Buffer.from(JSON.stringify(toSpdx(sbom), null, 2) + '\n');
  const subject = { mediaType: img.manifestMediaType ?? MEDIA.ociManifest, digest: img.manifestDigest, size: engine.content.size(img.manifestDigest) };
  return engine.referrers.attach(subject, SPDX_ARTIFACT_TYPE, document, { 'org.opencontainers.image.created': sbom.created });
}

/** The newest SPDX SBOM attached to an image, with where it came from; undefined when none is. */
export function attachedSbomInfo(engine: Engine, image: string): AttachedSbom | undefined {
  const img = engine.images.resolve(image); // "No such image: X" as Docker words it
  for (const subject of referrerSubjects([img])) {
    for (const referrer of engine.referrers.list(subject, SPDX_ARTIFACT_TYPE)) {
      const { manifest } = engine.referrers.manifest(referrer.digest);
      const layer = manifest.layers.find((l) => l.mediaType === SPDX_ARTIFACT_TYPE) ?? manifest.layers[0];
      if (layer && engine.content.has(layer.digest)) return { referrer, subject, document: engine.content.read(layer.digest) };
    }
  }
  return undefined;
}

/** The SPDX JSON document attached to an image, or undefined when the image has none. */
export function attachedSbom(engine: Engine, image: string): Buffer | undefined {
  return attachedSbomInfo(engine, image)?.document;
}
