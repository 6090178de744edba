/**
 * What catalogers read: a read-only view of a root filesystem. For an image it is the union of its
 * layers, with overlay whiteouts and opaque directories honoured, and each file knows the layer it
 * came from; for a directory or a container's filesystem there is no layer.
 */
export interface TreeEntry {
  /** absolute path inside the tree, `/`-separated */
  path: string;
  kind: 'file' | 'dir' | 'symlink' | 'other';
  size: number;
  mode: number;
  /** diff ID of the layer the visible version of this path comes from */
  layerDigest?: string;
}

export interface FileTree {
  /** the entry for a path, or undefined when it does not exist (symlinks are not followed) */
  stat(path: string): TreeEntry | undefined;
  /** the contents of a regular file (symlinks in the final component are followed inside the tree) */
  readFile(path: string): Promise<Buffer>;
  /**
   * A regular file opened for reads at offsets, when the tree can read part of a file: catalogers that
   * look into large binaries (ELF headers, Go build info) read the few KB they need, not the file.
   */
  openFile?(path: string): Promise<OpenedFile>;
  /** the names in a directory (empty when it is not one) */
  readDir(path: string): string[];
  /**
   * Every entry below `dir` whose path matches `test`, depth first, without crossing into /proc,
   * /sys or /dev. Bounded by the tree's size.
   */
  walk(dir: string, test: (entry: TreeEntry) => boolean): Iterable<TreeEntry>;
  /**
   * Images only: the copies of a regular file that the layers hold, top first, as far down as they
   * are not hidden (a whiteout, an opaque directory, or a non-file stops the list); the first is the
   * visible one. A cataloger compares them to name the layer that added a package to a database
   * file that later layers rewrote. Absent or empty for trees without layers.
   */
  layerCopies?(path: string): LayerCopy[];
}

/** A file opened in a tree: reads at an offset (fewer bytes at its end), then close. */
export interface OpenedFile {
  size: number;
  read(offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

export interface LayerCopy { layerDigest: string; size: number; read(): Promise<Buffer> }
