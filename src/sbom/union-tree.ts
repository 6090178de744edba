/**
 * A read-only FileTree over one or more host directories stacked as overlayfs stacks lowerdirs:
 * the top directory wins, a whiteout (a char device 0:0) hides the name below it, and an opaque
 * directory (see opaque.ts) hides the same directory in every lower layer. layeredTree and dirTree
 * are both this, with many layers or with one.
 *
 * Paths are resolved here, one component at a time, never by the host: a symlink is read and its
 * target resolved against the tree's own root, so `/etc -> /` or `../../..` can never leave it, and a
 * loop ends after MAX_SYMLINKS hops. Only what a caller asks for is looked at (no eager scan), and
 * directory lookups are cached for the tree's lifetime (a tree is made for one SBOM run).
 */
import { closeSync, constants as fsc, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, realpathSync, type Dirent, type Stats } from 'node:fs';
import { open, readlink, type FileHandle } from 'node:fs/promises';
import { InvalidArgumentError, NotFoundError, SystemError } from '../common/errors.js';
import type { FileTree, LayerCopy, OpenedFile, TreeEntry } from './file-tree.js';
import { isOpaqueDir } from './opaque.js';

export interface TreeLayer { dir: string; digest?: string }

/** as Linux's MAXSYMLINKS */
const MAX_SYMLINKS = 40;
/** pseudo file systems a walk must never enter (a container's rootfs may have them mounted) */
const PSEUDO_DIRS = new Set(['/proc', '/sys', '/dev']);

type Kind = TreeEntry['kind'];

/** A resolved directory: the layers (indices, top first) whose copy of it is visible. */
interface DirNode { path: string; layers: number[] }

/** A resolved name: its visible version is in layer `layer`. */
interface Found { path: string; layer: number; kind: Kind; st: Stats; dir?: DirNode }

function kindOfStats(st: Stats): Kind {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  return 'other';
}

function kindOfDirent(d: Dirent): Kind {
  if (d.isFile()) return 'file';
  if (d.isDirectory()) return 'dir';
  if (d.isSymbolicLink()) return 'symlink';
  return 'other';
}

function childPath(dir: string, name: string): string {
  return dir === '/' ? '/' + name : dir + '/' + name;
}

function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function components(path: string): string[] {
  return path.split('/').filter((c) => c !== '' && c !== '.');
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p, { throwIfNoEntry: false }) ?? undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'ENAMETOOLONG' || code === 'EACCES') return undefined;
    throw e;
  }
}

/** An entry found by walk: kind comes from the directory listing, size and mode only when read. */
class WalkEntry implements TreeEntry {
  private st: Stats | undefined;
  constructor(readonly path: string, readonly kind: Kind, private readonly hostDir: string, readonly layerDigest: string | undefined) {}
  private stats(): Stats | undefined {
    this.st ??= lstatOrUndefined(this.hostDir + this.path);
    return this.st;
  }
  get size(): number { return this.stats()?.size ?? 0; }
  get mode(): number { return this.stats()?.mode ?? 0; }
  toJSON(): TreeEntry {
    return { path: this.path, kind: this.kind, size: this.size, mode: this.mode, ...(this.layerDigest ? { layerDigest: this.layerDigest } : {}) };
  }
}

export class UnionTree implements FileTree {
  private readonly dirs = new Map<string, DirNode | null>();
  private readonly roots: (string | undefined)[];
  /** the layers' host directories without a trailing slash (the host's root is '') */
  private readonly dirs_: string[];

