/** Who is asking: the session cookie, same-origin checks and the Host a loopback listener accepts. */
import type { IncomingMessage } from 'node:http';
import { UI_SESSION_COOKIE } from './contract.js';
import { isLoopbackHost } from './config.js';

export function cookieValue(req: IncomingMessage, name: string = UI_SESSION_COOKIE): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The host name of a Host header (`127.0.0.1:9000`, `[::1]:9000`, `localhost`). */
export function hostName(host: string | undefined): string {
  if (!host) return '';
  const m = /^\[([^\]]*)\](?::\d+)?$/.exec(host);
  if (m) return m[1];
  return host.replace(/:\d+$/, '').toLowerCase();
}

/**
 * A loopback listener answers only to loopback names: a page on another site whose DNS name was rebound
 * to 127.0.0.1 sends its own name as Host and is turned away before it reaches anything.
 */
export function hostAllowed(req: IncomingMessage, loopbackOnly: boolean): boolean {
  return !loopbackOnly || isLoopbackHost(hostName(req.headers.host));
}

/**
 * A request the page itself made: its Origin is this server's own (scheme and Host), and a browser that
 * sends Sec-Fetch-Site says same-origin. Browsers send Origin on every POST/PUT/DELETE and on WebSockets;
 * a request without one is not from the page.
 */
export function sameOrigin(req: IncomingMessage, tls: boolean): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (!origin || !host) return false;
  return origin.toLowerCase() === `${tls ? 'https' : 'http'}://${host}`.toLowerCase();
}
