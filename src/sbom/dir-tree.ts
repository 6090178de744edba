import type { FileTree } from './file-tree.js';
import { UnionTree } from './union-tree.js';

/**
 * A directory as a tree: a plain directory, or a container's (mounted) root filesystem. Symlinks
 * resolve inside it as in an image; there are no layers, so entries carry no layer digest.
 */
export function dirTree(root: string): FileTree {
  return new UnionTree([{ dir: root }], false);
}
