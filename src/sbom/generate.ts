/**
 * Runs the catalogers over a tree and assembles the SBOM. A cataloger that throws becomes a warning
 * (the SBOM then says it is incomplete) and the others go on; the same package found twice (same
 * purl, e.g. a jar listed by two catalogers or a package in two status files) is one package with
 * both locations.
 */
import { BERTH_VERSION } from '../common/version.js';
import type { Cataloger, CatalogContext } from './cataloger.js';
import { CATALOGERS } from './catalogers/index.js';
import { detectDistro } from './distro.js';
import type { FileTree } from './file-tree.js';
import type { PackageLocation, Sbom, SbomPackage, SbomSource, SbomWarning } from './types.js';

export interface GenerateOptions { catalogers?: Cataloger[]; signal?: AbortSignal }

export async function generateSbom(tree: FileTree, source: SbomSource, opts: GenerateOptions = {}): Promise<Sbom> {
  opts.signal?.throwIfAborted();
  const distro = await detectDistro(tree);
  const warnings: SbomWarning[] = [];
  const found: SbomPackage[] = [];
  for (const cataloger of opts.catalogers ?? CATALOGERS) {
    opts.signal?.throwIfAborted();
    const ctx: CatalogContext = {
      tree,
      ...(distro ? { distro } : {}),
      warn: (w) => warnings.push({ ...w, cataloger: cataloger.name }),
    };
    try {
      found.push(...await cataloger.catalog(ctx));
    } catch (e) {
      warnings.push({ path: '/', cataloger: cataloger.name, message: `cataloger failed: ${(e as Error)?.message ?? String(e)}` });
    }
  }
  opts.signal?.throwIfAborted();
  return {
    source,
    ...(distro ? { distro } : {}),
    packages: sortPackages(mergePackages(found)),
    warnings,
    created: new Date().toISOString(),
    tool: { name: 'berth', version: BERTH_VERSION },
  };
}

function locationKey(l: PackageLocation): string {
  return `${l.layerDigest ?? ''}\0${l.path}`;
}

/** One package per purl; later finds add their locations and licenses to the first. */
export function mergePackages(pkgs: SbomPackage[]): SbomPackage[] {
  const byPurl = new Map<string, SbomPackage>();
  for (const p of pkgs) {
    const have = byPurl.get(p.purl);
    if (!have) {
      byPurl.set(p.purl, { ...p, licenses: [...p.licenses], locations: [...p.locations] });
      continue;
    }
    const keys = new Set(have.locations.map(locationKey));
    for (const l of p.locations) if (!keys.has(locationKey(l))) { have.locations.push(l); keys.add(locationKey(l)); }
    for (const lic of p.licenses) if (!have.licenses.includes(lic)) have.licenses.push(lic);
    if (p.metadata) have.metadata = { ...p.metadata, ...have.metadata };
  }
  return [...byPurl.values()];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortPackages(pkgs: SbomPackage[]): SbomPackage[] {
  return pkgs.sort((a, b) => cmp(a.type, b.type) || cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.purl, b.purl));
}
