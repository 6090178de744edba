import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { TlsOptions } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Engine } from '../engine/engine.js';
import type { DaemonFacts } from '../audit/facts.js';
import { NotFoundError, NotSupportedError, InvalidArgumentError, BerthError, toBerthError } from '../common/errors.js';
import { API_VERSION, MAX_JSON_BODY, MIN_API_VERSION, Query, compareVersions, errorBody, pathVersion, sendError } from './http.js';
import { Router, type Ctx } from './router.js';
import { systemRoutes } from './routes/system.js';
import { containerRoutes } from './routes/containers.js';
import { imageRoutes } from './routes/images.js';
import { networkRoutes } from './routes/networks.js';
import { volumeRoutes } from './routes/volumes.js';
import { secretRoutes } from './routes/secrets.js';
import { distributionRoutes } from './routes/distribution.js';
import { statsRoutes } from './routes/stats.js';
import { attachedSbomRoutes } from './routes/attached-sbom.js';
// build, sbom, scan and audit: their modules load on first use
import { auditRoutes, buildRoutes, sbomRoutes, scanRoutes } from './lazy-routes.js';
import { signatureRoutes } from './routes/signatures.js';
import { debugEnabled, log } from '../common/log.js';
import type { ApiRequestObserver } from '../metrics/daemon-metrics.js';

/**
 * Operations of the Engine API whose engine part lands with a later piece of
 * work. They answer 501 with a message that says so, never a fake success.
 */
const NOT_YET: Array<[string, string, string]> = [
  ['GET', '/images/search', 'registry search is not supported yet'],
  ['GET', '/images/.+/attestations', 'image attestations are not supported yet'],
  ['POST', '/session', 'BuildKit sessions are not supported'],
];

function buildRouter(): Router {
  const r = new Router();
  systemRoutes(r);
  containerRoutes(r);
  imageRoutes(r);
  buildRoutes(r);
  networkRoutes(r);
  volumeRoutes(r);
  secretRoutes(r);
  distributionRoutes(r);
  statsRoutes(r);
  sbomRoutes(r);
  attachedSbomRoutes(r);
  scanRoutes(r);
  auditRoutes(r);
  signatureRoutes(r);
  for (const [method, pattern, msg] of NOT_YET) {
    r.add(method, pattern, () => { throw new NotSupportedError(msg); });
  }
  return r;
}

/**
 * An upgraded request (exec start, attach) carries its JSON body in front of
 * the stream: split it off so it is never mistaken for the container's stdin.
 */
async function readUpgradeBody(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<{ body: Buffer; rest: Buffer }> {
  const len = Number(req.headers['content-length'] ?? 0);
  if (!Number.isFinite(len) || len < 0) throw new InvalidArgumentError('invalid Content-Length');
  if (len > MAX_JSON_BODY) throw new BerthError(`request body too large (limit ${MAX_JSON_BODY} bytes)`, { code: 'ERR_BODY_TOO_LARGE', status: 413 });
  let buf = head;
  while (buf.length < len) {
    const chunk = await new Promise<Buffer>((resolve, reject) => {
      socket.once('data', resolve);
      socket.once('error', reject);
      socket.once('end', () => reject(new InvalidArgumentError('connection closed before the request body was read')));
    });
    socket.pause();
    buf = Buffer.concat([buf, chunk]);
  }
  return { body: buf.subarray(0, len), rest: buf.subarray(len) };
}

const VERSION_PREFIX = /^\/v(\d+\.\d+)(\/.*)$/;

/** Split `/v1.44/containers/json` into version and route path; refuse versions out of range as Docker does. */
export function negotiatePath(rawPath: string): { version: string; path: string } {
  const m = VERSION_PREFIX.exec(rawPath);
  if (!m) return { version: API_VERSION, path: rawPath };
  const version = m[1];
  if (compareVersions(version, API_VERSION) > 0) {
    throw new InvalidArgumentError(`client version ${version} is too new. Maximum supported API version is ${API_VERSION}`, 'ERR_API_VERSION');
  }
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    throw new InvalidArgumentError(`client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`, 'ERR_API_VERSION');
  }
  return { version, path: m[2] };
}

