/**
 * The HTTP agents for registry traffic, as dockerd sets up its transport:
 * - proxies from HTTP_PROXY / HTTPS_PROXY / NO_PROXY (either case), through Node's own proxy
 *   support (http.Agent proxyEnv); like Go's net/http, loopback hosts never go through a proxy;
 * - trust in the system's CA store (/etc/ssl/certs, SSL_CERT_FILE / SSL_CERT_DIR), as Go's
 *   crypto/x509 on Linux, plus Node's bundled roots and a registry's certs.d ca.crt.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP } from 'node:net';
import { createSecureContext, getCACertificates, setDefaultCACertificates } from 'node:tls';

export interface TlsFiles { ca?: Buffer; cert?: Buffer; key?: Buffer }

let roots: string[] | undefined;
/** System and bundled roots, made the process default once (so every TLS connection trusts them). */
function trustedRoots(): string[] {
  if (!roots) {
    roots = [...new Set([...getCACertificates('system'), ...getCACertificates('bundled')])];
    setDefaultCACertificates(roots);
  }
  return roots;
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

/** The proxy settings that apply to a host: none for loopback, else the environment's. */
function proxyEnvFor(hostname: string): NodeJS.ProcessEnv | undefined {
  if (isLoopbackHost(hostname)) return undefined;
  const e = process.env;
  const any = e.HTTP_PROXY || e.http_proxy || e.HTTPS_PROXY || e.https_proxy;
  return any ? e : undefined;
}

/** A keep-alive agent for one registry origin. */
export function agentFor(origin: string, tls?: TlsFiles): HttpAgent {
  const u = new URL(origin);
  const proxyEnv = proxyEnvFor(u.hostname);
  if (u.protocol !== 'https:') return new HttpAgent({ keepAlive: true, maxSockets: 8, proxyEnv });
  const base = trustedRoots();
  // One TLS context per agent: given as `ca`, the ~700 roots would be parsed again for every new
  // connection (18 ms of the main thread each, measured), and a pull opens up to 8 of them.
  const secureContext = tls?.ca || tls?.cert || tls?.key
    ? createSecureContext({ ...(tls.ca ? { ca: [...base, tls.ca.toString()] } : {}), cert: tls.cert, key: tls.key })
    : undefined;
  return new HttpsAgent({ keepAlive: true, maxSockets: 8, proxyEnv, secureContext });
}

const SHARED_MAX = 64;
const shared = new Map<string, HttpAgent>();
/**
 * Agents for other origins a registry sends us to (token realms, blob redirects), shared per origin;
 * past SHARED_MAX origins the least recently used one is destroyed (its idle sockets closed).
 */
export function sharedAgentFor(url: URL): HttpAgent {
  let a = shared.get(url.origin);
  if (a) shared.delete(url.origin); // re-inserted below: Map order is recency
  else a = agentFor(url.origin);
  shared.set(url.origin, a);
  if (shared.size > SHARED_MAX) {
    const [oldest, agent] = shared.entries().next().value!;
    shared.delete(oldest);
    agent.destroy();
  }
  return a;
}
