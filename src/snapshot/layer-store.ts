import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { sha256 } from '../common/digest.js';
import { ConflictError, DigestMismatchError, NotFoundError } from '../common/errors.js';
import { log } from '../common/log.js';
import type { EnginePaths } from '../common/paths.js';
import { Trash } from '../common/trash.js';
import { ensureSchema, tx, type Db } from '../store/db.js';
import { unpackLayer, type UnpackLimits } from './tar-unpack.js';

export interface LayerRecord { chainId: string; diffId: string; parent: string | null; size: number; dir: string }
/** A layer unpacked into a temp dir, not yet in place (LayerStore.prepare). */
export interface PreparedLayer { dir: string; diffId: string; size: number; committed?: boolean }

/** OCI ChainID: ChainID(L0) = DiffID(L0); ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)). */
export function chainIdOf(diffIds: string[]): string {
  let chain = '';
  for (const d of diffIds) chain = chain === '' ? d : sha256(`${chain} ${d}`);
  return chain;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS layers (
  chain_id TEXT PRIMARY KEY,
  diff_id  TEXT NOT NULL,
  parent   TEXT REFERENCES layers(chain_id),
  size     INTEGER NOT NULL,
  short_id TEXT NOT NULL UNIQUE,
  created  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS layers_parent ON layers(parent);
`;

interface LayerRow { chain_id: string; diff_id: string; parent: string | null; size: number; short_id: string }

/** Name length of a layer directory: short, so that long lowerdir chains fit in one mount page. */
const SHORT_ID_LENGTH = 12;
const SHORT_ID_RE = /^[a-z0-9]{12}$/;

/**
 * Unpacked layers, each an overlay lowerdir of its own at `<snapshots>/l/<short id>`.
 * A layer becomes visible only after its directory is complete: unpack into a temp
 * dir, rename into place, then insert the row. A crash leaves at most an orphan
 * directory, which `cleanupOrphans` removes.
 */
export class LayerStore {
  readonly layersDir: string;
  readonly tmpDir: string;
  /** copies of layers derived for a user namespace (--userns=keep-id): `<shifted>/<short id>/<maps key>`, removed with the layer */
  readonly shiftedRoot: string;
  private readonly trash: Trash;

  constructor(private readonly db: Db, paths: EnginePaths) {
    this.trash = Trash.at(paths.trash);
    this.layersDir = join(paths.snapshots, 'l');
    this.tmpDir = join(paths.snapshots, 'tmp');
    this.shiftedRoot = join(paths.snapshots, 'shifted');
    mkdirSync(this.layersDir, { recursive: true });
    mkdirSync(this.tmpDir, { recursive: true });
    ensureSchema(db, SCHEMA);
  }

  private toRecord(r: LayerRow): LayerRecord {
    return { chainId: r.chain_id, diffId: r.diff_id, parent: r.parent, size: r.size, dir: join(this.layersDir, r.short_id) };
  }

  get(chainId: string): LayerRecord | undefined {
    const r = this.db.prepare('SELECT * FROM layers WHERE chain_id = ?').get(chainId) as LayerRow | undefined;
    return r ? this.toRecord(r) : undefined;
  }

  list(): LayerRecord[] {
    return (this.db.prepare('SELECT * FROM layers ORDER BY created, chain_id').all() as unknown as LayerRow[]).map((r) => this.toRecord(r));
  }

  /**
   * unpack tar on top of parent; idempotent by chainId; atomic (temp dir + rename + db row).
   * `beforeCommit` runs once the tar is unpacked and its diff ID checked, before the layer is put in
   * place: a layer unpacked while its blob still downloads commits only once the blob is verified.
   */
  async register(parentChainId: string | null, tar: Readable, expectedDiffId?: string, limits?: UnpackLimits,
    beforeCommit?: () => Promise<void>): Promise<LayerRecord> {
    if (parentChainId !== null && !this.get(parentChainId)) {
      tar.destroy();
      throw new NotFoundError(`parent layer ${parentChainId} not found`, 'ERR_LAYER_NOT_FOUND');
    }
    if (expectedDiffId) {
      const known = this.get(chainIdOf(parentChainId ? [parentChainId, expectedDiffId] : [expectedDiffId]));
      if (known) { tar.destroy(); return known; }
    }
    const prepared = await this.prepare(tar, { limits });
    try {
      if (expectedDiffId && expectedDiffId !== prepared.diffId) throw new DigestMismatchError(expectedDiffId, prepared.diffId);
      await beforeCommit?.();
      return await this.commitPrepared(parentChainId, prepared, expectedDiffId);
    } finally {
      await this.discard(prepared);
    }
  }

  /**
   * Unpack a layer into a temp dir of its own, not yet a layer: an overlay lowerdir does not depend on
   * its parent, so a layer can be unpacked before its place in an image is known (load reads the
   * layers of an archive before the manifest that orders them). `commitPrepared` puts it in place,
   * `discard` drops it; a crash leaves only a temp dir that cleanupOrphans removes.
   */
  async prepare(tar: Readable, opts: { limits?: UnpackLimits; srcDigest?: Promise<string> } = {}): Promise<PreparedLayer> {
    const dir = join(this.tmpDir, 'layer-' + randomBytes(8).toString('hex'));
    try { await mkdir(dir, { mode: 0o755 }); } catch (e) { tar.destroy(); throw e; }
    try {
      const { diffId, size } = await unpackLayer(tar, dir, { mode: 'overlay', limits: opts.limits, srcDigest: opts.srcDigest });
      return { dir, diffId, size };
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** Put a prepared layer in place on top of parent (idempotent by chain ID: a known layer wins and the prepared one is left to discard). */
  async commitPrepared(parentChainId: string | null, prepared: PreparedLayer, expectedDiffId?: string): Promise<LayerRecord> {
    if (expectedDiffId && expectedDiffId !== prepared.diffId) throw new DigestMismatchError(expectedDiffId, prepared.diffId);
    if (parentChainId !== null && !this.get(parentChainId)) throw new NotFoundError(`parent layer ${parentChainId} not found`, 'ERR_LAYER_NOT_FOUND');
    const { diffId, size } = prepared;
    const chainId = parentChainId ? sha256(`${parentChainId} ${diffId}`) : diffId;
    const existing = this.get(chainId);
    if (existing) return existing;
    if (prepared.committed) throw new ConflictError(`prepared layer ${diffId} was already used`, 'ERR_LAYER_IN_USE');
    const shortId = this.newShortId();
    let placed: string | undefined = join(this.layersDir, shortId);
    try {
      await rename(prepared.dir, placed);
      prepared.committed = true;
      const record = tx(this.db, () => {
        const raced = this.get(chainId);
        if (raced) return raced; // a concurrent register of the same layer won
        this.db.prepare('INSERT INTO layers (chain_id, diff_id, parent, size, short_id, created) VALUES (?, ?, ?, ?, ?, ?)')
          .run(chainId, diffId, parentChainId, size, shortId, Date.now());
        return undefined;
      });
      if (record) return record;
      placed = undefined;
      return this.get(chainId)!;
    } finally {
      // `placed` is still set only if this call lost the race or failed after the rename.
      if (placed && !this.ownsDir(placed)) await rm(placed, { recursive: true, force: true });
    }
  }

  /** Drop a prepared layer that was not committed (a no-op for one that was). */
  async discard(prepared: PreparedLayer): Promise<void> {
    if (!prepared.committed) await rm(prepared.dir, { recursive: true, force: true });
  }

  private ownsDir(dir: string): boolean {
    const shortId = dir.slice(this.layersDir.length + 1);
    return this.db.prepare('SELECT 1 FROM layers WHERE short_id = ?').get(shortId) !== undefined;
  }

  private newShortId(): string {
    for (;;) {
      const id = randomBytes(8).toString('hex').slice(0, SHORT_ID_LENGTH);
      if (!this.db.prepare('SELECT 1 FROM layers WHERE short_id = ?').get(id)) return id;
    }
  }

  /** The overlay lowerdirs of a layer chain, top-most first (an empty list for null). */
  lowerDirs(chainId: string | null): string[] {
    const dirs: string[] = [];
    let cur = chainId;
    while (cur !== null) {
      const rec = this.get(cur);
      if (!rec) throw new NotFoundError(`layer ${cur} not found`, 'ERR_LAYER_NOT_FOUND');
      dirs.push(rec.dir);
      cur = rec.parent;
    }
    return dirs;
  }

  /** Where the derived copies of a layer's lower dir go, or undefined for a dir that is no layer's. */
  shiftedDir(lowerDir: string): string | undefined {
    const short = basename(lowerDir);
    return dirname(lowerDir) === this.layersDir && SHORT_ID_RE.test(short) ? join(this.shiftedRoot, short) : undefined;
  }

  /** Remove one layer; refused while another layer or a snapshot is built on it. */
  async remove(chainId: string): Promise<void> {
    const rec = this.get(chainId);
    if (!rec) throw new NotFoundError(`layer ${chainId} not found`, 'ERR_LAYER_NOT_FOUND');
    tx(this.db, () => {
      const busy = this.inUse(chainId);
      if (busy) throw busy;
      this.db.prepare('DELETE FROM layers WHERE chain_id = ?').run(chainId);
    });
    await this.dropDirs([rec]);
  }

  /**
   * Remove layers in one transaction, given children before parents (an image prune's layers: one
   * commit instead of one per layer). A layer already gone is passed over; one still built on (a
   * layer not in the list or a snapshot) is kept, and `kept` tells why. A layer given after its
   * children goes with them.
   */
  async removeMany(chainIds: string[], kept: (chainId: string, reason: string) => void): Promise<LayerRecord[]> {
    const removed: LayerRecord[] = [];
    tx(this.db, () => {
      for (const chainId of chainIds) {
        const rec = this.get(chainId);
        if (!rec) continue;
        const busy = this.inUse(chainId);
        if (busy) { kept(chainId, busy.message); continue; }
        this.db.prepare('DELETE FROM layers WHERE chain_id = ?').run(chainId);
        removed.push(rec);
      }
    });
    // the rows are gone: a directory left behind is an orphan that cleanupOrphans removes at start
    await this.dropDirs(removed).catch((e) => log.warn('layer directory kept', { reason: (e as Error).message }));
    return removed;
  }

  private inUse(chainId: string): ConflictError | undefined {
    if (this.db.prepare('SELECT 1 FROM layers WHERE parent = ?').get(chainId)) {
      return new ConflictError(`layer ${chainId} is the parent of another layer`, 'ERR_LAYER_IN_USE');
    }
    if (this.hasSnapshotsTable() && this.db.prepare('SELECT 1 FROM snapshots WHERE parent = ?').get(chainId)) {
      return new ConflictError(`layer ${chainId} is used by a container snapshot`, 'ERR_LAYER_IN_USE');
    }
    return undefined;
  }

  /**
   * Rows first (committed), then the directories: a crash in between leaves an orphan dir
   * (cleanupOrphans) or one in the trash (emptied at start), never a row without its dir. The trash
   * takes each tree with one rename; its many unlinks run in the background, after the answer.
   */
  private async dropDirs(recs: LayerRecord[]): Promise<void> {
    await Promise.all(recs.map(async (rec) => {
      await this.trash.put(join(this.shiftedRoot, basename(rec.dir)));
      await this.trash.put(rec.dir);
    }));
  }

  private hasSnapshotsTable(): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'snapshots'").get() !== undefined;
  }

  /** Start-up cleanup: delete layer dirs no row points at and leftover temp dirs. Call before any register. */
  cleanupOrphans(): void {
    const known = new Set((this.db.prepare('SELECT short_id FROM layers').all() as { short_id: string }[]).map((r) => r.short_id));
    for (const name of readdirSync(this.layersDir)) {
      if (SHORT_ID_RE.test(name) && !known.has(name)) rmSync(join(this.layersDir, name), { recursive: true, force: true });
    }
    for (const name of readdirSync(this.tmpDir)) {
      if (name.startsWith('layer-')) rmSync(join(this.tmpDir, name), { recursive: true, force: true });
    }
    let shifted: string[] = [];
    try { shifted = readdirSync(this.shiftedRoot); } catch { /* none made yet */ }
    for (const name of shifted) {
      if (!known.has(name)) { rmSync(join(this.shiftedRoot, name), { recursive: true, force: true }); continue; }
      // a copy that a crash left half made
      for (const copy of readdirSync(join(this.shiftedRoot, name))) {
        if (copy.endsWith('.partial')) rmSync(join(this.shiftedRoot, name, copy), { recursive: true, force: true });
      }
    }
  }
}
