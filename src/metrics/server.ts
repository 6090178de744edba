/**
 * The metrics listener (`berth serve --metrics-addr host:port`, dockerd's flag): plain HTTP, GET
 * /metrics only, separate from the Engine API's sockets.
 */
import { createServer, type Server } from 'node:http';
import { isIP } from 'node:net';
import { InvalidArgumentError, SystemError } from '../common/errors.js';
import { log } from '../common/log.js';
import type { DaemonMetrics } from './daemon-metrics.js';

export interface MetricsAddress { host: string; port: number; display: string }

/** `127.0.0.1:9323`, `[::1]:9323`, `:9323` (all addresses, as dockerd) */
export function parseMetricsAddr(addr: string): MetricsAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(addr.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port > 0 && port < 65536)) throw new InvalidArgumentError(`invalid metrics address ${JSON.stringify(addr)}: use host:port, e.g. 127.0.0.1:9323`, 'ERR_METRICS_ADDR');
  const host = m[1] ?? m[2] ?? '';
  if (m[1] !== undefined && isIP(m[1]) !== 6) throw new InvalidArgumentError(`invalid metrics address ${JSON.stringify(addr)}: ${m[1]} is not an IPv6 address`, 'ERR_METRICS_ADDR');
  return { host: host || '0.0.0.0', port, display: addr.trim() };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Listen; an address in use is a SystemError with ERR_METRICS_ADDR_IN_USE (the caller decides whether that stops the daemon). */
export function listenMetrics(addr: MetricsAddress, metrics: DaemonMetrics): Promise<Server> {
  const server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') { res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n'); return; }
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405, { Allow: 'GET, HEAD' }).end(); return; }
    metrics.render().then((text) => {
      res.writeHead(200, { 'Content-Type': metrics.contentType, 'Content-Length': Buffer.byteLength(text) });
      res.end(req.method === 'HEAD' ? undefined : text);
    }, (e: Error) => {
      log.error('metrics scrape failed', { message: e.message });
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${e.message}\n`);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(new SystemError(`metrics address ${addr.display} is already in use`, 'ERR_METRICS_ADDR_IN_USE', e));
      else reject(new SystemError(`cannot listen for metrics on ${addr.display}: ${e.message}`, 'ERR_METRICS_ADDR', e));
    });
    server.listen(addr.port, addr.host, () => resolve(server));
  });
}
