/**
 * Which host ids each container's user namespace owns, kept in SQLite so that two
 * containers never share a range (across daemon restarts too). Reserved when the
 * container is created, released when it is removed.
 */
import { ConflictError, InvalidArgumentError } from '../common/errors.js';
import { ensureSchema, tx, type Db } from '../store/db.js';
import { ensureSubidRanges, subidFiles, SUBID_USER, type SubidFiles, type SubidRange } from './userns-subid.js';
import { keepIdMaps, rootlessNamespace } from './userns-keepid.js';
import { parseUsernsMode, rangesOverlap, usernsConflict, type IdMap, type UsernsMaps } from './userns.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS userns_ranges (
  container_id    TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('uid', 'gid')),
  container_start INTEGER NOT NULL,
  host_start      INTEGER NOT NULL,
  size            INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS userns_ranges_by_container ON userns_ranges (container_id);
-- keep-id maps share the rootless namespace's ids with every other keep-id container (as Podman's):
-- kept apart so that they take no range from the others
CREATE TABLE IF NOT EXISTS userns_keepid_ranges (
  container_id    TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('uid', 'gid')),
  container_start INTEGER NOT NULL,
  host_start      INTEGER NOT NULL,
  size            INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS userns_keepid_by_container ON userns_keepid_ranges (container_id);
`;

/** auto ranges start on a multiple of this (readable ids: 100065536 is container root of the 2nd one) */
const AUTO_ALIGN = 65536;

type Kind = 'uid' | 'gid';
interface Row { container_id: string; kind: Kind; container_start: number; host_start: number; size: number }

export class UsernsAllocator {
  constructor(private readonly db: Db, private readonly files: SubidFiles = subidFiles()) {
    ensureSchema(db, SCHEMA);
  }

  /** The maps a container was given, or undefined when it uses the host's user namespace. */
  mapsOf(containerId: string): UsernsMaps | undefined {
    let rows = this.db.prepare('SELECT * FROM userns_ranges WHERE container_id = ? ORDER BY container_start').all(containerId) as unknown as Row[];
    if (!rows.length) rows = this.db.prepare('SELECT * FROM userns_keepid_ranges WHERE container_id = ? ORDER BY container_start').all(containerId) as unknown as Row[];
    if (!rows.length) return undefined;
    const pick = (kind: Kind): IdMap[] => rows.filter((r) => r.kind === kind)
      .map((r) => ({ containerId: r.container_start, hostId: r.host_start, size: r.size }));
    return { uid: pick('uid'), gid: pick('gid') };
  }

  /**
   * Check HostConfig.UsernsMode and reserve its host ids for the container; throws
   * InvalidArgumentError (malformed, outside berth's subordinate ids) or ConflictError
   * (taken by another container) before anything is created.
   */
  reserve(containerId: string, hc: any): UsernsMaps | undefined {
    const req = parseUsernsMode(hc.UsernsMode);
    if (req.kind === 'host') return undefined;
    const conflict = usernsConflict(hc);
    if (conflict) throw new InvalidArgumentError(conflict, 'ERR_USERNS');
    if (req.kind === 'keep-id') {
      const maps = keepIdMaps(req, rootlessNamespace());
      tx(this.db, () => {
        const insert = this.db.prepare('INSERT INTO userns_keepid_ranges (container_id, kind, container_start, host_start, size) VALUES (?, ?, ?, ?, ?)');
        for (const kind of ['uid', 'gid'] as const) for (const m of maps[kind]) insert.run(containerId, kind, m.containerId, m.hostId, m.size);
      });
      return maps;
    }
    const owned = { uid: ensureSubidRanges(this.files.subuid), gid: ensureSubidRanges(this.files.subgid) };
    return tx(this.db, () => {
      const maps: UsernsMaps = req.kind === 'auto'
        ? { uid: [this.autoRange('uid', owned.uid, req.size)], gid: [this.autoRange('gid', owned.gid, req.size)] }
        : req.maps;
      if (req.kind === 'maps') {
        this.checkExplicit('uid', maps.uid, owned.uid);
        this.checkExplicit('gid', maps.gid, owned.gid);
      }
      const insert = this.db.prepare('INSERT INTO userns_ranges (container_id, kind, container_start, host_start, size) VALUES (?, ?, ?, ?, ?)');
      for (const kind of ['uid', 'gid'] as const) {
        for (const m of maps[kind]) insert.run(containerId, kind, m.containerId, m.hostId, m.size);
      }
      return maps;
    });
  }

  /** Whether the container's maps are keep-id's (its image is shown through chowned layer copies). */
  isKeepId(containerId: string): boolean {
    return this.db.prepare('SELECT 1 FROM userns_keepid_ranges WHERE container_id = ? LIMIT 1').get(containerId) !== undefined;
  }

  release(containerId: string): void {
    this.db.prepare('DELETE FROM userns_ranges WHERE container_id = ?').run(containerId);
    this.db.prepare('DELETE FROM userns_keepid_ranges WHERE container_id = ?').run(containerId);
  }

  private taken(kind: Kind): Array<Row & { start: number }> {
    return (this.db.prepare('SELECT * FROM userns_ranges WHERE kind = ? ORDER BY host_start').all(kind) as unknown as Row[])
      .map((r) => ({ ...r, start: r.host_start }));
  }

  private file(kind: Kind): string { return kind === 'uid' ? this.files.subuid : this.files.subgid; }

  /** First free, aligned gap of `size` ids inside berth's ranges. */
  private autoRange(kind: Kind, owned: SubidRange[], size: number): IdMap {
    const taken = this.taken(kind);
    for (const r of owned) {
      let start = Math.ceil(r.start / AUTO_ALIGN) * AUTO_ALIGN;
      for (let i = 0; i <= taken.length && start + size <= r.start + r.size; i++) { // each pass skips one range
        const hit = taken.find((t) => rangesOverlap({ start, size }, t));
        if (!hit) return { containerId: 0, hostId: start, size };
        start = Math.ceil((hit.start + hit.size) / AUTO_ALIGN) * AUTO_ALIGN;
      }
    }
    throw new ConflictError(`no free range of ${size} ${kind}s left in ${this.file(kind)} for user ${SUBID_USER} (remove containers or give ${SUBID_USER} a larger range)`, 'ERR_USERNS_EXHAUSTED');
  }

  private checkExplicit(kind: Kind, maps: IdMap[], owned: SubidRange[]): void {
    const taken = this.taken(kind);
    for (const m of maps) {
      const range = { start: m.hostId, size: m.size };
      const last = m.hostId + m.size - 1;
      if (!owned.some((r) => m.hostId >= r.start && last < r.start + r.size)) {
        const have = owned.map((r) => `${r.start}-${r.start + r.size - 1}`).join(', ');
        throw new InvalidArgumentError(`${kind}map ${m.containerId}:${m.hostId}:${m.size}: host ${kind}s ${m.hostId}-${last} are outside the subordinate ${kind}s of user ${SUBID_USER} in ${this.file(kind)} (${have})`, 'ERR_USERNS');
      }
      const hit = taken.find((t) => rangesOverlap(range, t));
      if (hit) {
        throw new ConflictError(`${kind}map ${m.containerId}:${m.hostId}:${m.size} overlaps host ${kind}s ${hit.host_start}-${hit.host_start + hit.size - 1} of container ${hit.container_id.slice(0, 12)}`, 'ERR_USERNS_OVERLAP');
      }
    }
  }
}
