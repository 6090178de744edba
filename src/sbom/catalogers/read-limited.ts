/**
 * Package databases are read whole, in the daemon: a file far larger than any real one (dpkg's status
 * of a big distribution is a few MB, an rpmdb tens) is refused with a warning instead, so a hostile
 * image cannot make the daemon allocate gigabytes.
 */
import type { CatalogContext } from '../cataloger.js';
import type { FileTree } from '../file-tree.js';

export const MAX_DATABASE_BYTES = 512 * 1024 * 1024;

export class TooLargeError extends Error {}

/** The file's bytes, or a TooLargeError when its entry (or the final symlink's target) is larger than max. */
export async function readLimited(tree: FileTree, path: string, max: number): Promise<Buffer> {
  const st = tree.stat(path);
  if (st?.kind === 'file' && st.size > max) throw new TooLargeError(`${st.size} bytes is more than the ${max} a package database may have`);
  const buf = await tree.readFile(path);
  if (buf.length > max) throw new TooLargeError(`${buf.length} bytes is more than the ${max} a package database may have`);
  return buf;
}

/** readLimited, with a warning naming the file instead of an error. */
export async function readDatabase(ctx: CatalogContext, path: string, layerDigest: string | undefined, max = MAX_DATABASE_BYTES): Promise<Buffer | undefined> {
  try {
    return await readLimited(ctx.tree, path, max);
  } catch (e) {
    ctx.warn({ path, message: e instanceof TooLargeError ? `not read: ${e.message}` : `cannot read: ${(e as Error).message}`, ...(layerDigest ? { layerDigest } : {}) });
    return undefined;
  }
}
