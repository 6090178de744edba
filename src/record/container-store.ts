import type { Db } from '../store/db.js';
import { ensureSchema, sharedPerDb, tx } from '../store/db.js';
import { InvalidArgumentError, NameInUseError, NoSuchContainerError } from '../common/errors.js';
import { ZERO_TIME } from '../common/human-time.js';
import type { RecordedConfig, RecordedHostConfig } from './container-config.js';

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';
export interface HealthLogEntry { Start: string; End: string; ExitCode: number; Output: string }
/** State.Health of a container with a health check (container/health.ts keeps it). */
export interface HealthState { Status: HealthStatus; FailingStreak: number; Log: HealthLogEntry[] }

/** Docker's ContainerState. */
export interface ContainerState {
  Status: ContainerStatus;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  /** only for containers with a health check (container/health.ts) */
  Health?: HealthState;
}

/** Everything the engine keeps about one container (one row, JSON body). */
export interface ContainerRecord {
  id: string;
  name: string;                 // without the leading slash
  imageId: string;              // sha256:...
  imageRef: string;             // the image string as the user gave it
  created: string;              // RFC 3339 nano
  path: string;                 // process entry (Path)
  args: string[];               // process args (Args)
  config: RecordedConfig;       // merged with the image
  hostConfig: RecordedHostConfig;
  state: ContainerState;
  restartCount: number;
  runtime: string;              // 'crun' | 'runc'
  conmonPid: number;            // 0 when not running
  /** true once the user has stopped it (Docker's HasBeenManuallyStopped). */
  manuallyStopped: boolean;
  /**
   * A pinned network namespace the container joins by path (OCI linux.namespaces[{type: network, path}]),
   * with NetworkMode 'none' recorded. Internal: the CRI's pause containers set it through
   * InternalCreateOptions; no Engine API field reaches it (Docker has no such network mode).
   */
  netnsPath?: string;
}

/** What only in-process callers (the CRI) can ask of a create, beside the Engine API's body. */
export interface InternalCreateOptions {
  /** join this pinned network namespace (the caller made it and removes it); HostConfig.NetworkMode must be none */
  netnsPath?: string;
}

