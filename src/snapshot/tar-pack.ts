import type { Readable } from 'node:stream';
import { packTree } from './tree-pack.js';

/** tar stream of a whole directory tree (for export, bootstrap, commit of a flat dir) */
export function tarDirectory(dir: string): Readable {
  return packTree(dir, { overlayUpper: false });
}
