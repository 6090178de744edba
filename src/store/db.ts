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
  return db;
}

/** Create tables (idempotent): one transaction per module schema. */
export function ensureSchema(db: Db, sql: string): void {
  db.transaction(() => db.exec(sql))();
}

/** Run fn in one transaction: either all rows change or none. */
export function tx<T>(db: Db, fn: () => T): T {
  return db.transaction(fn)();
}
