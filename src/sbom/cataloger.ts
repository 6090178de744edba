import type { FileTree } from './file-tree.js';
import type { DistroInfo, SbomPackage, SbomWarning } from './types.js';

export interface CatalogContext {
  tree: FileTree;
  distro?: DistroInfo;
  /** a file that could not be parsed: the rest goes on, and the SBOM says it is incomplete */
  warn(w: Omit<SbomWarning, 'cataloger'>): void;
}

/** One package database format (dpkg, apk, rpm, npm, Python, Go binaries, Java archives). */
export interface Cataloger {
  name: string;
  catalog(ctx: CatalogContext): Promise<SbomPackage[]>;
}
