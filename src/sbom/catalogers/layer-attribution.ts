/**
 * Which layer added a package. A package database (dpkg's status, apk's installed) is one file that
 * every layer installing something rewrites, so the visible copy only names the last layer to touch
 * it. Walking the layers' own copies downwards, a package is attributed to the lowest layer of the
 * unbroken run of copies that still list it at the same version: the layer that installed (or last
 * upgraded) it, as `docker history` would show.
 */
import type { CatalogContext } from '../cataloger.js';
import { MAX_DATABASE_BYTES } from './read-limited.js';

/** key → layer digest, for the keys of the visible copy; undefined when the tree has one copy or no layers. */
export async function layersThatAdded(ctx: CatalogContext, path: string, keysOf: (content: Buffer) => Set<string> | Promise<Set<string>>): Promise<Map<string, string> | undefined> {
  const copies = ctx.tree.layerCopies?.(path) ?? [];
  if (copies.length < 2) return undefined;
  const added = new Map<string, string>();
  let alive: Set<string> | undefined;
  for (const copy of copies) {
    if (copy.size > MAX_DATABASE_BYTES) break;
    let keys: Set<string>;
    try {
      keys = await keysOf(await copy.read());
    } catch {
      break; // a lower copy that cannot be read changes nothing visible: attribute to the layers above it
    }
    if (!alive) {
      alive = keys;
      for (const k of keys) added.set(k, copy.layerDigest);
      continue;
    }
    const still = new Set<string>();
    for (const k of alive) if (keys.has(k)) { added.set(k, copy.layerDigest); still.add(k); }
    alive = still;
    if (alive.size === 0) break;
  }
  return added;
}
