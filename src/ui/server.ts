/**
 * The dashboard's listener: the page (dist/ui), the session endpoints, and the Engine API under
 * /engine, handed in-process to an API server that never listens (the same router and handlers the
 * unix socket serves, streams and WebSocket attach included), so the dashboard adds no second model
 * of the state. Every request is checked here first: Host (loopback), session cookie, CSRF.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { timingSafeEqual } from 'node:crypto';
import type { TlsOptions } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Engine } from '../engine/engine.js';
import { BerthError, NotFoundError, toBerthError } from '../common/errors.js';
import { errorBody, readBody, sendError, sendJson } from '../api/http.js';
import { log } from '../common/log.js';
import { UI_CSRF_HEADER, UI_CSRF_QUERY, UI_ENGINE_PREFIX, UI_LOGIN_PATH, UI_LOGOUT_PATH, UI_SESSION_COOKIE, UI_SESSION_PATH } from './contract.js';
import { setSecurityHeaders } from './headers.js';
import { cookieValue, hostAllowed, sameOrigin } from './origin.js';
import type { UiSession, UiSessions } from './sessions.js';
import type { StaticFiles } from './static-files.js';
import { execTerminal } from './exec-terminal.js';

export interface UiServerOptions {
  engine: Engine;
  /** the Engine API in-process: a server from createApiServer that never listens; its handlers serve /engine */
  api: Server;
  sessions: UiSessions;
  files: StaticFiles;
  /** https (with a client CA: client certificates required) */
  tls?: TlsOptions;
  /** the password `POST /ui/login {password}` accepts, if one is configured */
  password?: string;
  /** a loopback listener only answers to loopback Host names */
  loopbackOnly: boolean;
}

const authError = (msg = 'not logged in to the dashboard: open the URL that `berth ui` prints'): BerthError => new BerthError(msg, { code: 'ERR_UI_AUTH', status: 401 });
const csrfError = (msg: string): BerthError => new BerthError(msg, { code: 'ERR_UI_CSRF', status: 403 });
const ATTACH_WS = /^\/engine(\/v\d+\.\d+)?\/containers\/[^/]+\/attach\/ws$/;
const EXEC_WS = /^\/ui\/exec\/([^/]+)\/ws$/;
/** a failed login costs this much, so a password cannot be guessed quickly */
const LOGIN_FAILURE_DELAY_MS = 250;

