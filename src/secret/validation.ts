/**
 * Docker's (swarmkit's) rules for secrets, kept where the CLI, the API and the container
 * code can all check them: names, sizes, and the references a container gives.
 */
import { posix } from 'node:path';
import { InvalidArgumentError } from '../common/errors.js';

/** swarmkit's MaxSecretSize: 500 KiB. */
export const MAX_SECRET_SIZE = 500 * 1024;

/** swarmkit's name rule (validation.ValidateName: 64 characters at most). */
const NAME_RE = /^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$/;

export function checkSecretName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 64 || !NAME_RE.test(name)) {
    throw new InvalidArgumentError('invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]', 'ERR_SECRET_NAME');
  }
  return name;
}

export function checkSecretData(data: Buffer): Buffer {
  if (data.length === 0 || data.length > MAX_SECRET_SIZE) {
    throw new InvalidArgumentError('secret data must be larger than 0 and less than 500 KB', 'ERR_SECRET_DATA');
  }
  return data;
}

/** Go's encoding/json decodes a []byte field from standard base64 and refuses anything else. */
export function decodeSecretData(data: unknown): Buffer {
  if (data === undefined || data === null || data === '') return Buffer.alloc(0);
  if (typeof data !== 'string') throw new InvalidArgumentError('json: cannot unmarshal value into Go struct field SecretSpec.Data of type []uint8', 'ERR_SECRET_DATA');
  const clean = data.replace(/[\r\n]/g, ''); // Go skips newlines in base64
  const bad = /[^A-Za-z0-9+/=]/.exec(clean);
  if (bad || clean.length % 4 !== 0) throw new InvalidArgumentError(`illegal base64 data at input byte ${bad ? bad.index : clean.length - (clean.length % 4)}`, 'ERR_SECRET_DATA');
  return Buffer.from(clean, 'base64');
}

/**
 * A container's secret: Swarm's SecretReference, the berth extension `HostConfig.BerthSecrets`.
 * UID and GID are strings and Mode a number, as in Swarm's SecretReferenceFileTarget.
 */
export interface SecretReference {
  SecretID?: string;
  SecretName: string;
  File: { Name: string; UID: string; GID: string; Mode: number };
}

/** Where a secret lands in the container: a relative target is under /run/secrets. */
export const SECRETS_DIR = '/run/secrets';

export function secretTargetPath(fileName: string): string {
  return fileName.startsWith('/') ? posix.normalize(fileName) : posix.join(SECRETS_DIR, fileName);
}

function refError(message: string): InvalidArgumentError { return new InvalidArgumentError(message, 'ERR_SECRET_REFERENCE'); }

/**
 * The CLI's `--secret` value, as docker service create reads it (opts.SecretOpt): `NAME` alone, or
 * `source=NAME[,target=…][,uid=…][,gid=…][,mode=…]` (`src`, `dst` as aliases).
 */
export function parseSecretFlag(value: string): SecretReference {
  const ref: SecretReference = { SecretName: '', File: { Name: '', UID: '0', GID: '0', Mode: 0o444 } };
  const fields = value.split(',').map((f) => f.trim()).filter(Boolean);
  if (!fields.length) throw refError('invalid secret: an empty value');
  for (const field of fields) {
    const i = field.indexOf('=');
    if (i < 0) {
      if (fields.length !== 1) throw refError(`invalid field '${field}' must be a key=value pair`);
      ref.SecretName = field;
      continue;
    }
    const key = field.slice(0, i).toLowerCase();
    const val = field.slice(i + 1);
    switch (key) {
      case 'source': case 'src': ref.SecretName = val; break;
      case 'target': case 'dst': case 'destination': ref.File.Name = val; break;
      case 'uid': ref.File.UID = val; break;
      case 'gid': ref.File.GID = val; break;
      case 'mode': {
        if (!/^[0-7]{1,4}$/.test(val)) throw refError(`invalid mode specified: ${val}`);
        ref.File.Mode = parseInt(val, 8);
        break;
      }
      default: throw refError(`invalid field in secret request: ${key}`);
    }
  }
  if (!ref.SecretName) throw refError('source is required');
  if (!ref.File.Name) ref.File.Name = ref.SecretName;
  return normalizeReference(ref);
}

/**
 * Checks a reference as it comes in (CLI or API) and fills the defaults: the target file is the
 * secret's name, owned by 0:0, mode 0444 (Docker's defaults).
 */
export function normalizeReference(raw: unknown): SecretReference {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw refError('invalid secret reference: expected an object');
  const r = raw as { SecretID?: unknown; SecretName?: unknown; File?: { Name?: unknown; UID?: unknown; GID?: unknown; Mode?: unknown } | null };
  const name = typeof r.SecretName === 'string' ? r.SecretName : '';
  const id = typeof r.SecretID === 'string' ? r.SecretID : '';
  if (!name && !id) throw refError('invalid secret reference: SecretName or SecretID is required');
  const file = r.File ?? {};
  const target = file.Name === undefined || file.Name === null || file.Name === '' ? name || id : file.Name;
  if (typeof target !== 'string') throw refError('invalid secret reference: File.Name must be a string');
  const path = secretTargetPath(target);
  if (target.split('/').includes('..') || path === SECRETS_DIR || path === '/') throw refError(`invalid secret target: ${target}`);
  const idOf = (v: unknown, what: string): string => {
    const s = v === undefined || v === null || v === '' ? '0' : String(v);
    if (!/^\d+$/.test(s) || Number(s) > 0xffffffff - 1) throw refError(`invalid secret ${what}: ${JSON.stringify(v)} (a numeric id)`);
    return s;
  };
  let mode = 0o444;
  if (file.Mode !== undefined && file.Mode !== null) {
    if (typeof file.Mode !== 'number' || !Number.isInteger(file.Mode) || file.Mode < 0 || file.Mode > 0o7777) throw refError(`invalid secret mode: ${JSON.stringify(file.Mode)}`);
    mode = file.Mode;
  }
  return { ...(id ? { SecretID: id } : {}), SecretName: name, File: { Name: target, UID: idOf(file.UID, 'uid'), GID: idOf(file.GID, 'gid'), Mode: mode } };
}

/** The references of a HostConfig, checked, with no two at one path (Docker refuses duplicate targets). */
export function referencesOf(hostConfig: object | undefined): SecretReference[] {
  const raw = (hostConfig as { BerthSecrets?: unknown } | undefined)?.BerthSecrets;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw refError('HostConfig.BerthSecrets must be a list of secret references');
  const refs = raw.map(normalizeReference);
  const seen = new Set<string>();
  for (const r of refs) {
    const p = secretTargetPath(r.File.Name);
    if (seen.has(p)) throw refError(`duplicate secret target for ${r.SecretName || r.SecretID} not allowed`);
    seen.add(p);
  }
  return refs;
}
