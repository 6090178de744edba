/**
 * Build secrets over the Engine API. The classic POST /build has no BuildKit session to fetch
 * secrets through, so berth's CLI sends them in one request header, never in the context tar:
 * they then cannot land in the context, a checksum, a spilled context directory or a layer.
 * The header is `X-Berth-Build-Secrets: base64(JSON {id: base64(value)})`; the daemon bounds
 * requests heads to 16 KiB, so secrets are for tokens and key files, not for large files.
 */
import { InvalidArgumentError } from '../common/errors.js';

export const SECRETS_HEADER = 'x-berth-build-secrets';
/** what the header may carry (the request head as a whole is limited to 16 KiB) */
const MAX_SECRETS_HEADER_BYTES = 12 * 1024;

const ID = /^[A-Za-z0-9_.-]{1,128}$/;

export function encodeSecrets(secrets: Record<string, Buffer>): string {
  const json = JSON.stringify(Object.fromEntries(Object.entries(secrets).map(([id, v]) => [id, v.toString('base64')])));
  const header = Buffer.from(json).toString('base64');
  if (header.length > MAX_SECRETS_HEADER_BYTES) {
    throw new InvalidArgumentError(`build secrets are too large to send (${header.length} bytes encoded, at most ${MAX_SECRETS_HEADER_BYTES}): berth passes secrets in a request header, for tokens and key files`, 'ERR_BUILD_SECRET');
  }
  return header;
}

export function decodeSecrets(header: string | string[] | undefined): Record<string, Buffer> {
  if (header === undefined || header === '') return {};
  if (Array.isArray(header)) throw new InvalidArgumentError('X-Berth-Build-Secrets given more than once', 'ERR_BUILD_SECRET');
  let parsed: unknown;
  try { parsed = JSON.parse(Buffer.from(header, 'base64').toString('utf8')); } catch {
    throw new InvalidArgumentError('X-Berth-Build-Secrets is not base64-encoded JSON', 'ERR_BUILD_SECRET');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidArgumentError('X-Berth-Build-Secrets must be a JSON object of id: base64 value', 'ERR_BUILD_SECRET');
  const out: Record<string, Buffer> = {};
  for (const [id, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (!ID.test(id)) throw new InvalidArgumentError(`invalid secret id ${JSON.stringify(id)}`, 'ERR_BUILD_SECRET');
    if (typeof v !== 'string') throw new InvalidArgumentError(`secret ${id}: the value must be a base64 string`, 'ERR_BUILD_SECRET');
    out[id] = Buffer.from(v, 'base64');
  }
  return out;
}

/**
 * `--secret id=x[,src=path|,env=VAR][,type=file|env]` as buildx reads it: a file with src (or
 * source), an environment variable with env; with neither, the variable named like the id.
 */
export function parseSecretFlag(flag: string, readFile: (path: string) => Buffer, env: NodeJS.ProcessEnv): [string, Buffer] {
  const fields: Record<string, string> = {};
  for (const part of flag.split(',')) {
    const i = part.indexOf('=');
    if (i <= 0) throw new InvalidArgumentError(`invalid secret ${JSON.stringify(flag)}: expected key=value pairs (id=, src=, env=, type=)`, 'ERR_BUILD_SECRET');
    fields[part.slice(0, i).trim().toLowerCase()] = part.slice(i + 1).trim();
  }
  for (const k of Object.keys(fields)) {
    if (!['id', 'src', 'source', 'env', 'type'].includes(k)) throw new InvalidArgumentError(`invalid secret ${JSON.stringify(flag)}: unexpected key "${k}"`, 'ERR_BUILD_SECRET');
  }
  const id = fields.id;
  if (!id || !ID.test(id)) throw new InvalidArgumentError(`invalid secret ${JSON.stringify(flag)}: a valid id= is required`, 'ERR_BUILD_SECRET');
  const src = fields.src ?? fields.source;
  const type = fields.type ?? (src !== undefined ? 'file' : 'env');
  if (type === 'file') {
    if (!src) throw new InvalidArgumentError(`secret ${id}: type=file needs src=`, 'ERR_BUILD_SECRET');
    try { return [id, readFile(src)]; } catch (e) {
      throw new InvalidArgumentError(`secret ${id}: cannot read ${src}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'ERR_BUILD_SECRET');
    }
  }
  if (type !== 'env') throw new InvalidArgumentError(`secret ${id}: unsupported type "${type}" (file or env)`, 'ERR_BUILD_SECRET');
  const name = fields.env ?? src ?? id;
  const value = env[name];
  if (value === undefined) throw new InvalidArgumentError(`secret ${id}: environment variable ${name} is not set`, 'ERR_BUILD_SECRET');
  return [id, Buffer.from(value)];
}
