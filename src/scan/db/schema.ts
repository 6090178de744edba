/** The OSV database's tables (a SQLite file of its own, `<root>/scan/osv.db`). */

/** Bumped when the tables change; a newer file than this code knows is refused, an older one rebuilt. */
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- one row per path imported (a zip, a directory, a file, an upload), replaced on re-import
CREATE TABLE IF NOT EXISTS sources (
  name TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  advisories INTEGER NOT NULL,
  warnings INTEGER NOT NULL
);
-- the advisories as they came (minified JSON, deflated when large); the newest modified wins
CREATE TABLE IF NOT EXISTS advisories (
  id TEXT PRIMARY KEY,
  modified TEXT NOT NULL,
  modified_ms INTEGER NOT NULL,
  withdrawn TEXT,
  source TEXT NOT NULL,
  deflated INTEGER NOT NULL,
  raw BLOB NOT NULL
);
-- which advisories name a package: (ecosystem without release, package key) -> id.
-- Debian's advisories name SOURCE packages, so their rows are keyed by source name. Withdrawn
-- advisories have no rows: they never match.
CREATE TABLE IF NOT EXISTS affects (
  eco_base TEXT NOT NULL,
  name TEXT NOT NULL,
  id TEXT NOT NULL,
  ecosystem TEXT NOT NULL,
  PRIMARY KEY (eco_base, name, id, ecosystem)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS affects_by_id ON affects (id);
`;
