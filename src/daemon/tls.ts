/**
 * Listen addresses and TLS settings of `berth serve`, with dockerd's semantics:
 * several -H (unix sockets and TCP), --tlsverify/--tlscacert/--tlscert/--tlskey with
 * defaults from DOCKER_CERT_PATH (else ~/.docker) and DOCKER_TLS_VERIFY.
 *
 * Access to the API is root on the host, so a TCP listener exists only with TLS
 * AND verified client certificates; anything less is refused at startup
 * (Docker 27+ refuses unauthenticated TCP too).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SecureContextOptions, TlsOptions } from 'node:tls';
import { BerthError } from '../common/errors.js';

export type ListenAddress =
  | { kind: 'unix'; path: string; display: string }
  | { kind: 'tcp'; host: string; port: number; display: string };

/** Docker's default TLS port; berth never serves plain TCP, so 2375 is not a default. */
const DEFAULT_TLS_PORT = 2376;

function listenError(message: string): BerthError {
  return new BerthError(message, { code: 'ERR_LISTEN', status: 400 });
}

/** unix:///path, /path, tcp://host:port (host defaults to 127.0.0.1, port to 2376). */
export function parseListenAddress(addr: string): ListenAddress {
  if (addr.startsWith('unix://')) {
    const path = addr.slice('unix://'.length);
    if (!path) throw listenError(`invalid listen address ${addr}: empty socket path`);
    return { kind: 'unix', path, display: addr };
  }
  if (addr.startsWith('/')) return { kind: 'unix', path: addr, display: `unix://${addr}` };
  if (addr.startsWith('tcp://')) {
    const m = /^tcp:\/\/(\[[0-9a-fA-F:.]*\]|[^:/[\]]*)(?::(\d{1,5}))?(\/.*)?$/.exec(addr);
    if (!m) throw listenError(`invalid listen address ${addr}: use tcp://host:port`);
    if (m[3] && m[3] !== '/') throw listenError(`invalid listen address ${addr}: a TCP address has no path`);
    const host = m[1].replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
    const port = m[2] ? Number(m[2]) : DEFAULT_TLS_PORT;
    if (port < 1 || port > 65535) throw listenError(`invalid listen address ${addr}: port out of range`);
    return { kind: 'tcp', host, port, display: `tcp://${host.includes(':') ? `[${host}]` : host}:${port}` };
  }
  throw listenError(`unsupported listen address ${addr}: use unix:///path or tcp://host:port (fd:// and ssh:// are not supported)`);
}

export interface TlsFlags {
  tls?: boolean;
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
}

export interface TlsFiles { cacert: string; cert: string; key: string }

/**
 * Which certificate files TCP listeners use: flags first, then daemon.json keys,
 * then $DOCKER_CERT_PATH/{ca,cert,key}.pem, then ~/.docker/… as dockerd does.
 * Returns undefined when TLS is not asked for at all.
 */
export function resolveTls(flags: TlsFlags, file: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): { verify: boolean; files: TlsFiles } | undefined {
  const bool = (flag: boolean | undefined, key: string): boolean | undefined => flag ?? (typeof file[key] === 'boolean' ? file[key] as boolean : undefined);
  const verify = bool(flags.tlsverify, 'tlsverify') ?? Boolean(env.DOCKER_TLS_VERIFY);
  const tls = bool(flags.tls, 'tls') ?? false;
  if (!verify && !tls) return undefined;
  const certDir = env.DOCKER_CERT_PATH || join(homedir(), '.docker');
  const pick = (flag: string | undefined, key: string, name: string): string => flag || (file[key] as string) || join(certDir, name);
  return {
    verify,
    files: { cacert: pick(flags.tlscacert, 'tlscacert', 'ca.pem'), cert: pick(flags.tlscert, 'tlscert', 'cert.pem'), key: pick(flags.tlskey, 'tlskey', 'key.pem') },
  };
}

/** Refuse a TCP listener that would let anyone reach the API without a verified client certificate. */
export function checkTcpAccess(addrs: ListenAddress[], tls: ReturnType<typeof resolveTls>): void {
  const tcp = addrs.filter((a) => a.kind === 'tcp');
  if (tcp.length === 0) return;
  const where = tcp.map((a) => a.display).join(', ');
  if (!tls) {
    throw listenError(`refusing to listen on ${where} without TLS: access to the API is equivalent to root access on the host; `
      + 'start with --tlsverify --tlscacert ca.pem --tlscert server-cert.pem --tlskey server-key.pem');
  }
  if (!tls.verify) {
    throw listenError(`refusing to listen on ${where} with --tls but without --tlsverify: anyone who can connect would have root access on the host; `
      + 'use --tlsverify with a --tlscacert that signs the client certificates');
  }
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new BerthError(`could not read ${what} ${path}: ${(e as Error).message}`, { code: 'ERR_TLS_CONFIG', status: 400 });
  }
}

/** Options for an https server that only talks to clients holding a certificate signed by the CA. */
export function tlsServerOptions(files: TlsFiles): TlsOptions {
  const opts: SecureContextOptions & TlsOptions = {
    ca: readPem(files.cacert, 'CA certificate (--tlscacert)'),
    cert: readPem(files.cert, 'server certificate (--tlscert)'),
    key: readPem(files.key, 'server key (--tlskey)'),
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2', // as dockerd
  };
  return opts;
}
