import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isOverlayWhiteout } from './tree-pack.js';
import { OVERLAY_OPAQUE, readXattrTree, readXattrs } from './xattr.js';

export interface Change { Path: string; Kind: 0 | 1 | 2 }

function isNotFound(e: unknown): boolean { return (e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR'; }

/** Answers "is this path visible in the merged view of these lower dirs?" (top-most first). */
class LowerView {
  private readonly opaque = new Map<string, boolean>();
  constructor(private readonly lowers: string[]) {}

  private async isOpaque(dir: string): Promise<boolean> {
    let v = this.opaque.get(dir);
    if (v === undefined) {
      v = (await readXattrs(dir)).get(OVERLAY_OPAQUE)?.toString() === 'y';
      this.opaque.set(dir, v);
    }
    return v;
  }

  async exists(comps: string[]): Promise<boolean> {
    for (const lower of this.lowers) {
      let stopBelow = false;
      for (let i = 0; i < comps.length; i++) {
        const p = join(lower, ...comps.slice(0, i + 1));
        let st;
        try { st = await lstat(p); } catch (e) { if (isNotFound(e)) break; throw e; }
        if (isOverlayWhiteout(st)) return false;
        if (i === comps.length - 1) return true;
        if (!st.isDirectory()) return false; // a file or symlink hides everything below it
        if (await this.isOpaque(p)) stopBelow = true;
      }
      if (stopBelow) return false;
    }
    return false;
  }

  /** Names in the merged lower view of dir (used to report what an opaque dir deleted). */
  async list(comps: string[]): Promise<string[]> {
    const names = new Set<string>();
    for (const lower of this.lowers) {
      const dir = join(lower, ...comps);
      let entries: string[];
      try { entries = await readdir(dir); } catch (e) { if (isNotFound(e)) continue; throw e; }
      for (const n of entries) if (await this.exists([...comps, n])) names.add(n);
    }
    return [...names];
  }
}

/** `docker diff` of an overlay upper dir against its lower dirs: 0 modified, 1 added, 2 deleted. */
export async function overlayChanges(upper: string, lowers: string[]): Promise<Change[]> {
  const view = new LowerView(lowers);
  const upperAttrs = await readXattrTree(upper);
  const out: Change[] = [];
  const walk = async (comps: string[]): Promise<void> => {
    const dir = join(upper, ...comps);
    for (const name of (await readdir(dir)).sort()) {
      const c = [...comps, name];
      const path = '/' + c.join('/');
      const st = await lstat(join(dir, name));
      if (isOverlayWhiteout(st)) { out.push({ Path: path, Kind: 2 }); continue; }
      const inLower = await view.exists(c);
      out.push({ Path: path, Kind: inLower ? 0 : 1 });
      if (!st.isDirectory()) continue;
      if (inLower && upperAttrs.get(join(dir, name))?.get(OVERLAY_OPAQUE)?.toString() === 'y') {
        const kept = new Set(await readdir(join(dir, name)));
        for (const gone of await view.list(c)) if (!kept.has(gone)) out.push({ Path: `${path}/${gone}`, Kind: 2 });
      }
      await walk(c);
    }
  };
  await walk([]);
  return out.sort((a, b) => (a.Path < b.Path ? -1 : a.Path > b.Path ? 1 : 0));
}
