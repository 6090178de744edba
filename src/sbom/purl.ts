/**
 * Package URLs (https://github.com/package-url/purl-spec) for every cataloger, built with
 * packageurl-js so that encoding and qualifier order are the spec's and the same everywhere.
 */
import { PackageURL } from 'packageurl-js';
import type { DistroInfo } from './types.js';

export function purl(type: string, namespace: string | undefined, name: string, version: string | undefined,
  qualifiers?: Record<string, string | undefined>, subpath?: string): string {
  const q: Record<string, string> = {};
  for (const [k, v] of Object.entries(qualifiers ?? {})) if (v !== undefined && v !== '') q[k] = v;
  return new PackageURL(type, namespace ?? undefined, name, version || undefined, Object.keys(q).length > 0 ? q : undefined, subpath).toString();
}

/** The `distro` qualifier as syft writes it: `debian-12`, `alpine-3.19.1`; just the ID when there is no version. */
export function distroQualifier(distro: DistroInfo | undefined): string | undefined {
  if (!distro) return undefined;
  return distro.versionId ? `${distro.id}-${distro.versionId}` : distro.id;
}

/**
 * `upstream` qualifier for an OS package built from a differently named or versioned source:
 * `glibc`, or `glibc@2.36-9` when the source version differs too (as syft writes it).
 */
export function upstreamQualifier(name: string, version: string, sourceName?: string, sourceVersion?: string): string | undefined {
  if (!sourceName) return undefined;
  if (sourceVersion && sourceVersion !== version) return `${sourceName}@${sourceVersion}`;
  if (sourceName !== name) return sourceName;
  return undefined;
}
