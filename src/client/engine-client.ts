/**
 * Engine API client over a unix socket (node:http, keep-alive). Speaks Docker's routes with the
 * version prefix it was built for and no /_ping before the first request (a round trip on every CLI
 * run); a daemon that answers "client version ... is too new" gets the version it names, and a
 * socket that does not answer gets the `onUnreachable` hook (autostart), each once, then a retry.
 * That works against berth and against a real dockerd.
 */
import http from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import { BerthError, isErrorCode, type ErrorCode } from '../common/errors.js';

export const CLIENT_API_VERSION = '1.55';
const MIN_API_VERSION = '1.24';

/**
 * An error answer from the daemon: printed as "Error response from daemon: <message>". Its `code` is
 * the one berth's daemon sends with the message; a daemon that sends none (dockerd) or one this CLI
 * does not know gets the code of its HTTP status, and `fromServer` is false: only then may a caller
 * look at the message's words.
 */
export class DaemonError extends BerthError {
  readonly fromServer: boolean;
  constructor(readonly statusCode: number, message: string, serverCode?: unknown) {
    super(message, { code: isErrorCode(serverCode) ? serverCode : codeOfStatus(statusCode), status: statusCode, exitCode: 1 });
    this.fromServer = isErrorCode(serverCode);
  }

  /** The error message of a JSON progress stream (pull, push, load, import, build). */
  static fromStream(m: { error?: string; errorDetail?: { message?: string }; code?: unknown }): DaemonError {
    return new DaemonError(500, m.errorDetail?.message ?? m.error ?? 'unknown error', m.code);
  }
}

/** What an error answer without a code means, by its status (the Engine API's documented ones). */
export function codeOfStatus(status: number): ErrorCode {
  switch (status) {
    case 400: return 'ERR_INVALID_ARGUMENT';
    case 404: return 'ERR_NOT_FOUND';
    case 409: return 'ERR_CONFLICT';
    case 501: return 'ERR_NOT_SUPPORTED';
    default: return 'ERR_DAEMON';
  }
}

/** The socket did not answer at all. */
export class ConnectError extends BerthError {
  constructor(readonly socketPath: string, readonly errno: string) {
    super(`Cannot connect to the berth daemon at unix://${socketPath}. Is the daemon running?`, { code: 'ERR_CONNECT', status: 503, exitCode: 1 });
  }
}

