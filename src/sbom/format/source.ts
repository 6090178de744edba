/** What both SPDX and CycloneDX say about the thing an SBOM describes (the image, container or directory). */
import { PackageURL } from 'packageurl-js';
import { fullName, parseNormalizedNamed } from '../../image/reference.js';
import type { SbomPackage, SbomSource } from '../types.js';

/**
 * purl-spec's `oci` type names an image by its digest (the manifest's when it has one, else the
 * image ID), with the repository and tag as qualifiers. Containers and directories have no purl.
 */
export function sourcePurl(source: SbomSource): string | undefined {
  if (source.type !== 'image') return undefined;
  const digest = source.manifestDigest ?? source.imageId;
  if (!digest) return undefined;
  let ref: ReturnType<typeof parseNormalizedNamed> | undefined;
  try { ref = parseNormalizedNamed(source.name); } catch { ref = undefined; } // an image ID, not a name
  if (!ref) return new PackageURL('oci', undefined, 'image', digest, undefined, undefined).toString();
  const repo = fullName(ref);
  const qualifiers: Record<string, string> = { repository_url: repo };
  if (ref.tag) qualifiers.tag = ref.tag;
  return new PackageURL('oci', undefined, ref.path.split('/').pop()!, digest, qualifiers, undefined).toString();
}

/** The version to show for the source: the image ID for images, nothing for the others. */
export function sourceVersion(source: SbomSource): string | undefined {
  return source.imageId;
}

/** The cataloger that reads each package type, for sourceInfo and properties. */
export function foundBy(type: SbomPackage['type']): string {
  switch (type) {
    case 'deb': return 'dpkg database';
    case 'apk': return 'apk database';
    case 'rpm': return 'rpm database';
    case 'npm': return 'npm package metadata';
    case 'python': return 'Python package metadata';
    case 'go-module': return 'Go module build info';
    case 'java-archive': return 'Java archive metadata';
  }
}

/** Where the package was found, one line per location: `/var/lib/dpkg/status (layer 1a2b3c4d5e6f)`. */
export function locationText(p: SbomPackage): string {
  return p.locations.map((l) => (l.layerDigest ? `${l.path} (layer ${l.layerDigest})` : l.path)).join(', ');
}
