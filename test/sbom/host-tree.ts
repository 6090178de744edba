/**
 * A FileTree over a host directory for the cataloger tests. Unlike an image's tree it follows symlinks
 * (a test links the host's real files into a small temporary root instead of copying 90 MB binaries).
 */
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FileTree, TreeEntry } from '../../src/sbom/file-tree.js';
import type { CatalogContext } from '../../src/sbom/cataloger.js';
import type { SbomWarning } from '../../src/sbom/types.js';

export interface HostTree extends FileTree { reads: { whole: string[]; ranged: number } }

export function hostTree(root: string, opts: { ranged?: boolean } = {}): HostTree {
  const host = (p: string): string => join(root, p);
  const entry = (p: string): TreeEntry | undefined => {
    let st;
    try { st = statSync(host(p)); } catch { return undefined; }
    const kind = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
    return { path: p, kind, size: st.size, mode: st.mode };
  };
  const reads = { whole: [] as string[], ranged: 0 };
  const tree: HostTree = {
    reads,
    stat: entry,
    async readFile(p) { reads.whole.push(p); return readFileSync(host(p)); },
    readDir(p) { try { return readdirSync(host(p)).sort(); } catch { return []; } },
    *walk(dir, test) {
      const stack = [dir];
      while (stack.length) {
        const d = stack.pop()!;
        for (const name of tree.readDir(d).reverse()) {
          const p = d === '/' ? `/${name}` : `${d}/${name}`;
          if (['/proc', '/sys', '/dev'].includes(p)) continue;
          const e = entry(p);
          if (!e) continue;
          if (test(e)) yield e;
          if (e.kind === 'dir') stack.push(p);
        }
      }
    },
  };
  if (opts.ranged !== false) {
    tree.openFile = async (p) => {
      const fd = openSync(host(p), 'r');
      const size = fstatSync(fd).size;
      return {
        size,
        read: async (offset, length) => {
          reads.ranged++;
          const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
          return buf.subarray(0, buf.length ? readSync(fd, buf, 0, buf.length, offset) : 0);
        },
        close: async () => closeSync(fd),
      };
    };
  }
  return tree;
}

export function catalogContext(tree: FileTree): CatalogContext & { warnings: SbomWarning[] } {
  const warnings: SbomWarning[] = [];
  return { tree, warnings, warn: (w) => { warnings.push({ cataloger: 'test', ...w }); } };
}
