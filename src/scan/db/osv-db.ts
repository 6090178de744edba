/**
 * The offline OSV advisory database under the engine's root: import, status and the lookups matching
 * needs. A SQLite file of its own (not berth.db): it is large, rebuilt from the user's files at will,
 * and a damaged copy must not take the engine's metadata with it.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { BerthError, NotFoundError, SystemError } from '../../common/errors.js';
import type { OsvAdvisory } from '../osv/types.js';
import type { ScanWarning } from '../types.js';
import { SCHEMA, SCHEMA_VERSION } from './schema.js';
import { checkAdvisory } from './validate.js';
import { ecosystemBase, packageKey } from './keys.js';
import { readSource } from './sources.js';

/** Advisories per transaction: large enough that commits are not the cost, small enough to yield often. */
const BATCH = 2000;
/** Minified JSON larger than this is deflated (most advisories are a few KB of text that compresses 4-6x). */
const DEFLATE_OVER = 1024;

export interface ImportOptions {
  /** the source's name in status (default: from the path) */
  name?: string;
  /** the path shown in status when the file read is not the one the user named (an upload) */
  shownPath?: string;
  signal?: AbortSignal;
}

export interface ImportedSource {
  name: string;
  path: string;
  /** valid advisories read */
  advisories: number;
  added: number;
  updated: number;
  /** already present with the same or a newer `modified` */
  unchanged: number;
  withdrawn: number;
  /** files that could not be read or were not valid OSV */
  rejected: number;
}

export interface ImportResult {
  sources: ImportedSource[];
  warnings: ScanWarning[];
  /** true when some file was rejected, or a damaged database was rebuilt: the database lacks what they held */
  incomplete: boolean;
  /** advisories in the database afterwards */
  total: number;
  durationMs: number;
}

export interface SourceStatus { name: string; path: string; importedAt: string; advisories: number; warnings: number }

export interface DbStatus {
  path: string;
  advisories: number;
  withdrawn: number;
  /** advisories per OSV ecosystem (`Debian:12`, `npm`, …) */
  ecosystems: Array<{ ecosystem: string; advisories: number }>;
  sources: SourceStatus[];
  /** the last import, RFC 3339 */
  updated?: string;
  /** seconds since the last import */
  ageSeconds?: number;
  /** the newest `modified` of any advisory: how fresh the data itself is */
  newestModified?: string;
}

export interface StoredAdvisory { advisory: OsvAdvisory; source: string }

/** How to recover, said with every damaged-database error. */
const FIX = 'import your OSV files again with `berth scan db import PATH...` (it moves the damaged file aside and rebuilds)';

function isSqliteDamage(e: unknown): boolean {
  const code = (e as { errcode?: number }).errcode;
  if (typeof code === 'number') return [11, 26].includes(code & 0xff); // SQLITE_CORRUPT, SQLITE_NOTADB
  return /malformed|not a database|file is encrypted/i.test((e as Error)?.message ?? '');
}

export class OsvDatabase {
  private db?: DatabaseSync;
  /** why the file cannot be used, until an import rebuilds it */
  private damage?: string;
  private busy: Promise<unknown> = Promise.resolve();
  /** compiled statements by SQL text: compiling is most of a small query's cost (a scan runs hundreds) */
  private statements = new Map<string, StatementSync>();

  private constructor(readonly path: string) {}

  /** Open (or create) the database; a damaged file does not throw here, its reads do (ERR_SCAN_DB). */
  static open(path: string): OsvDatabase {
    const d = new OsvDatabase(path);
    d.connect();
    return d;
  }

