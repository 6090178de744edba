/**
 * A stand-in for the dashboard's server (src/ui, built on another branch) that follows contract.ts, so
 * the browser app can be tried before that server exists: dist/ui's files, a one-time token exchanged for
 * a session cookie and a CSRF token, /engine/* passed to the daemon's unix socket, and the exec WebSocket
 * bridged to a hijacked `POST /exec/{id}/start`. Tests use the real server when the daemon has one.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { UI_CSRF_HEADER, UI_CSRF_QUERY, UI_ENGINE_PREFIX, UI_LOGIN_PATH, UI_SESSION_COOKIE, UI_SESSION_PATH } from '../../src/ui/contract.js';
import { REPO } from '../helpers/daemon.js';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface Harness { url: string; /** a new one-time login token, as `berth ui` prints */ newToken(): string; close(): Promise<void> }

export async function startHarness(socket: string, host = '127.0.0.1'): Promise<Harness> {
  const dir = join(REPO, 'dist', 'ui');
  let token: string | null = null;
  const sessions = new Map<string, string>();
  const cookieOf = (req: IncomingMessage) => /(?:^|;\s*)berth_ui_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  const session = (req: IncomingMessage) => { const c = cookieOf(req); return c ? sessions.get(c) : undefined; };
  const json = (res: ServerResponse, status: number, body: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === UI_LOGIN_PATH && req.method === 'POST') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        let t: unknown;
        try { t = (JSON.parse(body) as { token?: unknown }).token; } catch { /* not JSON */ }
        if (!token || t !== token) return json(res, 401, { message: 'invalid or used token', code: 'ERR_UI_TOKEN' });
        token = null;
        const id = randomBytes(16).toString('hex'); const csrf = randomBytes(16).toString('hex');
        sessions.set(id, csrf);
        res.setHeader('set-cookie', `${UI_SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/`);
        json(res, 200, { csrf });
      });
      return;
    }
    if (url.pathname === UI_SESSION_PATH) {
      const csrf = session(req);
      return csrf ? json(res, 200, { csrf }) : json(res, 401, { message: 'no session', code: 'ERR_UI_SESSION' });
    }
    if (url.pathname.startsWith(UI_ENGINE_PREFIX + '/')) {
      const csrf = session(req);
      if (!csrf) return json(res, 401, { message: 'no session', code: 'ERR_UI_SESSION' });
      if (req.method !== 'GET' && req.method !== 'HEAD' && req.headers[UI_CSRF_HEADER] !== csrf) return json(res, 403, { message: 'missing or wrong CSRF token', code: 'ERR_UI_CSRF' });
      const headers = { ...req.headers }; delete headers.cookie; delete headers.host;
      const up = request({ socketPath: socket, method: req.method, path: req.url!.slice(UI_ENGINE_PREFIX.length), headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => { if (!res.headersSent) json(res, 502, { message: 'the daemon does not answer' }); else res.destroy(); });
      res.on('close', () => up.destroy());
      req.pipe(up);
      return;
    }
    // the page and its assets
    const rel = url.pathname === '/' ? 'index.html' : normalize(url.pathname).replace(/^\/+/, '');
    const file = join(dir, rel);
    if (!file.startsWith(dir) || !existsSync(file) || rel.includes('..')) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' });
    res.end(readFileSync(file));
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, sock: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/ui\/exec\/([^/]+)\/ws$/.exec(url.pathname);
    const csrf = session(req);
    if (!m || !csrf || url.searchParams.get(UI_CSRF_QUERY) !== csrf) { sock.end('HTTP/1.1 403 Forbidden\r\n\r\n'); return; }
    const start = request({ socketPath: socket, method: 'POST', path: `/exec/${m[1]}/start`, headers: { 'content-type': 'application/json', connection: 'Upgrade', upgrade: 'tcp' } });
    start.on('upgrade', (_r, raw) => {
      wss.handleUpgrade(req, sock, head, (ws) => {
        raw.on('data', (d: Buffer) => ws.send(d));
        raw.on('close', () => ws.close());
        ws.on('message', (d) => raw.write(d as Buffer));
        ws.on('close', () => raw.end());
      });
    });
    start.on('response', (r) => { sock.end(`HTTP/1.1 ${r.statusCode} Failed\r\n\r\n`); });
    start.on('error', () => sock.destroy());
    start.end(JSON.stringify({ Detach: false, Tty: true }));
  });

  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${host}:${port}`,
    newToken: () => (token = randomBytes(16).toString('hex')),
    close: () => new Promise((resolve) => { wss.close(); server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
