import type { FileTree } from './file-tree.js';
import { UnionTree } from './union-tree.js';

/**
 * The union of an image's unpacked layers (berth's layer dirs are overlay lowerdirs), bottom first:
 * a later layer's whiteout or opaque directory hides what lies below it, and every entry names the
 * layer (diff ID) that holds its visible version.
 */
export function layeredTree(layers: Array<{ digest: string; dir: string }>): FileTree {
  return new UnionTree(layers, true);
}