  private connect(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    this.damage = undefined;
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(this.path, { timeout: 5000 });
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
      db.exec('BEGIN');
      db.exec(SCHEMA);
      const row = db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined;
      if (!row) db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(String(SCHEMA_VERSION));
      db.exec('COMMIT');
      if (row && Number(row.value) > SCHEMA_VERSION) {
        throw new SystemError(`the vulnerability database ${this.path} was written by a newer berth (schema ${row.value}); use that berth, or ${FIX}`, 'ERR_SCAN_DB');
      }
      // touches every table's b-tree pages, so a truncated file is found here rather than mid-scan
      db.prepare('SELECT (SELECT count(*) FROM advisories) + (SELECT count(*) FROM affects) + (SELECT count(*) FROM sources) AS n').get();
      this.db = db;
    } catch (e) {
      try { if (db?.isTransaction) db.exec('ROLLBACK'); } catch { /* the file is what failed */ }
      try { db?.close(); } catch { /* already unusable */ }
      if (e instanceof BerthError) throw e;
      if (!isSqliteDamage(e)) throw new SystemError(`cannot open the vulnerability database ${this.path}: ${(e as Error).message}`, 'ERR_SCAN_DB', e);
      this.damage = (e as Error).message;
    }
  }

  private prepare(db: DatabaseSync, sql: string): StatementSync {
    let st = this.statements.get(sql);
    if (!st) { st = db.prepare(sql); this.statements.set(sql, st); }
    return st;
  }

  /** The live connection, or the coded error that says the file is damaged and how to fix it. */
  private conn(): DatabaseSync {
    if (this.damage !== undefined || !this.db) {
      throw new SystemError(`the vulnerability database ${this.path} is damaged (${this.damage ?? 'closed'}); ${FIX}`, 'ERR_SCAN_DB');
    }
    return this.db;
  }

  /** Run a read, turning SQLite's corruption errors into ERR_SCAN_DB (and remembering the damage). */
  private read<T>(fn: (db: DatabaseSync) => T): T {
    const db = this.conn();
    try { return fn(db); } catch (e) {
      if (!isSqliteDamage(e)) throw e;
      this.damage = (e as Error).message;
      return this.conn() as never;
    }
  }

  /** Move a damaged file (and its WAL) aside and start an empty database; returns where it went. */
  private rebuild(): string {
    this.close();
    const aside = `${this.path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(this.path + suffix)) renameSync(this.path + suffix, aside + suffix);
    }
    this.connect();
    this.conn();
    return aside;
  }

  close(): void {
    this.statements.clear();
    try { this.db?.close(); } catch { /* closing a damaged file */ }
    this.db = undefined;
  }

  /** Import OSV files from each path (directory, .json, .zip); one at a time per database. */
  import(paths: string[], opts: ImportOptions = {}): Promise<ImportResult> {
    const run = this.busy.then(() => this.importNow(paths, opts));
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async importNow(paths: string[], opts: ImportOptions): Promise<ImportResult> {
    const started = Date.now();
    for (const p of paths) if (!existsSync(p)) throw new NotFoundError(`no such file or directory: ${p}`, 'ERR_PATH_NOT_FOUND');
    const warnings: ScanWarning[] = [];
    const rebuilt = this.damage !== undefined || !this.db;
    if (rebuilt) {
      const was = this.damage;
      const aside = this.rebuild();
      warnings.push({ path: this.path, message: `the database was damaged (${was}); it was moved to ${aside} and rebuilt: import every source again` });
    }
    const sources: ImportedSource[] = [];
    for (const p of paths) {
      const abs = resolve(p);
      const shown = opts.shownPath ?? abs;
      const src: ImportedSource = { name: opts.name ?? sourceName(shown), path: shown, advisories: 0, added: 0, updated: 0, unchanged: 0, withdrawn: 0, rejected: 0 };
      let batch: OsvAdvisory[] = [];
      for await (const item of readSource(abs)) {
        if (opts.signal?.aborted) throw new SystemError('import aborted', 'ERR_ABORTED');
        if (item.kind === 'warning') { src.rejected++; warnings.push({ path: item.path, message: item.message }); continue; }
        let parsed: unknown;
        try { parsed = JSON.parse(item.text); } catch (e) {
          src.rejected++;
          warnings.push({ path: item.path, message: `not valid JSON: ${(e as Error).message}` });
          continue;
        }
        const checked = checkAdvisory(parsed);
        if ('problem' in checked) { src.rejected++; warnings.push({ path: item.path, message: `not a valid OSV advisory: ${checked.problem}` }); continue; }
        batch.push(checked.advisory);
        if (batch.length >= BATCH) { this.writeBatch(batch, src); batch = []; }
      }
      this.writeBatch(batch, src);
      this.conn().prepare(`INSERT INTO sources (name, path, imported_at, advisories, warnings) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET path = excluded.path, imported_at = excluded.imported_at, advisories = excluded.advisories, warnings = excluded.warnings`)
        .run(src.name, src.path, new Date().toISOString(), src.advisories, src.rejected);
      sources.push(src);
    }
    const total = (this.conn().prepare('SELECT count(*) AS n FROM advisories').get() as { n: number }).n;
    // kept for count(): counting reads every page of the advisories table, which a scan should not pay for
    this.conn().prepare("INSERT INTO meta (key, value) VALUES ('advisories', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(String(total));
    // a rebuild lost what earlier imports held: incomplete until they are imported again
    return { sources, warnings, incomplete: rebuilt || sources.some((s) => s.rejected > 0), total, durationMs: Date.now() - started };
  }

  /** One transaction: a newer `modified` replaces the stored advisory and its index rows, an older or equal one is skipped. */
  private writeBatch(batch: OsvAdvisory[], src: ImportedSource): void {
    if (batch.length === 0) return;
    const db = this.conn();
    const getModified = this.prepare(db, 'SELECT modified_ms FROM advisories WHERE id = ?');
    const upsert = this.prepare(db, `INSERT INTO advisories (id, modified, modified_ms, withdrawn, source, deflated, raw) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET modified = excluded.modified, modified_ms = excluded.modified_ms, withdrawn = excluded.withdrawn,
        source = excluded.source, deflated = excluded.deflated, raw = excluded.raw`);
    const dropIndex = this.prepare(db, 'DELETE FROM affects WHERE id = ?');
    const index = this.prepare(db, 'INSERT OR IGNORE INTO affects (eco_base, name, id, ecosystem) VALUES (?, ?, ?, ?)');
    db.exec('BEGIN');
    try {
      for (const a of batch) {
        src.advisories++;
        if (a.withdrawn) src.withdrawn++;
        const ms = Date.parse(a.modified);
        const prev = getModified.get(a.id) as { modified_ms: number } | undefined;
        if (prev && prev.modified_ms >= ms) { src.unchanged++; continue; }
        if (prev) { dropIndex.run(a.id); src.updated++; } else src.added++;
        const json = JSON.stringify(a);
        const deflated = json.length > DEFLATE_OVER;
        upsert.run(a.id, a.modified, ms, a.withdrawn ?? null, src.name, deflated ? 1 : 0, deflated ? deflateRawSync(json, { level: 3 }) : Buffer.from(json));
        if (a.withdrawn) continue;
        for (const aff of a.affected ?? []) {
          if (!aff.package) continue;
          const base = ecosystemBase(aff.package.ecosystem);
          index.run(base, packageKey(base, aff.package.name), a.id, aff.package.ecosystem);
        }
      }
      db.exec('COMMIT');
    } catch (e) {
      if (db.isTransaction) db.exec('ROLLBACK');
      if (isSqliteDamage(e)) { this.damage = (e as Error).message; this.conn(); }
      throw e;
    }
  }

  /**
   * The advisories that name a package in an ecosystem (`Debian`, `npm`, …; the release is the
   * matcher's to check), withdrawn ones excluded. An entry that cannot be read is reported, not fatal.
   */
  lookup(base: string, name: string, onWarning: (w: ScanWarning) => void): StoredAdvisory[] {
    const rows = this.read((db) => this.prepare(db, `SELECT a.id, a.source, a.deflated, a.raw FROM affects f JOIN advisories a ON a.id = f.id
      WHERE f.eco_base = ? AND f.name = ? AND a.withdrawn IS NULL GROUP BY a.id ORDER BY a.id`).all(base, packageKey(base, name))) as Array<{ id: string; source: string; deflated: number; raw: Uint8Array }>;
    const out: StoredAdvisory[] = [];
    for (const r of rows) {
      try {
        const text = r.deflated ? inflateRawSync(r.raw).toString('utf8') : Buffer.from(r.raw).toString('utf8');
        out.push({ advisory: JSON.parse(text) as OsvAdvisory, source: r.source });
      } catch (e) {
        onWarning({ path: this.path, message: `advisory ${r.id} cannot be read (${(e as Error).message}); ${FIX}` });
      }
    }
    return out;
  }

  /** Which ecosystems (without release) the database has advisories for. */
  ecosystemBases(): Set<string> {
    return new Set(this.read((db) => db.prepare('SELECT DISTINCT eco_base FROM affects').all() as Array<{ eco_base: string }>).map((r) => r.eco_base));
  }

  /** Sources, counts per ecosystem, last import and its age; checks the file's integrity on the way. */
  status(): DbStatus {
    return this.read((db) => {
      const check = db.prepare('PRAGMA quick_check(1)').get() as Record<string, string>;
      const verdict = Object.values(check)[0];
      if (verdict !== 'ok') { this.damage = verdict; this.conn(); }
      const counts = db.prepare('SELECT count(*) AS n, count(withdrawn) AS w, max(modified_ms) AS newest FROM advisories').get() as { n: number; w: number; newest: number | null };
      const ecosystems = (db.prepare('SELECT ecosystem, count(DISTINCT id) AS n FROM affects GROUP BY ecosystem ORDER BY ecosystem').all() as Array<{ ecosystem: string; n: number }>)
        .map((r) => ({ ecosystem: r.ecosystem, advisories: r.n }));
      const { sources, updated } = this.sources();
      return {
        path: this.path,
        advisories: counts.n,
        withdrawn: counts.w,
        ecosystems,
        sources,
        updated,
        ageSeconds: updated ? Math.max(0, Math.round((Date.now() - Date.parse(updated)) / 1000)) : undefined,
        newestModified: counts.newest != null ? new Date(counts.newest).toISOString() : undefined,
      };
    });
  }

  /** The imported sources and the last import (cheap: what every scan report names). */
  sources(): { sources: SourceStatus[]; updated?: string } {
    return this.read((db) => {
      const sources = (this.prepare(db, 'SELECT name, path, imported_at, advisories, warnings FROM sources ORDER BY name').all() as Array<{ name: string; path: string; imported_at: string; advisories: number; warnings: number }>)
        .map((r) => ({ name: r.name, path: r.path, importedAt: r.imported_at, advisories: r.advisories, warnings: r.warnings }));
      return { sources, updated: sources.map((x) => x.importedAt).sort().at(-1) };
    });
  }

  /** Number of advisories (0 for an empty database), as the last import counted them. */
  count(): number {
    return this.read((db) => {
      const row = this.prepare(db, "SELECT value FROM meta WHERE key = 'advisories'").get() as { value: string } | undefined;
      return row ? Number(row.value) : (this.prepare(db, 'SELECT count(*) AS n FROM advisories').get() as { n: number }).n;
    });
  }
}

/** `…/Debian/all.zip` → `Debian/all.zip`; `…/osv/npm` → `npm`: the part that tells sources apart. */
function sourceName(path: string): string {
  const base = basename(path);
  return /^all\.(zip|json)$/i.test(base) ? `${basename(dirname(path))}/${base}` : base;
}
