import { mkdirSync, readdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../common/errors.js';
import type { EnginePaths } from '../common/paths.js';
import { Trash } from '../common/trash.js';
import { ensureSchema, type Db } from '../store/db.js';
import { overlayChanges, type Change } from './changes.js';
import type { LayerStore } from './layer-store.js';
import { mountsBelow, overlayMount, unmountAll, type Mount } from './mounts.js';
import { packTree } from './tree-pack.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS snapshots (
  key     TEXT PRIMARY KEY,
  parent  TEXT,
  created INTEGER NOT NULL
);
`;

const KEY_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export interface SnapshotRecord { key: string; parent: string | null; created: number }

/**
 * Container snapshots: `<snapshots>/c/<key>/{upper,work,merged}` over the lower
 * dirs of a layer chain. The store describes its mounts (mounts()); whoever uses a snapshot mounts
 * it, late, and unmounts it on stop. The state of a mount is always read from /proc/self/mountinfo,
 * never remembered.
 */
export class SnapshotStore {
  readonly containersDir: string;
  /** Lower dir for an image with no layers: overlayfs needs at least one. */
  readonly emptyLower: string;

  constructor(private readonly db: Db, private readonly paths: EnginePaths, private readonly layers: LayerStore) {
    this.containersDir = join(paths.snapshots, 'c');
    this.emptyLower = join(paths.snapshots, 'empty');
    mkdirSync(this.containersDir, { recursive: true });
    mkdirSync(this.emptyLower, { recursive: true, mode: 0o755 });
    ensureSchema(db, SCHEMA);
  }

  private dir(key: string): string {
    if (!KEY_RE.test(key)) throw new InvalidArgumentError(`invalid snapshot key ${JSON.stringify(key)}`, 'ERR_INVALID_SNAPSHOT_KEY');
    return join(this.containersDir, key);
  }

  mountpoint(key: string): string { return join(this.dir(key), 'merged'); }
  upperDir(key: string): string { return join(this.dir(key), 'upper'); }
  workDir(key: string): string { return join(this.dir(key), 'work'); }

  get(key: string): SnapshotRecord | undefined {
    return this.db.prepare('SELECT key, parent, created FROM snapshots WHERE key = ?').get(key) as SnapshotRecord | undefined;
  }

  list(): SnapshotRecord[] {
    return this.db.prepare('SELECT key, parent, created FROM snapshots ORDER BY created, key').all() as unknown as SnapshotRecord[];
  }

  private require(key: string): SnapshotRecord {
    const rec = this.get(key);
    if (!rec) throw new NotFoundError(`snapshot ${key} not found`, 'ERR_SNAPSHOT_NOT_FOUND');
    return rec;
  }

  /** The lower dirs of a snapshot, top-most first. */
  lowerDirs(key: string): string[] {
    const rec = this.require(key);
    const lowers = this.layers.lowerDirs(rec.parent);
    return lowers.length > 0 ? lowers : [this.emptyLower];
  }

  /** upper/work dirs + row */
  async create(key: string, parentChainId: string | null): Promise<void> {
    const dir = this.dir(key);
    if (parentChainId !== null && !this.layers.get(parentChainId)) {
      throw new NotFoundError(`layer ${parentChainId} not found`, 'ERR_LAYER_NOT_FOUND');
    }
    if (this.get(key)) throw new ConflictError(`snapshot ${key} already exists`, 'ERR_SNAPSHOT_EXISTS');
    await rm(dir, { recursive: true, force: true }); // leftovers of a crash before the row was written
    for (const sub of ['upper', 'work', 'merged']) await mkdir(join(dir, sub), { recursive: true, mode: 0o755 });
    this.db.prepare('INSERT INTO snapshots (key, parent, created) VALUES (?, ?, ?)').run(key, parentChainId, Date.now());
  }

  /**
   * How to mount a snapshot (containerd's Snapshotter.Mounts): the caller mounts them (mountAll), at
   * mountpoint(key) by convention. volatile: see OverlayDirs (only for snapshots thrown away after use).
   */
  async mounts(key: string, opts: { volatile?: boolean } = {}): Promise<Mount[]> {
    return [overlayMount({ lowerDirs: this.lowerDirs(key), upperDir: this.upperDir(key), workDir: this.workDir(key), volatile: opts.volatile })];
  }

  /** idempotent */
  async unmount(key: string): Promise<void> {
    await unmountAll(this.mountpoint(key));
  }

  /** unmount + delete dirs + row; refuses to delete while anything is still mounted below */
  async remove(key: string): Promise<void> {
    const dir = this.dir(key);
    for (const mp of await mountsBelow(dir)) await unmountAll(mp);
    await Trash.at(this.paths.trash).put(dir);
    this.db.prepare('DELETE FROM snapshots WHERE key = ?').run(key);
  }

  /** OCI layer tar of the upper dir (whiteouts, opaque dirs) */
  diffTar(key: string): Readable {
    this.require(key);
    return packTree(this.upperDir(key), { overlayUpper: true });
  }

  /** docker diff: 0 modified, 1 added, 2 deleted */
  async changes(key: string): Promise<Change[]> {
    return overlayChanges(this.upperDir(key), this.lowerDirs(key));
  }

  /** unmount/remove snapshots no container owns (after a crash) */
  async cleanupStale(liveKeys: Set<string>): Promise<void> {
    const keys = new Set(this.list().map((r) => r.key));
    for (const name of readdirSync(this.containersDir)) if (KEY_RE.test(name)) keys.add(name);
    for (const key of keys) if (!liveKeys.has(key)) await this.remove(key);
  }
}