export type Query = Record<string, string | number | boolean | undefined | null | string[]>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;               // JSON-encoded unless Buffer/Readable
  headers?: Record<string, string>;
  contentType?: string;
  signal?: AbortSignal;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function encodeQuery(q: Query | undefined): string {
  if (!q) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const e of v) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(e)}`);
    else parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(typeof v === 'boolean' ? (v ? '1' : '0') : String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Docker's filters query parameter: {"key":["v1","v2"]}. */
export function encodeFilters(filters: string[] | undefined): string | undefined {
  if (!filters || filters.length === 0) return undefined;
  const out: Record<string, string[]> = {};
  for (const f of filters) {
    const eq = f.indexOf('=');
    if (eq <= 0) throw new BerthError(`bad format of filter (expected name=value)`, { code: 'ERR_USAGE', status: 400, exitCode: 125 });
    const key = f.slice(0, eq).trim().toLowerCase();
    (out[key] ??= []).push(f.slice(eq + 1));
  }
  return JSON.stringify(out);
}

/**
 * The whole body. Events, not `for await`: a stream's first async iterator loads several of Node's
 * internal stream modules (~2 ms of every CLI run).
 */
export function readBody(res: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.once('end', () => resolve(Buffer.concat(chunks)));
    res.once('error', reject);
    res.once('close', () => { if (!res.readableEnded) reject(new Error('connection closed before the end of the answer')); });
  });
}

/** An error answer as a DaemonError: {"message", "code"} from berth, {"message"} from dockerd, text before API 1.24. */
export function daemonErrorOf(status: number, body: Buffer): DaemonError {
  const text = body.toString('utf8').trim();
  try {
    const j = JSON.parse(text);
    if (j && typeof j.message === 'string') return new DaemonError(status, j.message, j.code);
  } catch { /* not JSON: use the text */ }
  return new DaemonError(status, text || `${status} ${http.STATUS_CODES[status] ?? ''}`.trim());
}

export class EngineClient {
  private readonly agent = new http.Agent({ keepAlive: true });
  private version = CLIENT_API_VERSION;
  private negotiated = false;
  private reached = false;
  private reaching: Promise<void> | null = null;

  /** `onUnreachable` runs (once, shared) when the socket refuses the first connection: start the daemon. */
  constructor(readonly socketPath: string, private readonly onUnreachable?: () => Promise<void>) {}

  get apiVersion(): string { return this.version; }

  private rawRequest(method: string, path: string, opts: RequestOptions, extra: { upgrade?: boolean } = {}): http.ClientRequest {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const versioned = path === '/_ping' ? path : `/v${this.version}${path}`;
    const req = http.request({
      socketPath: this.socketPath,
      agent: extra.upgrade ? false : this.agent,
      method,
      path: versioned + encodeQuery(opts.query),
      headers,
      signal: opts.signal,
      // Node's agent otherwise derives a TLS server name for every request and checks it with net.isIP,
      // whose IPv6 pattern costs ~2.5 ms at the first call and ~0.5 ms after: a socket has no server name
      servername: '',
    } as http.RequestOptions);
    return req;
  }

  private send(req: http.ClientRequest, opts: RequestOptions): void {
    const body = opts.body;
    if (body === undefined || body === null) { req.end(); return; }
    if (Buffer.isBuffer(body)) {
      req.setHeader('Content-Type', opts.contentType ?? 'application/octet-stream');
      req.end(body);
      return;
    }
    if (typeof (body as Readable).pipe === 'function') {
      req.setHeader('Content-Type', opts.contentType ?? 'application/x-tar');
      req.setHeader('Transfer-Encoding', 'chunked');
      (body as Readable).on('error', (e) => req.destroy(e));
      (body as Readable).pipe(req);
      return;
    }
    const json = Buffer.from(JSON.stringify(body));
    req.setHeader('Content-Type', 'application/json');
    req.setHeader('Content-Length', String(json.length));
    req.end(json);
  }

  private wrapError(e: unknown): unknown {
    const err = e as NodeJS.ErrnoException;
    if (err && (err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'EACCES' || err.code === 'ENOTSOCK')) {
      return new ConnectError(this.socketPath, err.code);
    }
    return e;
  }

  /** GET /_ping; learns the daemon's API version (Docker's negotiation: min of both). */
  async ping(): Promise<{ apiVersion: string }> {
    const res = await this.request('GET', '/_ping');
    await readBody(res);
    const server = String(res.headers['api-version'] ?? '');
    if (server && !this.negotiated) this.negotiate(server);
    return { apiVersion: server };
  }

  /**
   * Run one request; when it could not be sent (no daemon) or the daemon is older than this client,
   * fix that once and send it again. A streamed body cannot be sent twice: the daemon is pinged first.
   */
  private async retrying<T>(path: string, opts: RequestOptions, send: () => Promise<T>): Promise<T> {
    const streamed = Boolean(opts.body && typeof (opts.body as Readable).pipe === 'function');
    if (streamed && !this.reached && path !== '/_ping') await this.ping();
    let started = false;
    let renegotiated = false;
    for (;;) {
      try {
        const r = await send();
        this.reached = true;
        return r;
      } catch (e) {
        // the daemon is started at most once; a request that failed while another started it retries too
        if (!started && e instanceof ConnectError && this.onUnreachable && path !== '/_ping' && (this.reaching || !this.reached)) {
          started = true;
          this.reaching ??= this.onUnreachable();
          await this.reaching;
          this.reached = true;
          continue;
        }
        // the version to speak is only in the words (dockerd sends no code): read it there once the code says so
        const tooNew = e instanceof DaemonError && (e.fromServer ? e.code === 'ERR_API_VERSION' : e.statusCode === 400);
        const max = !renegotiated && !streamed && tooNew ? /Maximum supported API version is ([\d.]+)/.exec((e as Error).message) : null;
        if (max) {
          renegotiated = true;
          this.negotiate(max[1]);
          continue;
        }
        throw e;
      }
    }
  }

  private negotiate(server: string): void {
    this.version = compareVersions(server, CLIENT_API_VERSION) < 0 ? server : CLIENT_API_VERSION;
    if (compareVersions(this.version, MIN_API_VERSION) < 0) this.version = MIN_API_VERSION;
    this.negotiated = true;
  }

  /** A request whose response is returned as a stream; status >= 400 throws DaemonError. */
  request(method: string, path: string, opts: RequestOptions = {}): Promise<http.IncomingMessage> {
    return this.retrying(path, opts, () => this.requestOnce(method, path, opts));
  }

  private requestOnce(method: string, path: string, opts: RequestOptions): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = this.rawRequest(method, path, opts);
      req.on('error', (e) => reject(this.wrapError(e)));
      req.on('response', (res) => {
        if ((res.statusCode ?? 500) >= 400) {
          readBody(res).then((b) => reject(daemonErrorOf(res.statusCode ?? 500, b)), reject);
          return;
        }
        resolve(res);
      });
      this.send(req, opts);
    });
  }

  async json<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, opts);
    const body = await readBody(res);
    if (body.length === 0) return undefined as T;
    const text = body.toString('utf8');
    try {
      return JSON.parse(text) as T;
    } catch {
      return text as T;
    }
  }

  /** Like json() but resolves the status too (304 "not modified" for stop/start). */
  async call(method: string, path: string, opts: RequestOptions = {}): Promise<{ status: number; body: Buffer }> {
    const res = await this.request(method, path, opts);
    return { status: res.statusCode ?? 0, body: await readBody(res) };
  }

  /**
   * Hijacked connection (attach, exec start): POST with `Upgrade: tcp`; the daemon answers 101 and
   * the socket then carries the raw or multiplexed stdio both ways. A daemon that answers 200 instead
   * gives a read-only stream.
   */
  hijack(method: string, path: string, opts: RequestOptions = {}): Promise<{ socket: Duplex; head: Buffer; writable: boolean }> {
    return this.retrying(path, opts, () => this.hijackOnce(method, path, opts));
  }

  private hijackOnce(method: string, path: string, opts: RequestOptions): Promise<{ socket: Duplex; head: Buffer; writable: boolean }> {
    return new Promise((resolve, reject) => {
      const req = this.rawRequest(method, path, { ...opts, headers: { ...(opts.headers ?? {}), Connection: 'Upgrade', Upgrade: 'tcp' } }, { upgrade: true });
      req.on('error', (e) => reject(this.wrapError(e)));
      req.on('upgrade', (_res, socket, head) => resolve({ socket, head, writable: true }));
      req.on('response', (res) => {
        if ((res.statusCode ?? 500) >= 400) {
          readBody(res).then((b) => reject(daemonErrorOf(res.statusCode ?? 500, b)), reject);
          return;
        }
        resolve({ socket: res as unknown as Duplex, head: Buffer.alloc(0), writable: false });
      });
      this.send(req, opts);
    });
  }

  close(): void { this.agent.destroy(); }
}

/** Iterate a newline-delimited JSON stream (events, pull progress, stats). */
export async function* jsonLines(res: Readable): AsyncGenerator<any> {
  let buf = '';
  for await (const chunk of res) {
    buf += (chunk as Buffer).toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) yield JSON.parse(line);
    }
  }
  // some daemons send concatenated JSON objects without newlines; keep the last one too
  const rest = buf.trim();
  if (rest) yield JSON.parse(rest);
}
