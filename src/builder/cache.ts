/**
 * The build cache: one row per step that produced a layer, keyed by everything
 * that determines the layer (see keys.ts). A row holds its layer (LayerStore)
 * and its gzip blob (ContentStore) so image removal never takes them away;
 * prune and the size budget give them back, least recently used first.
 */
import { ensureSchema, tx, type Db } from '../store/db.js';
import type { ImageLayer } from '../image/image-store.js';
import { log } from '../common/log.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS build_cache (
  key TEXT PRIMARY KEY,
  chain_id TEXT NOT NULL,
  diff_id TEXT NOT NULL,
  blob_digest TEXT NOT NULL,
  blob_size INTEGER NOT NULL,
  diff_size INTEGER NOT NULL,
  media_type TEXT NOT NULL,
  description TEXT NOT NULL,
  created INTEGER NOT NULL,
  last_used INTEGER NOT NULL,
  usage_count INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS build_cache_chain ON build_cache(chain_id);
CREATE INDEX IF NOT EXISTS build_cache_blob ON build_cache(blob_digest);
CREATE TABLE IF NOT EXISTS build_meta_steps (key TEXT PRIMARY KEY, last_used INTEGER NOT NULL);
`;

interface Row {
  key: string; chain_id: string; diff_id: string; blob_digest: string; blob_size: number; diff_size: number;
  media_type: string; description: string; created: number; last_used: number; usage_count: number;
}

export interface CacheRecord { key: string; layer: ImageLayer; description: string; created: number; lastUsed: number; usageCount: number }

/** Table set-up and the "held" questions the image store asks (usable before the cache object exists). */
export function buildCacheHolds(db: Db): { layerHeld: (chainId: string) => boolean; blobHeld: (digest: string) => boolean } {
  ensureSchema(db, SCHEMA);
  const byChain = db.prepare('SELECT 1 FROM build_cache WHERE chain_id = ? LIMIT 1');
  const byBlob = db.prepare('SELECT 1 FROM build_cache WHERE blob_digest = ? LIMIT 1');
  return {
    layerHeld: (chainId) => byChain.get(chainId) !== undefined,
    blobHeld: (digest) => byBlob.get(digest) !== undefined,
  };
}

export interface CacheBackends {
  removeLayer(chainId: string): Promise<void>;
  layerUsedByImage(chainId: string): boolean;
  deleteBlobIfUnused(digest: string): Promise<void>;
  layerExists(chainId: string): boolean;
  blobExists(digest: string): boolean;
}

export interface PruneResult { CachesDeleted: string[]; SpaceReclaimed: number }

export class BuildCache {
  /** default size budget: 10 GiB of layers */
  budgetBytes = 10 * 1024 ** 3;

  constructor(private readonly db: Db, private readonly backends: CacheBackends) {
    ensureSchema(db, SCHEMA);
  }

  private toRecord(r: Row): CacheRecord {
    return {
      key: r.key, description: r.description, created: r.created, lastUsed: r.last_used, usageCount: r.usage_count,
      layer: { chainId: r.chain_id, diffId: r.diff_id, blobDigest: r.blob_digest, size: r.blob_size, diffSize: r.diff_size, mediaType: r.media_type },
    };
  }

  /** A usable entry (its layer and blob still present); the caller marks it used with touch(). */
  lookup(key: string): CacheRecord | undefined {
    const r = this.db.prepare('SELECT * FROM build_cache WHERE key = ?').get(key) as Row | undefined;
    if (!r) return undefined;
    if (!this.backends.layerExists(r.chain_id) || !this.backends.blobExists(r.blob_digest)) {
      this.db.prepare('DELETE FROM build_cache WHERE key = ?').run(key);
      return undefined;
    }
    return this.toRecord(r);
  }

  /** Mark entries used, all in one transaction (a cached build writes the database once). */
  touch(keys: Iterable<string>): void {
    const list = [...keys];
    if (list.length === 0) return;
    const now = Date.now();
    const upd = this.db.prepare('UPDATE build_cache SET last_used = ?, usage_count = usage_count + 1 WHERE key = ?');
    tx(this.db, () => { for (const k of list) upd.run(now, k); });
  }

  put(key: string, layer: ImageLayer, description: string): void {
    const now = Date.now();
    this.db.prepare(`INSERT INTO build_cache (key, chain_id, diff_id, blob_digest, blob_size, diff_size, media_type, description, created, last_used)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET last_used = excluded.last_used`)
      .run(key, layer.chainId, layer.diffId, layer.blobDigest, layer.size, layer.diffSize, layer.mediaType, description.slice(0, 500), now, now);
  }

  /** Whether a metadata step (ENV, LABEL, CMD, ...: no layer) with this key was built before. */
  metaSeen(key: string): boolean {
    return this.db.prepare('SELECT 1 FROM build_meta_steps WHERE key = ?').get(key) !== undefined;
  }

  /** Record metadata steps as built (or used) now, in one transaction. */
  metaTouch(keys: Iterable<string>): void {
    const list = [...keys];
    if (list.length === 0) return;
    const now = Date.now();
    const up = this.db.prepare('INSERT INTO build_meta_steps (key, last_used) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET last_used = excluded.last_used');
    tx(this.db, () => { for (const k of list) up.run(k, now); });
  }

  list(): CacheRecord[] {
    return (this.db.prepare('SELECT * FROM build_cache ORDER BY last_used DESC').all() as unknown as Row[]).map((r) => this.toRecord(r));
  }

  totalSize(): number {
    return (this.db.prepare('SELECT COALESCE(SUM(diff_size), 0) AS s FROM build_cache').get() as { s: number }).s;
  }

  /**
   * Remove entries (least recently used first): all, those unused since `until`
   * (ms epoch), and/or until the cache is at most keepBytes.
   */
  async prune(opts: { all?: boolean; untilMs?: number; keepBytes?: number } = {}): Promise<PruneResult> {
    const rows = (this.db.prepare('SELECT * FROM build_cache ORDER BY last_used ASC').all() as unknown as Row[]);
    let total = rows.reduce((s, r) => s + r.diff_size, 0);
    const victims: Row[] = [];
    for (const r of rows) {
      const old = opts.untilMs !== undefined && r.last_used < opts.untilMs;
      const over = opts.keepBytes !== undefined && total > opts.keepBytes;
      const everything = opts.all && opts.untilMs === undefined && opts.keepBytes === undefined;
      if (everything || old || over) { victims.push(r); total -= r.diff_size; }
    }
    // children before parents: a layer whose chain another entry extends goes last
    const result: PruneResult = { CachesDeleted: [], SpaceReclaimed: 0 };
    tx(this.db, () => {
      for (const v of victims) this.db.prepare('DELETE FROM build_cache WHERE key = ?').run(v.key);
      // metadata steps hold no space: they go with everything or by age
      if (opts.all && opts.untilMs === undefined && opts.keepBytes === undefined) this.db.prepare('DELETE FROM build_meta_steps').run();
      else if (opts.untilMs !== undefined) this.db.prepare('DELETE FROM build_meta_steps WHERE last_used < ?').run(opts.untilMs);
    });
    const ordered = [...victims].sort((a, b) => b.created - a.created);
    for (const v of ordered) {
      result.CachesDeleted.push(v.key.replace(/^sha256:/, ''));
      const stillHeld = this.db.prepare('SELECT 1 FROM build_cache WHERE chain_id = ?').get(v.chain_id) !== undefined;
      if (!stillHeld && !this.backends.layerUsedByImage(v.chain_id)) {
        try { await this.backends.removeLayer(v.chain_id); result.SpaceReclaimed += v.diff_size; } catch (e) {
          log.debug('build cache layer kept', { chainId: v.chain_id, reason: (e as Error).message }); // a child layer still needs it
        }
      }
      await this.backends.deleteBlobIfUnused(v.blob_digest);
    }
    return result;
  }

  /** Evict least recently used entries beyond the size budget. */
  async enforceBudget(): Promise<void> {
    if (this.totalSize() > this.budgetBytes) await this.prune({ keepBytes: this.budgetBytes });
  }
}
