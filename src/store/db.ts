import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

// node:sqlite (Node 24) instead of better-sqlite3: no native module to build against each Node ABI,
// which a fresh machine could not fetch prebuilt. Its queries are ~1.3-1.7x slower (1,000 rows read
// in 6.1 vs 4.6 ms), a few ms of a ps of 1,000 containers.
export type Db = DatabaseSync;
export type Statement = StatementSync;

/**
 * Open the metadata database in WAL mode. Each store module creates its own
 * tables with `ensureSchema`, so modules stay independent of one another.
 */
export function openDatabase(path: string): Db {
  mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path, { timeout: 5000 });
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
  cachePreparedStatements(db);
  return db;
}

const STATEMENT_CACHE_MAX = 1000;

/**
 * Compiling SQL is most of the cost of a small query (ps with 1000 containers spent two thirds of
 * its time in prepare). Stores call db.prepare(sql) inline, so prepare itself reuses statements per
 * SQL text. Statements accept objects with more keys than the SQL names (stores pass whole records).
 */
function cachePreparedStatements(db: Db): void {
  const compile = db.prepare.bind(db);
  const cache = new Map<string, StatementSync>();
  db.prepare = ((sql: string) => {
    let st = cache.get(sql);
    if (!st) {
      st = compile(sql);
      st.setAllowUnknownNamedParameters(true);
      if (cache.size < STATEMENT_CACHE_MAX) cache.set(sql, st);
    }
    return st;
  }) as Db['prepare'];
}

/** Create tables (idempotent): one transaction per module schema. */
export function ensureSchema(db: Db, sql: string): void {
  tx(db, () => db.exec(sql));
}

let savepoints = 0;

const rollbackHooks = new WeakMap<Db, Set<() => void>>();

/**
 * Called after any rollback of a transaction or savepoint that tx() ran on db: an in-memory copy of
 * rows written inside it (the container records' cache) is then no longer known to be right.
 */
function onRollback(db: Db, fn: () => void): void {
  let hooks = rollbackHooks.get(db);
  if (!hooks) rollbackHooks.set(db, hooks = new Set());
  hooks.add(fn);
}

/**
 * A copy of some rows kept in memory, one per database and shared by every store opened on it (each
 * store's writes go through to the copy); a rollback of any transaction clears it, so it is read again.
 */
export function sharedPerDb<T extends { clear(): void }>(make: () => T): (db: Db) => T {
  const copies = new WeakMap<Db, T>();
  return (db) => {
    let c = copies.get(db);
    if (!c) {
      const made = make();
      copies.set(db, c = made);
      onRollback(db, () => made.clear());
    }
    return c;
  };
}

function rolledBack(db: Db): void {
  for (const fn of rollbackHooks.get(db) ?? []) fn();
}

/**
 * Run fn in one transaction: either all rows change or none. A nested call is a savepoint, so an
 * inner failure undoes only its own part when the outer caller catches it.
 */
export function tx<T>(db: Db, fn: () => T): T {
  if (!db.isTransaction) {
    db.exec('BEGIN');
    try {
      const result = fn();
      db.exec('COMMIT');
      return result;
    } catch (e) {
      if (db.isTransaction) db.exec('ROLLBACK');
      rolledBack(db);
      throw e;
    }
  }
  const name = `berth_sp${++savepoints}`;
  db.exec(`SAVEPOINT ${name}`);
  try {
    const result = fn();
    db.exec(`RELEASE ${name}`);
    return result;
  } catch (e) {
    db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
    rolledBack(db);
    throw e;
  }
}
