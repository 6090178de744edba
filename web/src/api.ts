/**
 * The page's only way to the engine: the Engine API under /engine (contract.ts), with the session cookie
 * and, on state-changing requests, the CSRF header. A request the network refuses marks the connection
 * lost (the banner) and starts a bounded-interval probe that clears it again; a 401 asks for a new login.
 */
import { UI_CSRF_HEADER, UI_CSRF_QUERY, UI_ENGINE_PREFIX, UI_LOGIN_PATH, UI_SESSION_PATH } from '../../src/ui/contract.ts';
import { connection, csrfToken, lastError } from './state.ts';

/** An error the engine answered with: its own message and code, shown as they are. */
export class EngineError extends Error {
  constructor(message: string, readonly status: number, readonly code?: string) { super(message); }
}

/** the dashboard server's code for a request without a (live) session */
const UI_AUTH_CODE = 'ERR_UI_AUTH';

type Query = Record<string, string | number | boolean | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

async function errorOf(res: Response): Promise<EngineError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { message?: string; code?: string };
    return new EngineError(body.message ?? `${res.status} ${res.statusText}`, res.status, body.code);
  } catch {
    return new EngineError(text.trim() || `${res.status} ${res.statusText}`, res.status);
  }
}

async function send(method: string, url: string, body?: unknown, signal?: AbortSignal, headers: Record<string, string> = {}): Promise<Response> {
  const h: Record<string, string> = { ...headers };
  const csrf = csrfToken.get();
  if (method !== 'GET' && method !== 'HEAD' && csrf) h[UI_CSRF_HEADER] = csrf;
  let payload: BodyInit | undefined;
  if (body !== undefined) { h['content-type'] = 'application/json'; payload = JSON.stringify(body); }
  let res: Response;
  try {
    res = await fetch(url, { method, body: payload, headers: h, credentials: 'same-origin', signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    markLost();
    throw new EngineError('the daemon does not answer', 0);
  }
  // a proxy or the daemon going away mid-restart
  if (res.status === 502 || res.status === 503 || res.status === 504) markLost();
  // the dashboard's own refusal (no or expired session), not an engine's 401 passed through
  if (res.status === 401) {
    const code = await res.clone().json().then((b: { code?: string }) => b.code, () => undefined);
    if (code === undefined || code === UI_AUTH_CODE) connection.set('login');
  }
  return res;
}

/** A JSON Engine API call; rejects with the engine's message. */
export async function engine<T = unknown>(method: string, path: string, opts: { query?: Query; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const res = await send(method, withQuery(UI_ENGINE_PREFIX + path, opts.query), opts.body, opts.signal);
  if (!res.ok) throw await errorOf(res);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A streaming Engine API call (logs, stats, events, pull progress): the body's chunks as they arrive. */
export async function engineStream(method: string, path: string, onChunk: (b: Uint8Array) => void, opts: { query?: Query; body?: unknown; signal?: AbortSignal } = {}): Promise<void> {
  const res = await send(method, withQuery(UI_ENGINE_PREFIX + path, opts.query), opts.body, opts.signal);
  if (!res.ok) throw await errorOf(res);
  if (!res.body) return;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value) onChunk(value);
    }
  } catch (e) {
    if (opts.signal?.aborted) return;
    markLost();
    throw e;
  } finally {
    reader.releaseLock();
  }
}

/** Runs an action a user asked for; a failure lands in the error bar with the engine's message. */
export async function act<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    const r = await fn();
    lastError.set(null);
    return r;
  } catch (e) {
    lastError.set(`${what}: ${(e as Error).message}`);
    return undefined;
  }
}

export function wsUrl(path: string): string {
  const u = new URL(path, location.href);
  u.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  u.searchParams.set(UI_CSRF_QUERY, csrfToken.get() ?? '');
  return u.toString();
}

let probing = false;
/** The banner: probe the engine every 2 s (bounded: one probe at a time) until the daemon answers. */
export function markLost(): void {
  if (connection.get() === 'login') return;
  connection.set('lost');
  if (probing) return;
  probing = true;
  const probe = async (): Promise<void> => {
    try {
      // the engine itself, not only the page's server, must answer
      const r = await fetch(UI_ENGINE_PREFIX + '/_ping', { credentials: 'same-origin', signal: AbortSignal.timeout(5000) });
      if (r.ok) {
        const s = await fetch(UI_SESSION_PATH, { credentials: 'same-origin', signal: AbortSignal.timeout(5000) });
        if (s.ok) {
          const body = await s.json() as { csrf?: string };
          if (body.csrf) csrfToken.set(body.csrf);
          probing = false;
          connection.set('ok');
          return;
        }
      }
      if (r.status === 401) { probing = false; connection.set('login'); return; }
    } catch { /* still away */ }
    setTimeout(() => { void probe(); }, 2000);
  };
  setTimeout(() => { void probe(); }, 1000);
}

/**
 * Start-up: a `#token=` fragment is exchanged for the session cookie and removed from the address bar
 * (and from history); without one, an existing session (a reload) gives back its CSRF token.
 */
export async function login(token: string | null): Promise<boolean> {
  try {
    if (token) {
      const r = await fetch(UI_LOGIN_PATH, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
      if (!r.ok) { lastError.set(`login: ${(await errorOf(r)).message}`); connection.set('login'); return false; }
      csrfToken.set(((await r.json()) as { csrf: string }).csrf);
      connection.set('ok');
      return true;
    }
    const r = await fetch(UI_SESSION_PATH, { credentials: 'same-origin' });
    if (!r.ok) { connection.set('login'); return false; }
    csrfToken.set(((await r.json()) as { csrf: string }).csrf);
    connection.set('ok');
    return true;
  } catch {
    markLost();
    return false;
  }
}
