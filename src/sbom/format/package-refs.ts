/** How documents name packages: kept apart from the writers so that the CLI's tables can use it lightly. */
import { createHash } from 'node:crypto';
import type { SbomPackage } from '../types.js';

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
