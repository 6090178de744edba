/** What the language catalogers share: partial reads, locations, and merging one package found twice. */
import type { FileTree, TreeEntry } from '../file-tree.js';
import type { PackageLocation, SbomPackage } from '../types.js';

export type RangeReader = (offset: number, length: number) => Promise<Buffer>;

/**
 * Run `use` with reads at offsets into a file: through the tree's openFile when it has one (only the
 * bytes asked for are read), else over the whole file read once, which is done only for files up to
 * `maxWholeBytes` (undefined is returned for larger ones).
 */
export async function withFileReader<T>(tree: FileTree, entry: TreeEntry, maxWholeBytes: number,
  use: (read: RangeReader, size: number) => Promise<T>): Promise<T | undefined> {
  if (tree.openFile) {
    const f = await tree.openFile(entry.path);
    try { return await use((o, l) => f.read(o, l), f.size); } finally { await f.close(); }
  }
  if (entry.size > maxWholeBytes) return undefined;
  const all = await tree.readFile(entry.path);
  return use(async (o, l) => all.subarray(o, o + l), all.length);
}

/*
 * One walk of the tree for all language catalogers: each registers the files it wants at import, the
 * first to run walks once for all of them, the others filter what that walk kept. (Four walks of a
 * Debian image's ~9,000 entries cost more than the catalogers' own work.)
 */
const interests: Array<(e: TreeEntry) => boolean> = [];
const walked = new WeakMap<FileTree, { interests: number; entries: TreeEntry[] }>();

/** Register the files a cataloger wants; the function returned lists them in a tree (depth first). */
export function languageFiles(wanted: (e: TreeEntry) => boolean): (tree: FileTree) => TreeEntry[] {
  interests.push(wanted);
  return (tree) => {
    let cached = walked.get(tree);
    if (!cached || cached.interests !== interests.length) {
      const tests = [...interests];
      cached = { interests: tests.length, entries: [...tree.walk('/', (e) => tests.some((t) => t(e)))] };
      walked.set(tree, cached);
    }
    return cached.entries.filter(wanted);
  };
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