/** constant-time, so response timing says nothing about how much of a guessed token was right */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createUiServer(o: UiServerOptions): Server {
  const tls = Boolean(o.tls);
  const httpOptions = { requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 5_000 };
  const server: Server = (o.tls ? createTlsServer({ ...httpOptions, ...o.tls }, onRequest) : createServer(httpOptions, onRequest)) as Server;

  const cookie = (value: string, maxAge?: number): string =>
    `${UI_SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict${tls ? '; Secure' : ''}${maxAge !== undefined ? `; Max-Age=${maxAge}` : ''}`;

  const session = (req: IncomingMessage): UiSession | undefined => o.sessions.get(cookieValue(req));

  /** a state-changing request: from the page itself, carrying the session's CSRF token */
  const checkCsrf = (req: IncomingMessage, s: UiSession, given: string | undefined): void => {
    if (!sameOrigin(req, tls)) throw csrfError('cross-origin request refused: Origin must be this dashboard\'s own');
    if (!given || !sameSecret(given, s.csrf)) throw csrfError(`missing or wrong CSRF token (the ${UI_CSRF_HEADER} header)`);
  };

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') throw new BerthError(`method ${req.method} not allowed for ${UI_LOGIN_PATH}`, { code: 'ERR_METHOD', status: 405 });
    // no login from another site's page either (login CSRF)
    if (!sameOrigin(req, tls)) throw csrfError('cross-origin login refused: Origin must be this dashboard\'s own');
    let body: { token?: unknown; password?: unknown };
    try { body = JSON.parse((await readBody(req, 4096)).toString('utf8') || '{}'); } catch { throw authError('invalid login request: a JSON body {"token": ...} is expected'); }
    let s: UiSession | undefined;
    if (typeof body.token === 'string' && body.token) s = o.sessions.redeem(body.token);
    else if (typeof body.password === 'string' && o.password) s = o.sessions.redeemPassword(body.password, o.password);
    if (!s) {
      await new Promise((r) => setTimeout(r, LOGIN_FAILURE_DELAY_MS));
      throw authError('login refused: the token is unknown, expired or already used (run `berth ui` for a new one)');
    }
    res.setHeader('Set-Cookie', cookie(s.id));
    res.setHeader('Cache-Control', 'no-store');
    sendJson(res, 200, { csrf: s.csrf });
  }

  function engineRequest(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const s = session(req);
    if (!s) throw authError();
    if (req.method !== 'GET' && req.method !== 'HEAD') checkCsrf(req, s, req.headers[UI_CSRF_HEADER] as string | undefined);
    res.setHeader('Cache-Control', 'no-store');
    req.url = (url.pathname.slice(UI_ENGINE_PREFIX.length) || '/') + url.search;
    o.api.emit('request', req, res);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req, o.loopbackOnly)) throw new BerthError(`the dashboard on loopback answers to 127.0.0.1, [::1] or localhost, not ${req.headers.host ?? 'no Host'}`, { code: 'ERR_UI_HOST', status: 421 });
    const url = new URL(req.url ?? '/', 'http://ui');
    const path = url.pathname;
    if (path === UI_ENGINE_PREFIX || path.startsWith(`${UI_ENGINE_PREFIX}/`)) return engineRequest(req, res, url);
    if (path === UI_LOGIN_PATH) return login(req, res);
    if (path === UI_SESSION_PATH) {
      const s = session(req);
      if (!s) throw authError();
      res.setHeader('Cache-Control', 'no-store');
      return sendJson(res, 200, { csrf: s.csrf });
    }
    if (path === UI_LOGOUT_PATH) {
      if (req.method !== 'POST') throw new BerthError(`method ${req.method} not allowed for ${UI_LOGOUT_PATH}`, { code: 'ERR_METHOD', status: 405 });
      const s = session(req);
      if (!s) throw authError();
      checkCsrf(req, s, req.headers[UI_CSRF_HEADER] as string | undefined);
      o.sessions.end(s.id);
      res.setHeader('Set-Cookie', cookie('', 0));
      res.writeHead(204);
      res.end();
      return;
    }
    if (path.startsWith('/ui/')) throw new NotFoundError('page not found', 'ERR_NO_ROUTE');
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new BerthError(`method ${req.method} not allowed`, { code: 'ERR_METHOD', status: 405 });
    o.files.serve(req, res, path);
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    setSecurityHeaders(res, tls);
    route(req, res).catch((e) => sendError(res, e));
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (e: unknown) => {
      const err = toBerthError(e);
      if (err.status >= 500) log.error('dashboard upgrade failed', { code: err.code, message: err.message });
      if (!socket.writable) return;
      const body = JSON.stringify(errorBody(err)) + '\n';
      socket.end(`HTTP/1.1 ${err.status} Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    try {
      if (!hostAllowed(req, o.loopbackOnly)) throw new BerthError('the dashboard on loopback answers to loopback names only', { code: 'ERR_UI_HOST', status: 421 });
      if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket') throw new BerthError('the dashboard upgrades to WebSockets only', { code: 'ERR_UI_WEBSOCKET', status: 400 });
      const s = session(req);
      if (!s) throw authError();
      const url = new URL(req.url ?? '/', 'http://ui');
      // a browser cannot put headers on a WebSocket: the token comes as a query parameter
      checkCsrf(req, s, url.searchParams.get(UI_CSRF_QUERY) ?? undefined);
      if (ATTACH_WS.test(url.pathname)) {
        url.searchParams.delete(UI_CSRF_QUERY);
        req.url = url.pathname.slice(UI_ENGINE_PREFIX.length) + url.search;
        o.api.emit('upgrade', req, socket, head);
        return;
      }
      const exec = EXEC_WS.exec(url.pathname);
      if (!exec) throw new NotFoundError('no WebSocket here: use /engine/containers/{id}/attach/ws or /ui/exec/{id}/ws', 'ERR_NO_ROUTE');
      execTerminal(o.engine, req, socket, head, decodeURIComponent(exec[1])).catch(refuse);
    } catch (e) {
      refuse(e);
    }
  });
  server.on('clientError', (err, socket) => {
    log.debug('dashboard client error', { message: err.message });
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  return server;
}