/**
 * With `tls`, an https server (a TCP listener of `berth serve --tlsverify`); the same API either way.
 * `facts`: what the daemon knows about itself, for the audit (absent: the audit refuses).
 * `requests`: told of every request's route template, status and duration (the daemon's metrics).
 * `extraRoutes`: routes of a layer above the API that only this listener serves (the unix socket's `/berth/ui/session-token`).
 */
export function createApiServer(engine: Engine, tls?: TlsOptions, facts?: DaemonFacts, requests?: ApiRequestObserver, extraRoutes?: (r: Router) => void): Server {
  const router = buildRouter();
  extraRoutes?.(router);
  /** the matched route's template, for `requests` (unmatched requests count as one route) */
  const routeOf = new WeakMap<IncomingMessage, string>();

  const dispatch = async (req: IncomingMessage, res: ServerResponse, upgrade?: { socket: Duplex; head: Buffer; body: Buffer }) => {
    const url = new URL(req.url ?? '/', 'http://berth');
    const { version, path } = negotiatePath(url.pathname.replace(/\/+$/, '') || '/');
    const m = router.match(req.method ?? 'GET', path);
    if (m === undefined) throw new NotFoundError(`page not found`, 'ERR_NO_ROUTE');
    if (m !== 'method') routeOf.set(req, m.template);
    if (m === 'method') throw new BerthError(`method ${req.method} not allowed for ${path}`, { code: 'ERR_METHOD', status: 405 });
    const ctx: Ctx = { req, res, params: m.params, query: new Query(url.searchParams), version, engine, upgrade, facts };
    await m.handler(ctx);
  };

  const httpOptions = { requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 5_000 };
  // allowHalfOpen on TLS too: a docker client's CloseWrite (close_notify) on a hijacked stream only ends its stdin.
  const server: Server = (tls ? createTlsServer({ ...httpOptions, ...tls, allowHalfOpen: true }, onRequest) : createServer(httpOptions, onRequest)) as Server;
  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('Server', `berth (linux)`);
    res.setHeader('Api-Version', API_VERSION);
    res.setHeader('Docker-Experimental', 'false');
    res.setHeader('Ostype', 'linux');
    if (requests) {
      const t0 = performance.now();
      // 'close' also ends aborted and streamed responses
      res.once('close', () => requests.requestDone(req.method ?? 'GET', routeOf.get(req) ?? 'unmatched', res.statusCode, (performance.now() - t0) / 1000));
    }
    if (debugEnabled()) {
      const t0 = performance.now();
      res.on('finish', () => log.debug('request', { method: req.method, url: req.url, status: res.statusCode, at: +t0.toFixed(1), ms: +(performance.now() - t0).toFixed(2) }));
    }
    dispatch(req, res).catch((e) => sendError(res, e, pathVersion(req.url)));
  }

  // Attach and exec start arrive as `Connection: Upgrade` + `Upgrade: tcp`.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const res = new ServerResponse(req);
    res.assignSocket(socket as never);
    const t0 = performance.now();
    const done = (status: number) => requests?.requestDone(req.method ?? 'GET', routeOf.get(req) ?? 'unmatched', status, (performance.now() - t0) / 1000);
    readUpgradeBody(req, socket, head).then(({ body, rest }) => dispatch(req, res, { socket, head: rest, body })).then(() => done(101), (e) => {
      const err = toBerthError(e);
      done(err.status);
      if (!socket.writable) return;
      const body = JSON.stringify(errorBody(err)) + '\n';
      socket.end(`HTTP/1.1 ${err.status} Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    });
  });
  server.on('clientError', (err, socket) => {
    log.debug('client error', { message: err.message });
    const tooLarge = (err as NodeJS.ErrnoException).code === 'HPE_HEADER_OVERFLOW';
    if (socket.writable) socket.end(tooLarge ? 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n' : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  return server;
}
