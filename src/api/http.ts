import type { IncomingMessage, ServerResponse } from 'node:http';
import { BerthError, InvalidArgumentError, toBerthError, type ErrorCode } from '../common/errors.js';
import { log } from '../common/log.js';
import { tryGoDurationNs } from '../common/go-duration.js';

export const API_VERSION = '1.55';
/** dockerd 20.10's floor: older clients (skopeo's docker-daemon transport speaks 1.22) still work. */
export const MIN_API_VERSION = '1.12';
/** Before this version errors were plain text, not {"message": ...}. */
const JSON_ERRORS_VERSION = '1.24';
/** Request bodies beyond this are refused: JSON bodies are small; archives stream separately. */
export const MAX_JSON_BODY = 8 * 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body) + '\n');
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': data.length });
  res.end(data);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

/**
 * The JSON body of an error answer: Docker's {"message": ...} and the error's code, a field Docker's
 * clients ignore and berth's CLI picks exit codes and wording by.
 */
export function errorBody(err: BerthError): { message: string; code: ErrorCode } {
  return { message: err.message, code: err.code };
}

/** An error answer: the error's HTTP status and errorBody() (plain text before API 1.24, as Docker). */
export function sendError(res: ServerResponse, e: unknown, version?: string): void {
  const err = toBerthError(e);
  if (err.status >= 500) log.error('request failed', { code: err.code, message: err.message });
  if (res.headersSent) { res.destroy(); return; }
  if (version && compareVersions(version, JSON_ERRORS_VERSION) < 0) {
    const data = Buffer.from(err.message + '\n');
    res.writeHead(err.status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': data.length });
    res.end(data);
    return;
  }
  sendJson(res, err.status, errorBody(err));
}

/** The API version a request path names (`/v1.22/...`), if any. */
export function pathVersion(url: string | undefined): string | undefined {
  return /^\/v(\d+\.\d+)\//.exec(url ?? '')?.[1];
}

export async function readBody(req: IncomingMessage, limit = MAX_JSON_BODY): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new BerthError(`request body too large (limit ${limit} bytes)`, { code: 'ERR_BODY_TOO_LARGE', status: 413 });
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parse a JSON body; an empty body is {} (Docker accepts that for most POSTs). */
export async function readJson<T = any>(req: IncomingMessage, preRead?: Buffer): Promise<T> {
  const buf = preRead ?? await readBody(req);
  if (buf.length === 0) return {} as T;
  try {
    return JSON.parse(buf.toString('utf8')) as T;
  } catch (e) {
    throw new InvalidArgumentError(`invalid JSON in request body: ${(e as Error).message}`, 'ERR_BAD_JSON');
  }
}

export class Query {
  constructor(readonly params: URLSearchParams) {}
  str(name: string): string | undefined { return this.params.get(name) ?? undefined; }
  all(name: string): string[] { return this.params.getAll(name); }
  /** Docker's boolean query values: 1/true/True; 0/false/empty are false. */
  bool(name: string, dflt = false): boolean {
    const v = this.params.get(name);
    if (v === null) return dflt;
    return !['', '0', 'false', 'False', 'FALSE', 'no'].includes(v);
  }
  int(name: string): number | undefined {
    const v = this.params.get(name);
    if (v === null || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`invalid value for ${name}: ${v}`);
    return n;
  }
  /** filters={"label":["a=b"]} or the old {"label":{"a=b":true}} form → Record<string,string[]> */
  filters(): Record<string, string[]> {
    const raw = this.params.get('filters');
    if (!raw) return {};
    let parsed: unknown;
    try { parsed = JSON.parse(raw); } catch { throw new InvalidArgumentError(`invalid filter: ${raw}`, 'ERR_BAD_FILTER'); }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidArgumentError(`invalid filter: ${raw}`, 'ERR_BAD_FILTER');
    const out: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      if (Array.isArray(v)) out[k] = v.map(String);
      else if (v && typeof v === 'object') out[k] = Object.entries(v as Record<string, unknown>).filter(([, on]) => on).map(([x]) => x);
      else throw new InvalidArgumentError(`invalid filter: ${raw}`, 'ERR_BAD_FILTER');
    }
    return out;
  }
}

/** Docker's "since"/"until" values: unix seconds (fractional ok), RFC3339, or a duration like 10m relative to now. */
export function parseTimestamp(v: string | undefined, now = Date.now()): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  const ns = tryGoDurationNs(v);
  if (ns !== undefined) return now / 1000 - ns / 1e9;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgumentError(`invalid time value: ${v}`, 'ERR_BAD_TIME');
  return t / 1000;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