export function initialState(): ContainerState {
  return {
    Status: 'created', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
    Pid: 0, ExitCode: 0, Error: '', StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME,
  };
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS containers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  image_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS containers_image ON containers(image_id);
CREATE INDEX IF NOT EXISTS containers_seq ON containers(seq);
`;

/**
 * The containers table. The body column holds the whole record as JSON; id,
 * name and image_id are columns for uniqueness and look-ups. seq orders
 * containers by creation (Docker lists newest first, before/since use it); its index makes each
 * insert's MAX(seq) one look-up instead of a scan of every row.
 */
export class ContainerStore {
  private readonly cache: RecordCache;

  constructor(private readonly db: Db) {
    ensureSchema(db, SCHEMA);
    this.cache = cacheOf(db);
  }

  insert(rec: ContainerRecord): void {
    tx(this.db, () => {
      const clash = this.byName(rec.name);
      if (clash) throw nameConflict(rec.name, clash.id);
      const seq = ((this.db.prepare('SELECT MAX(seq) AS m FROM containers').get() as { m: number | null }).m ?? 0) + 1;
      const body = JSON.stringify(rec);
      this.db.prepare('INSERT INTO containers (id, name, image_id, seq, body) VALUES (?, ?, ?, ?, ?)')
        .run(rec.id, rec.name, rec.imageId, seq, body);
      this.cache.put(rec.id, body);
    });
  }

  update(rec: ContainerRecord): void {
    const body = JSON.stringify(rec);
    const { changes } = this.db.prepare('UPDATE containers SET name = ?, image_id = ?, body = ? WHERE id = ?')
      .run(rec.name, rec.imageId, body, rec.id);
    if (Number(changes) > 0) this.cache.put(rec.id, body);
  }

  /** Change a record in place and persist it; returns the new record. */
  mutate(id: string, fn: (rec: ContainerRecord) => void): ContainerRecord {
    return tx(this.db, () => {
      const rec = this.get(id);
      if (!rec) throw new NoSuchContainerError(id);
      fn(rec);
      this.update(rec);
      return rec;
    });
  }

  rename(id: string, newName: string): void {
    tx(this.db, () => {
      const clash = this.byName(newName);
      if (clash && clash.id !== id) throw nameConflict(newName, clash.id);
      const rec = this.get(id);
      if (!rec) throw new NoSuchContainerError(id);
      rec.name = newName;
      this.update(rec);
    });
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM containers WHERE id = ?').run(id);
    this.cache.drop(id);
  }

  get(id: string): ContainerRecord | undefined {
    const row = this.db.prepare('SELECT body FROM containers WHERE id = ?').get(id) as { body: string } | undefined;
    return row ? JSON.parse(row.body) as ContainerRecord : undefined;
  }

  byName(name: string): ContainerRecord | undefined {
    const row = this.db.prepare('SELECT body FROM containers WHERE name = ?').get(name) as { body: string } | undefined;
    return row ? JSON.parse(row.body) as ContainerRecord : undefined;
  }

  /** Newest first, as Docker lists. */
  all(): ContainerRecord[] {
    return (this.db.prepare('SELECT body FROM containers ORDER BY seq DESC').all() as { body: string }[])
      .map((r) => JSON.parse(r.body) as ContainerRecord);
  }

  /**
   * all(), newest first, as shared read-only (frozen) records from memory: for readers of every
   * record such as ps, which parsed the JSON of each row on every call (1,000 containers: ~10 ms).
   */
  allReadonly(): readonly ContainerRecord[] {
    return this.cache.all(this.readRows);
  }

  /**
   * get(), as a shared read-only (frozen) record from memory: for checks made often, such as each second
   * per container. A map look-up: it must not build the list allReadonly() returns (1,000 running
   * containers made that a million array slots a second, from the log poll alone).
   */
  getReadonly(id: string): ContainerRecord | undefined {
    return this.cache.get(id, this.readRows);
  }

  private readonly readRows = () => this.db.prepare('SELECT id, body FROM containers ORDER BY seq').all() as { id: string; body: string }[];

  /** Containers whose network mode is `container:<ref>` (from memory: each stop asked SQLite to parse every row's JSON). */
  sharingNetns(): readonly ContainerRecord[] {
    return this.allReadonly().filter((r) => (r.hostConfig?.NetworkMode ?? '').startsWith('container:'));
  }

  /** Creation order (for before/since filters). */
  seqOf(id: string): number {
    const row = this.db.prepare('SELECT seq FROM containers WHERE id = ?').get(id) as { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  usingImage(imageId: string): ContainerRecord | undefined {
    const row = this.db.prepare('SELECT body FROM containers WHERE image_id = ? LIMIT 1').get(imageId) as { body: string } | undefined;
    return row ? JSON.parse(row.body) as ContainerRecord : undefined;
  }

  /** Docker's order: full id, then name (with or without '/'), then a unique id prefix. */
  tryResolve(idOrName: string): ContainerRecord | undefined {
    if (!idOrName) return undefined;
    const exact = this.get(idOrName);
    if (exact) return exact;
    const byName = this.byName(idOrName.replace(/^\//, ''));
    if (byName) return byName;
    if (!/^[a-f0-9]+$/.test(idOrName)) return undefined;
    // a range of the primary key's index, [prefix, prefix + U+FFFF): exactly the (ASCII) ids that start with
    // the prefix, found in O(log n); `id LIKE prefix%` read every row (a short id's inspect grew with N)
    const rows = this.db.prepare('SELECT body FROM containers WHERE id >= ? AND id < ? LIMIT 2').all(idOrName, `${idOrName}\uffff`) as { body: string }[];
    if (rows.length > 1) throw new InvalidArgumentError(`Multiple IDs found with provided prefix: ${idOrName}`, 'ERR_AMBIGUOUS');
    return rows.length ? JSON.parse(rows[0].body) as ContainerRecord : undefined;
  }

  resolve(idOrName: string): ContainerRecord {
    const rec = this.tryResolve(idOrName);
    if (!rec) throw new NoSuchContainerError(idOrName);
    return rec;
  }
}

export function nameConflict(name: string, id: string): NameInUseError {
  return new NameInUseError(`Conflict. The container name "/${name}" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`);
}

/**
 * The parsed container records of one database, kept in memory for allReadonly(). Every write goes
 * through ContainerStore (the daemon owns its root), which puts the row it wrote here; a rollback
 * of any transaction drops the whole copy, which is read again on its next use. Records are frozen:
 * a reader that tried to change a shared one would throw instead of changing everyone's.
 */
class RecordCache {
  /** id -> record, oldest first (inserts come in creation order; updates keep their place) */
  private records: Map<string, ContainerRecord> | null = null;

  put(id: string, body: string): void {
    if (!this.records) return;
    this.records.set(id, deepFreeze(JSON.parse(body) as ContainerRecord));
  }

  drop(id: string): void { this.records?.delete(id); }

  get(id: string, read: () => { id: string; body: string }[]): ContainerRecord | undefined { return this.loaded(read).get(id); }

  clear(): void { this.records = null; }

  all(read: () => { id: string; body: string }[]): readonly ContainerRecord[] {
    return [...this.loaded(read).values()].reverse();
  }

  private loaded(read: () => { id: string; body: string }[]): Map<string, ContainerRecord> {
    if (!this.records) {
      const m = new Map<string, ContainerRecord>();
      for (const r of read()) m.set(r.id, deepFreeze(JSON.parse(r.body) as ContainerRecord));
      this.records = m;
    }
    return this.records;
  }
}

const cacheOf = sharedPerDb(() => new RecordCache());

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
