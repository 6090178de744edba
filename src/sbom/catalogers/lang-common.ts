/** What the language catalogers share: partial reads, locations, and merging one package found twice. */
import type { FileTree, TreeEntry } from '../file-tree.js';
import type { PackageLocation, SbomPackage } from '../types.js';

/**
 * Bytes [offset, offset+length) of a file. Trees that can read part of a file do so; otherwise the file
 * is read whole, which the callers allow only for files under their size bound.
 */
export async function readFileRange(tree: FileTree, path: string, offset: number, length: number): Promise<Buffer> {
  if (tree.readRange) return tree.readRange(path, offset, length);
  const all = await tree.readFile(path);
  return all.subarray(offset, offset + length);
}

export function locationOf(entry: TreeEntry): PackageLocation {
  return entry.layerDigest ? { path: entry.path, layerDigest: entry.layerDigest } : { path: entry.path };
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function dirName(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * One package per purl: the same package found in several places (a lock file and its installed tree,
 * two copies of a jar) is one package with several locations. Licenses and metadata of the later finds
 * fill in what the first one lacked.
 */
export function mergeByPurl(pkgs: SbomPackage[]): SbomPackage[] {
  const byPurl = new Map<string, SbomPackage>();
  for (const p of pkgs) {
    const seen = byPurl.get(p.purl);
    if (!seen) { byPurl.set(p.purl, { ...p, locations: [...p.locations], licenses: [...p.licenses] }); continue; }
    for (const loc of p.locations) {
      if (!seen.locations.some((l) => l.path === loc.path && l.layerDigest === loc.layerDigest)) seen.locations.push(loc);
    }
    if (seen.licenses.length === 0) seen.licenses = [...p.licenses];
    if (p.metadata) seen.metadata = { ...p.metadata, ...seen.metadata };
  }
  return [...byPurl.values()];
}
