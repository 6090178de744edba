import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

/**
 * Open the metadata database in WAL mode. Each store module creates its own
 * tables with `ensureSchema`, so modules stay independent of one another.
 */
export function openDatabase(path: string): Db {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  cachePreparedStatements(db);
  return db;
}

const STATEMENT_CACHE_MAX = 1000;

/**
 * Compiling SQL is most of the cost of a small query (ps with 1000 containers spent two thirds of
 * its time in prepare). Stores call db.prepare(sql) inline, so prepare itself reuses statements per
 * SQL text. Callers must not switch a statement's modes (pluck/raw/expand) since it is shared.
 */
function cachePreparedStatements(db: Db): void {
  const compile = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let st = cache.get(sql);
    if (!st) {
      st = compile(sql);
      if (cache.size < STATEMENT_CACHE_MAX) cache.set(sql, st);
    }
    return st;
  }) as Db['prepare'];
}

/** Create tables (idempotent): one transaction per module schema. */
export function ensureSchema(db: Db, sql: string): void {
  db.transaction(() => db.exec(sql))();
}

/** Run fn in one transaction: either all rows change or none. */
export function tx<T>(db: Db, fn: () => T): T {
  return db.transaction(fn)();
}