  /**
   * layers: bottom first, as an image lists them. whiteouts: whether char devices 0:0 are overlay
   * whiteouts (true for layer dirs; a plain directory or a mounted rootfs shows none).
   */
  constructor(private readonly layers: readonly TreeLayer[], private readonly whiteouts: boolean) {
    if (layers.length === 0) throw new InvalidArgumentError('a file tree needs at least one directory');
    for (const l of layers) {
      // a missing layer directory would silently drop its packages: refuse instead
      if (!lstatOrUndefined(l.dir)?.isDirectory()) throw new SystemError(`layer directory ${l.dir}${l.digest ? ` (${l.digest})` : ''} is missing`, 'ERR_SBOM_SOURCE');
    }
    this.roots = layers.map(() => undefined);
    this.dirs_ = layers.map((l) => l.dir.replace(/\/+$/, '')); // the host's / becomes ''
    const top = layers.map((_, i) => layers.length - 1 - i);
    this.dirs.set('/', { path: '/', layers: this.visibleCopies('/', top) });
  }

  stat(path: string): TreeEntry | undefined {
    const f = this.resolve(path, false);
    if (!f) return undefined;
    return { path: normalize(path), kind: f.kind, size: f.st.size, mode: f.st.mode, ...this.digestOf(f.layer) };
  }

  async readFile(path: string): Promise<Buffer> {
    return this.withFile(path, (fh) => fh.readFile());
  }

