/**
 * Where and how to reach a registry: Docker Hub's API host, mirrors (for any registry),
 * plain HTTP for loopback and registries marked insecure, TLS material from
 * certs.d/<host>/ (ca.crt, client.cert, client.key) laid out as Docker's.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RegistryHostsConfig {
  /** "host:port" or CIDR-free host names; Docker's insecure-registries */
  insecure?: string[];
  /** mirrors per registry domain ("docker.io": ["http://127.0.0.1:5000"]) */
  mirrors?: Record<string, string[]>;
  /** Docker's /etc/docker/certs.d equivalent */
  certsDir?: string;
}

export interface Endpoint { base: string; host: string; mirror: boolean; tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer } }

const DEFAULT_CERTS_DIR = '/etc/berth/certs.d';

/** docker.io's registry API lives at registry-1.docker.io */
function apiHost(domain: string): string {
  return domain === 'docker.io' ? 'registry-1.docker.io' : domain;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function tlsFor(host: string, certsDir: string): Endpoint['tls'] | undefined {
  const dir = join(certsDir, host);
  if (!existsSync(dir)) return undefined;
  const tls: NonNullable<Endpoint['tls']> = {};
  const files = readdirSync(dir);
  const cas = files.filter((f) => f.endsWith('.crt'));
  if (cas.length) tls.ca = Buffer.concat(cas.map((f) => readFileSync(join(dir, f))));
  const cert = files.find((f) => f.endsWith('.cert'));
  if (cert) {
    const key = cert.replace(/\.cert$/, '.key');
    if (files.includes(key)) { tls.cert = readFileSync(join(dir, cert)); tls.key = readFileSync(join(dir, key)); }
  }
  return tls;
}

/** Endpoints to try for a registry domain, mirrors first. */
export function endpointsFor(domain: string, cfg: RegistryHostsConfig = {}): Endpoint[] {
  const certsDir = cfg.certsDir ?? DEFAULT_CERTS_DIR;
  const out: Endpoint[] = [];
  for (const m of cfg.mirrors?.[domain] ?? []) {
    const u = new URL(m.includes('://') ? m : `https://${m}`);
    out.push({ base: `${u.protocol}//${u.host}`, host: u.host, mirror: true, tls: tlsFor(u.host, certsDir) });
  }
  const host = apiHost(domain);
  const tls = tlsFor(host, certsDir);
  const plain = !tls && (isLoopbackHost(host) || (cfg.insecure ?? []).includes(host));
  out.push({ base: `${plain ? 'http' : 'https'}://${host}`, host, mirror: false, tls });
  return out;
}
