/**
 * Plain HTTP(S) and WebSocket clients for the dashboard of a test daemon. The daemon listens inside
 * its own network namespace, so a small relay started there (nsenter, by PID, stopped by the test)
 * carries a unix socket in the test's temporary directory to the dashboard's TCP port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { join } from 'node:path';
import WebSocket from 'ws';
import { waitFor } from '../helpers/daemon.js';

const RELAY = `
const net = require('node:net');
const [path, host, port] = process.argv.slice(1);
net.createServer((c) => {
  const t = net.connect(Number(port), host);
  c.pipe(t); t.pipe(c);
  c.on('error', () => t.destroy()); t.on('error', () => c.destroy());
}).listen(path);
`;

export interface Relay { socket: string; close(): void }

/** A unix socket at `dir/name.sock` that reaches host:port inside the network namespace `netns`. */
export async function relayInto(netns: string, host: string, port: number, dir: string, name = 'ui'): Promise<Relay> {
  const socket = join(dir, `${name}.sock`);
  rmSync(socket, { force: true }); // a relay before it on this path leaves its socket file
  const child: ChildProcess = spawn('nsenter', [`--net=/run/netns/${netns}`, process.execPath, '-e', RELAY, socket, host, String(port)], { stdio: 'ignore' });
  await waitFor(() => existsSync(socket) || child.exitCode !== null, 10_000, 'the relay socket');
  if (child.exitCode !== null) throw new Error(`the relay exited with ${child.exitCode}`);
  return { socket, close: () => { if (child.exitCode === null) child.kill('SIGKILL'); rmSync(socket, { force: true }); } };
}

export interface Answer { status: number; headers: IncomingMessage['headers']; text: string; json: any }

export interface UiTarget {
  relay: Relay;
  /** host:port as the browser would put it in Host and Origin */
  hostPort: string;
  /** https: CA to trust and an optional client certificate */
  tls?: { ca: Buffer; cert?: Buffer; key?: Buffer };
}

export function origin(t: UiTarget): string { return `${t.tls ? 'https' : 'http'}://${t.hostPort}`; }

/** One request; `stream` gets the response as it arrives and ends it by resolving true. */
export function uiRequest(t: UiTarget, method: string, path: string, opts: { headers?: Record<string, string>; body?: unknown; timeoutMs?: number; until?: (soFar: string) => boolean } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const data = opts.body === undefined ? undefined : Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
    const headers: Record<string, string | number> = { Host: t.hostPort, ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}), ...opts.headers };
    const common = { method, path, headers };
    const onResponse = (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      const done = () => {
        let json: unknown;
        try { json = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      };
      res.on('data', (c: string) => {
        text += c;
        if (opts.until?.(text)) { done(); req.destroy(); }
      });
      res.on('end', done);
      res.on('error', () => done());
    };
    const req = t.tls
      ? httpsRequest({ ...common, createConnection: () => tlsConnect({ socket: netConnect(t.relay.socket), ca: t.tls!.ca, cert: t.tls!.cert, key: t.tls!.key, servername: 'localhost' } as ConnectionOptions) } as never, onResponse)
      : httpRequest({ ...common, agent: false, socketPath: t.relay.socket }, onResponse);
    req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(data);
  });
}

/** A WebSocket to the dashboard through the relay, with the browser's Origin and the session cookie. */
export function uiWebSocket(t: UiTarget, path: string, headers: Record<string, string>): WebSocket {
  const url = `${t.tls ? 'wss' : 'ws'}://${t.hostPort}${path}`;
  return new WebSocket(url, {
    headers,
    createConnection: (() => t.tls
      ? tlsConnect({ socket: netConnect(t.relay.socket), ca: t.tls.ca, cert: t.tls.cert, key: t.tls.key, servername: 'localhost' })
      : netConnect(t.relay.socket)) as never,
  });
}

/** Resolves with the status of a refused upgrade, or 101 once open. */
export function upgradeStatus(ws: WebSocket): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { ws.terminate(); reject(new Error('no answer to the upgrade')); }, 15_000);
    ws.once('open', () => { clearTimeout(timer); resolve(101); });
    ws.once('unexpected-response', (_req, res) => { clearTimeout(timer); resolve(res.statusCode ?? 0); res.resume(); });
    ws.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

/** Logs in with a token; answers the cookie header to send and the CSRF token. */
export async function login(t: UiTarget, token: string): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const r = await uiRequest(t, 'POST', '/ui/login', { body: { token }, headers: { Origin: origin(t), 'Sec-Fetch-Site': 'same-origin' } });
  if (r.status !== 200) throw new Error(`login: ${r.status} ${r.text}`);
  const setCookie = String(r.headers['set-cookie']?.[0] ?? '');
  return { cookie: setCookie.split(';')[0], csrf: r.json.csrf, setCookie };
}
