/**
 * The CRI streaming server: the HTTP server whose URLs Exec, Attach and PortForward answer, as
 * containerd's stream server (it listens on a loopback port of the daemon's choosing; the kubelet
 * connects to it directly, or proxies the API server's stream to it). Paths are /exec/<token>,
 * /attach/<token> and /portforward/<token>; the token is single-use and lives one minute (request-
 * cache.ts). Only WebSocket upgrades are served, with the kubelet's channel protocols (kubelets speak
 * WebSocket since 1.29-1.31); SPDY is not supported and is answered 400 with the reason.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Engine } from '../../engine/engine.js';
import { log } from '../../common/log.js';
import { ChannelConnection, pickProtocol, PORT_FORWARD_PROTOCOLS, REMOTE_COMMAND_PROTOCOLS } from './channels.js';
import { RequestCache, type CachedRequest } from './request-cache.js';
import { serveAttach, serveExec } from './remote-command.js';
import { servePortForward } from './port-forward.js';

const kProtocol = Symbol('berth.cri.protocol');
const PATH = /^\/(exec|attach|portforward)\/([A-Za-z0-9_-]+)$/;

export interface StreamingServerOptions {
  /** default 127.0.0.1 */
  host?: string;
  /** default 0: a free port */
  port?: number;
  /** a stream with no traffic either way for this long is closed (the kubelet's StreamIdleTimeout, 4 h) */
  idleTimeoutMs?: number;
}

export const STREAM_IDLE_TIMEOUT_MS = 4 * 60 * 60 * 1000;

export class StreamingServer {
  readonly cache = new RequestCache();
  private readonly http: Server;
  // the subprotocol is chosen in upgrade() (it depends on the token's kind) and handed over on the request
  private readonly wss = new WebSocketServer({
    noServer: true, perMessageDeflate: false, maxPayload: 16 << 20,
    handleProtocols: (_offered, req) => (req as IncomingMessage & { [kProtocol]?: string })[kProtocol] || false,
  });
  private readonly sockets = new Set<Duplex>();
  private baseUrl = '';

  private constructor(private readonly engine: Engine, private readonly idleTimeoutMs: number) {
    this.http = createServer((req, res) => {
      const m = PATH.exec(new URL(req.url ?? '/', 'http://x').pathname);
      const known = m && this.cache.consume(m[2]!);
      res.statusCode = known ? 400 : 404;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end(known
        ? 'berth\'s streaming server speaks WebSocket only (v5.channel.k8s.io, v4.channel.k8s.io, portforward over v4.channel.k8s.io); SPDY is not supported\n'
        : 'unknown or expired streaming token\n');
    });
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.http.on('connection', (s) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); });
  }

  static async start(engine: Engine, opts: StreamingServerOptions = {}): Promise<StreamingServer> {
    const s = new StreamingServer(engine, opts.idleTimeoutMs ?? STREAM_IDLE_TIMEOUT_MS);
    const host = opts.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      s.http.once('error', reject);
      s.http.listen(opts.port ?? 0, host, () => { s.http.off('error', reject); resolve(); });
    });
    const port = (s.http.address() as AddressInfo).port;
    s.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return s;
  }

  /** http://127.0.0.1:PORT, for CriContext.streamingUrl */
  get url(): string { return this.baseUrl; }

  /** A URL the client may use once, within a minute. */
  urlFor(req: CachedRequest): string {
    const token = this.cache.insert(req);
    return `${this.baseUrl}/${req.kind}/${token}`;
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : 'Bad Request'}\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
    };
    const url = new URL(req.url ?? '/', 'http://x');
    const m = PATH.exec(url.pathname);
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      if (m) this.cache.consume(m[2]!);
      return reject(400, 'only WebSocket upgrades are served; SPDY is not supported\n');
    }
    const cached = m ? this.cache.consume(m[2]!) : undefined;
    if (!cached || cached.kind !== m![1]) return reject(404, 'unknown or expired streaming token\n');
    const offered = new Set(String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean));
    const protocol = pickProtocol(offered, cached.kind === 'portforward' ? PORT_FORWARD_PROTOCOLS : REMOTE_COMMAND_PROTOCOLS);
    if (protocol === false) return reject(400, `requested protocol(s) are not supported: ${[...offered].join(', ')}\n`);
    let ports = cached.kind === 'portforward' ? cached.ports : [];
    if (cached.kind === 'portforward' && ports.length === 0) {
      // the kubelet's NewV4Options: ports from the `port` query parameters when the request named none
      ports = url.searchParams.getAll('port').flatMap((p) => p.split(',')).map(Number);
      if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) return reject(400, 'query parameter "port" is required (1-65535)\n');
    }
    (req as IncomingMessage & { [kProtocol]?: string })[kProtocol] = protocol;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new ChannelConnection(ws, protocol);
      // any read or write resets the socket's timer; an idle stream ends like a closed one (an exec is killed)
      (socket as Socket).setTimeout(this.idleTimeoutMs, () => { ws.terminate(); });
      const done = (e: unknown) => { log.warn('CRI stream failed', { kind: cached.kind, error: (e as Error)?.message }); conn.close(1011); };
      if (cached.kind === 'exec') serveExec(this.engine, conn, cached).catch(done);
      else if (cached.kind === 'attach') serveAttach(this.engine, conn, cached).catch(done);
      else servePortForward(conn, cached.sandboxId, cached.netns, ports).catch(done);
    });
  }
}
