/** What both SPDX and CycloneDX say about the thing an SBOM describes (the image, container or directory). */
import { createHash } from 'node:crypto';
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

/** The short layer ID a person reads (12 hex digits, like `docker history`). */
export function shortLayer(digest: string | undefined): string {
  if (!digest) return '';
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return hex.slice(0, 12);
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

/**
 * Stable, unique references for packages inside one document: the purl when no other package has
 * it, else the purl and a hash of its locations (the same npm package installed twice).
 */
export function packageRefs(packages: SbomPackage[]): string[] {
  const count = new Map<string, number>();
  for (const p of packages) count.set(p.purl, (count.get(p.purl) ?? 0) + 1);
  const used = new Set<string>();
  return packages.map((p, i) => {
    let ref = p.purl;
    if ((count.get(p.purl) ?? 0) > 1) {
      const where = p.locations.map((l) => `${l.layerDigest ?? ''}${l.path}`).join('\n');
      ref = `${p.purl}#${createHash('sha256').update(where).digest('hex').slice(0, 12)}`;
    }
    if (used.has(ref)) ref = `${ref}-${i}`; // the very same package twice: still unique
    used.add(ref);
    return ref;
  });
}

/** The key that says two findings name the same installed package (same purl, same places). */
export function packageKey(p: SbomPackage): string {
  return `${p.purl}\n${p.locations.map((l) => `${l.layerDigest ?? ''}${l.path}`).join('\n')}`;
}
