/**
 * Secrets without Swarm: Docker's Secret objects (ID, Version, CreatedAt, UpdatedAt, Spec) kept in
 * berth's SQLite database, the value sealed (sealing.ts) and never part of any answer.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ConflictError, InvalidArgumentError, NotFoundError, NotSupportedError } from '../common/errors.js';
import { nowRfc3339Nano } from '../common/human-time.js';
import type { EnginePaths } from '../common/paths.js';
import { ensureSchema, tx, type Db } from '../store/db.js';
import { SecretSealer } from './sealing.js';
import { checkSecretData, checkSecretName, decodeSecretData, type SecretReference } from './validation.js';

/** Docker's Secret object as the API shows it (Spec.Data is never sent back). */
export interface SecretInfo {
  ID: string;
  Version: { Index: number };
  CreatedAt: string;
  UpdatedAt: string;
  Spec: { Name: string; Labels: Record<string, string> };
}

export interface SecretSpecInput {
  Name?: unknown; Labels?: unknown; Data?: unknown; Driver?: unknown; Templating?: unknown;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS secrets (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL UNIQUE,
  meta TEXT NOT NULL,
  sealed BLOB NOT NULL
);
`;

const FILTERS = new Set(['id', 'label', 'name', 'names']);

interface Row { seq: number; id: string; name: string; meta: string }
interface Meta { CreatedAt: string; UpdatedAt: string; Labels: Record<string, string> }

/** Swarm's object ids: 25 characters of [0-9a-z] (what `docker secret ls` users know). */
function newSecretId(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  let id = '';
  for (const b of randomBytes(25)) id += alphabet[b % 36];
  return id;
}

function labelsOf(v: unknown): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw new InvalidArgumentError('json: cannot unmarshal value into Go struct field SecretSpec.Labels of type map[string]string', 'ERR_BAD_JSON_TYPE');
  }
  return { ...(v as Record<string, string>) };
}

function hasDriver(v: unknown): boolean {
  return !!v && typeof v === 'object' && typeof (v as { Name?: unknown }).Name === 'string' && (v as { Name: string }).Name !== '';
}

export class SecretStore {
  private readonly sealer: SecretSealer;

  /** `usersOf(id)`: the names of the containers that refer to the secret (they keep it from removal). */
  constructor(private readonly db: Db, paths: EnginePaths, private readonly usersOf: (secretId: string) => string[]) {
    ensureSchema(db, SCHEMA);
    this.sealer = SecretSealer.open(join(paths.root, 'secrets'));
  }

  create(spec: SecretSpecInput): { ID: string } {
    if (hasDriver(spec.Driver)) throw new NotSupportedError('secret drivers are a Swarm feature that berth does not have; leave the driver out to store the value in berth');
    if (hasDriver(spec.Templating)) throw new NotSupportedError('secret templating is a Swarm feature that berth does not have');
    const name = checkSecretName(spec.Name);
    const data = checkSecretData(decodeSecretData(spec.Data));
    const labels = labelsOf(spec.Labels);
    const id = newSecretId();
    const now = nowRfc3339Nano();
    const meta: Meta = { CreatedAt: now, UpdatedAt: now, Labels: labels };
    try {
      tx(this.db, () => {
        if (this.db.prepare('SELECT 1 FROM secrets WHERE name = ?').get(name)) throw new ConflictError(`secret ${name} already exists`, 'ERR_SECRET_EXISTS');
        this.db.prepare('INSERT INTO secrets (id, name, meta, sealed) VALUES (?, ?, ?, ?)').run(id, name, JSON.stringify(meta), this.sealer.seal(id, data));
      });
    } finally {
      data.fill(0); // the plaintext copy this request decoded goes no further
    }
    return { ID: id };
  }

  list(filters: Record<string, string[]> = {}): SecretInfo[] {
    for (const k of Object.keys(filters)) if (!FILTERS.has(k)) throw new InvalidArgumentError(`Invalid filter '${k}'`, 'ERR_INVALID_FILTER');
    const any = (k: string, ok: (x: string) => boolean) => !filters[k]?.length || filters[k].some(ok);
    return this.rows().map((r) => this.view(r)).filter((s) => any('id', (x) => s.ID.startsWith(x))
      && any('name', (x) => s.Spec.Name.startsWith(x))
      && any('names', (x) => s.Spec.Name === x)
      && (filters.label ?? []).every((x) => { const i = x.indexOf('='); return i < 0 ? x in s.Spec.Labels : s.Spec.Labels[x.slice(0, i)] === x.slice(i + 1); }));
  }

  inspect(ref: string): SecretInfo { return this.view(this.find(ref)); }

  remove(ref: string): void {
    const row = this.find(ref);
    const users = [...new Set(this.usersOf(row.id))].sort();
    if (users.length) {
      throw new ConflictError(`secret '${row.name}' is in use by the following container${users.length === 1 ? '' : 's'}: ${users.join(', ')}`, 'ERR_SECRET_IN_USE');
    }
    this.db.prepare('DELETE FROM secrets WHERE id = ?').run(row.id);
  }

  update(ref: string): never {
    this.find(ref); // an unknown secret is still a 404
    throw new NotSupportedError('updating a secret is not supported: secrets are immutable in berth; create a new secret and recreate the containers that use it');
  }

  /**
   * A container's reference tied to the secret it names (by id when it has one, else by name), so
   * that the container keeps it whatever is renamed or created later. Docker's CLI wording when
   * the secret does not exist.
   */
  bind(ref: SecretReference): SecretReference {
    const row = ref.SecretID ? this.tryFind(ref.SecretID, true) : this.tryFind(ref.SecretName, false);
    if (!row || (ref.SecretID && ref.SecretName && row.name !== ref.SecretName)) throw new NotFoundError(`secret not found: ${ref.SecretName || ref.SecretID}`, 'ERR_SECRET_NOT_FOUND');
    return { ...ref, SecretID: row.id, SecretName: row.name };
  }

  /** The plaintext, for the tmpfs of a starting container only. */
  reveal(id: string): Buffer {
    const r = this.db.prepare('SELECT sealed FROM secrets WHERE id = ?').get(id) as { sealed: Uint8Array } | undefined;
    if (!r) throw new NotFoundError(`secret not found: ${id}`, 'ERR_SECRET_NOT_FOUND');
    return this.sealer.open(id, Buffer.from(r.sealed));
  }

  private rows(): Row[] {
    return this.db.prepare('SELECT seq, id, name, meta FROM secrets ORDER BY seq').all() as unknown as Row[];
  }

  private view(r: Row): SecretInfo {
    const m = JSON.parse(r.meta) as Meta;
    return { ID: r.id, Version: { Index: r.seq }, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, Spec: { Name: r.name, Labels: m.Labels } };
  }

  /** dockerd's order: the full id, then the name, then a unique id prefix. */
  private tryFind(ref: string, idOnly: boolean): Row | undefined {
    if (!ref) return undefined;
    const cols = 'SELECT seq, id, name, meta FROM secrets';
    const exact = this.db.prepare(`${cols} WHERE id = ?`).get(ref) as Row | undefined;
    if (exact) return exact;
    if (!idOnly) {
      const byName = this.db.prepare(`${cols} WHERE name = ?`).get(ref) as Row | undefined;
      if (byName) return byName;
    }
    if (!/^[0-9a-z]+$/.test(ref)) return undefined;
    const rows = this.db.prepare(`${cols} WHERE substr(id, 1, ?) = ? LIMIT 2`).all(ref.length, ref) as unknown as Row[];
    if (rows.length > 1) throw new InvalidArgumentError(`secret ${ref} is ambiguous (${rows.length} matches found)`, 'ERR_AMBIGUOUS');
    return rows[0];
  }

  private find(ref: string): Row {
    const row = this.tryFind(ref, false);
    if (!row) throw new NotFoundError(`secret ${ref} not found`, 'ERR_SECRET_NOT_FOUND');
    return row;
  }
}