  /**
   * A file opened for reads at offsets: the Go cataloger reads an ELF file's headers and build info, not
   * 100 MB binaries whole. The reads are synchronous: each is a few KB, and a cataloger opening hundreds
   * of executables would otherwise spend more on the thread pool's round trips than on the reads.
   */
  async openFile(path: string): Promise<OpenedFile> {
    const f = this.resolve(path, true);
    if (!f) throw new NotFoundError(`${normalize(path)}: no such file in the tree`);
    if (f.kind !== 'file') throw new InvalidArgumentError(`${normalize(path)}: not a regular file`);
    const fd = openSync(this.hostPath(f.layer, f.path), fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
    try {
      // the same checks as withFile's: the opened file is inside the tree and a regular file
      const real = readlinkSync(`/proc/self/fd/${fd}`);
      const root = this.rootOf(f.layer);
      if (real !== root && !real.startsWith(root === '/' ? '/' : root + '/')) {
        throw new SystemError(`${normalize(path)}: resolved outside the tree`, 'ERR_SBOM_SOURCE');
      }
      const st = fstatSync(fd);
      if (!st.isFile()) throw new InvalidArgumentError(`${normalize(path)}: not a regular file`);
      let open = true;
      return {
        size: st.size,
        read: async (offset, length) => {
          if (!open) throw new InvalidArgumentError(`${normalize(path)}: read after close`);
          const buf = Buffer.alloc(Math.max(0, Math.min(length, st.size - offset)));
          const n = buf.length ? readSync(fd, buf, 0, buf.length, offset) : 0;
          return buf.subarray(0, n);
        },
        close: async () => { if (open) { open = false; closeSync(fd); } },
      };
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  private async withFile<T>(path: string, use: (fh: FileHandle) => Promise<T>): Promise<T> {
    const f = this.resolve(path, true);
    if (!f) throw new NotFoundError(`${normalize(path)}: no such file in the tree`);
    if (f.kind !== 'file') throw new InvalidArgumentError(`${normalize(path)}: not a regular file`);
    return this.withLayerFile(f.layer, f.path, use, normalize(path));
  }

  /** One layer's copy of a file, by its canonical path. */
  private async withLayerFile<T>(layer: number, canonical: string, use: (fh: FileHandle) => Promise<T>, shown = canonical): Promise<T> {
    const path = shown;
    const hostPath = this.hostPath(layer, canonical);
    // O_NOFOLLOW and the fd's own path check: a container changing its rootfs between the lookup and
    // the open (a directory swapped for a symlink) cannot make this read a host file.
    const fh = await open(hostPath, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
    try {
      const real = await readlink(`/proc/self/fd/${fh.fd}`);
      const root = this.rootOf(layer);
      if (real !== root && !real.startsWith(root === '/' ? '/' : root + '/')) {
        throw new SystemError(`${normalize(path)}: resolved outside the tree`, 'ERR_SBOM_SOURCE');
      }
      if (!(await fh.stat()).isFile()) throw new InvalidArgumentError(`${normalize(path)}: not a regular file`);
      return await use(fh);
    } finally {
      await fh.close();
    }
  }

  layerCopies(path: string): LayerCopy[] {
    const f = this.resolve(path, true);
    if (!f || f.kind !== 'file') return [];
    const parent = this.dirNode(parentPath(f.path));
    if (!parent) return [];
    const out: LayerCopy[] = [];
    for (const layer of parent.layers) {
      const st = lstatOrUndefined(this.hostPath(layer, f.path));
      if (!st) continue;
      if (!st.isFile()) break; // a whiteout, a directory or a link hides what is below
      const digest = this.layers[layer]!.digest;
      if (!digest) return [];
      out.push({ layerDigest: digest, size: st.size, read: () => this.withLayerFile(layer, f.path, (fh) => fh.readFile()) });
    }
    return out;
  }

  readDir(path: string): string[] {
    const f = this.resolve(path, true);
    if (!f?.dir) return [];
    return [...this.list(f.dir).keys()].sort();
  }

  *walk(dir: string, test: (entry: TreeEntry) => boolean): Iterable<TreeEntry> {
    const start = this.resolve(dir, true);
    if (!start?.dir || isPseudo(start.dir.path)) return;
    // pre-order, depth first, names in order: a stack of the directories being listed
    const stack: Array<Iterator<[string, { layer: number; kind: Kind }]> & { dir: DirNode }> = [];
    const push = (node: DirNode): void => {
      const it = [...this.list(node)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).values();
      stack.push(Object.assign(it, { dir: node }));
    };
    push(start.dir);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const next = top.next();
      if (next.done) { stack.pop(); continue; }
      const [name, { layer, kind }] = next.value;
      const path = childPath(top.dir.path, name);
      if (isPseudo(path)) continue;
      const entry = new WalkEntry(path, kind, this.dirs_[layer]!, this.layers[layer]!.digest);
      if (test(entry)) yield entry;
      if (kind === 'dir') {
        const sub = this.dirNode(path);
        if (sub) push(sub);
      }
    }
  }

  private digestOf(layer: number): { layerDigest?: string } {
    const d = this.layers[layer]!.digest;
    return d ? { layerDigest: d } : {};
  }

  /** path is canonical (absolute, no `.`/`..`, no symlinks): plain concatenation, no join() per entry */
  private hostPath(layer: number, path: string): string {
    return path === '/' ? this.dirs_[layer]! || '/' : this.dirs_[layer]! + path;
  }

  private rootOf(layer: number): string {
    let r = this.roots[layer];
    if (r === undefined) { r = realpathSync(this.layers[layer]!.dir); this.roots[layer] = r; }
    return r;
  }

  private isWhiteout(st: Stats): boolean {
    return this.whiteouts && st.isCharacterDevice() && st.rdev === 0;
  }

  /**
   * Of the layers (top first) where a directory's parent is visible, those whose copy of the
   * directory shows: from the first that has it as a directory, down to the first that is opaque or
   * that has something else there (a file or a whiteout hides everything below it).
   */
  private visibleCopies(path: string, candidates: number[], firstStat?: Stats): number[] {
    const out: number[] = [];
    for (let i = 0; i < candidates.length; i++) {
      const layer = candidates[i]!;
      const st = i === 0 && firstStat ? firstStat : lstatOrUndefined(this.hostPath(layer, path));
      if (!st) continue;
      if (!st.isDirectory()) break;
      out.push(layer);
      if (i < candidates.length - 1 && this.layers.length > 1 && isOpaqueDir(this.hostPath(layer, path))) break;
    }
    return out;
  }

  /** The directory node of a canonical path (no symlinks in it), or null when it is not a visible directory. */
  private dirNode(path: string): DirNode | null {
    const cached = this.dirs.get(path);
    if (cached !== undefined) return cached;
    const parent = this.dirNode(parentPath(path));
    let node: DirNode | null = null;
    if (parent) {
      const f = this.child(parent, path.slice(path.lastIndexOf('/') + 1));
      node = f?.dir ?? null;
    }
    this.dirs.set(path, node);
    return node;
  }

  /** One name in a resolved directory. */
  private child(dir: DirNode, name: string): Found | undefined {
    const path = childPath(dir.path, name);
    for (let i = 0; i < dir.layers.length; i++) {
      const layer = dir.layers[i]!;
      const st = lstatOrUndefined(this.hostPath(layer, path));
      if (!st) continue;
      if (this.isWhiteout(st)) return undefined;
      const kind = kindOfStats(st);
      if (kind !== 'dir') return { path, layer, kind, st };
      let node = this.dirs.get(path);
      if (!node) {
        node = { path, layers: this.visibleCopies(path, dir.layers.slice(i), st) };
        this.dirs.set(path, node);
      }
      return { path, layer, kind, st, dir: node };
    }
    return undefined;
  }

  /** The visible names of a directory with the layer and kind of each. */
  private list(dir: DirNode): Map<string, { layer: number; kind: Kind }> {
    const seen = new Set<string>();
    const out = new Map<string, { layer: number; kind: Kind }>();
    for (const layer of dir.layers) {
      let dirents: Dirent[];
      try {
        dirents = readdirSync(this.hostPath(layer, dir.path), { withFileTypes: true });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') continue;
        throw e;
      }
      for (const d of dirents) {
        if (seen.has(d.name)) continue;
        seen.add(d.name);
        if (this.whiteouts && d.isCharacterDevice()) {
          const st = lstatOrUndefined(this.hostPath(layer, childPath(dir.path, d.name)));
          if (!st || this.isWhiteout(st)) continue;
        }
        out.set(d.name, { layer, kind: kindOfDirent(d) });
      }
    }
    return out;
  }

  /**
   * Resolve a path inside the tree: `..` stops at the root, symlinks in the middle are always
   * followed (within the tree), the last one only when followLast.
   */
  private resolve(path: string, followLast: boolean): Found | undefined {
    let pending = components(path);
    let cur = this.dirs.get('/')!;
    /** what cur was found as, when it was reached by a plain step (else it is stat'ed at the end) */
    let curFound: Found | undefined;
    let hops = 0;
    while (pending.length > 0) {
      const name = pending.shift()!;
      if (name === '..') {
        const up = this.dirNode(parentPath(cur.path));
        if (!up) return undefined;
        cur = up;
        curFound = undefined;
        continue;
      }
      const f = this.child(cur, name);
      if (!f) return undefined;
      const isLast = pending.length === 0;
      if (f.kind === 'symlink' && (!isLast || followLast)) {
        if (++hops > MAX_SYMLINKS) return undefined;
        let target: string;
        try { target = readlinkSync(this.hostPath(f.layer, f.path)); } catch { return undefined; }
        if (target.startsWith('/')) cur = this.dirs.get('/')!;
        curFound = undefined;
        pending = [...components(target), ...pending];
        continue;
      }
      if (isLast) return f;
      if (!f.dir) return undefined;
      cur = f.dir;
      curFound = f;
    }
    return curFound ?? this.found(cur);
  }

  private found(dir: DirNode): Found {
    const layer = dir.layers[0] ?? this.layers.length - 1;
    const st = lstatOrUndefined(this.hostPath(layer, dir.path)) ?? this.rootStat(dir);
    return { path: dir.path, layer, kind: 'dir', st, dir };
  }

  private rootStat(dir: DirNode): Stats {
    return lstatSync(this.hostPath(dir.layers[0] ?? this.layers.length - 1, '/'));
  }
}

function normalize(path: string): string {
  return '/' + components(path).join('/');
}

function isPseudo(path: string): boolean {
  for (const p of PSEUDO_DIRS) if (path === p || path.startsWith(p + '/')) return true;
  return false;
}
