/**
 * Where the dashboard listens and what guards it. Loopback needs nothing more than the session token;
 * any other address is refused unless TLS is on AND clients must prove who they are (a client
 * certificate signed by --ui-tlscacert, or the --ui-password-file password): the dashboard can do
 * everything the Engine API can, which is root on the host.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { TlsOptions } from 'node:tls';
import { BerthError } from '../common/errors.js';

export interface UiAddress { host: string; port: number; display: string }

export interface UiTlsFiles { cert: string; key: string; /** clients must present a certificate signed by this CA */ cacert?: string }

export interface UiConfig {
  /** `host:port` to listen on at start-up (absent: only on demand, on loopback, when `berth ui` asks) */
  address?: string;
  tls?: UiTlsFiles;
  /** a file holding the password that `POST /ui/login {password}` accepts (first line, trimmed) */
  passwordFile?: string;
}

function addressError(message: string): BerthError {
  return new BerthError(message, { code: 'ERR_UI_ADDRESS', status: 400 });
}

/** `127.0.0.1:9000`, `[::1]:9000`, `localhost:9000`, `0.0.0.0:9443`; port 0 picks a free one. */
export function parseUiAddress(addr: string): UiAddress {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):(\d{1,5})$/.exec(addr.trim());
  if (!m) throw addressError(`invalid UI address "${addr}": use host:port, e.g. 127.0.0.1:9000`);
  const host = m[1].replace(/^\[(.*)\]$/, '$1');
  const port = Number(m[2]);
  if (port > 65535) throw addressError(`invalid UI address "${addr}": port out of range`);
  if (host !== 'localhost' && isIP(host) === 0) throw addressError(`invalid UI address "${addr}": the host must be an IP address or localhost`);
  return { host, port, display: `${host.includes(':') ? `[${host}]` : host}:${port}` };
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::ffff:127.0.0.1';
}

/** Refuse a listener that anyone on the network could reach with only a token that travels in clear. */
export function checkUiAccess(addr: UiAddress, config: UiConfig): void {
  if (isLoopbackHost(addr.host)) return;
  if (!config.tls) {
    throw new BerthError(`refusing to serve the dashboard on ${addr.display} without TLS: it gives root access to the host; `
      + 'use a loopback address (127.0.0.1), or --ui-tlscert and --ui-tlskey with --ui-tlscacert (client certificates) or --ui-password-file', { code: 'ERR_UI_INSECURE', status: 400 });
  }
  if (!config.tls.cacert && !config.passwordFile) {
    throw new BerthError(`refusing to serve the dashboard on ${addr.display} with TLS but no client authentication: `
      + 'add --ui-tlscacert (client certificates) or --ui-password-file', { code: 'ERR_UI_INSECURE', status: 400 });
  }
}

function readConfigFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new BerthError(`could not read the dashboard's ${what} ${path}: ${(e as Error).message}`, { code: 'ERR_UI_CONFIG', status: 400 });
  }
}

/** https options; with a CA, only clients holding a certificate it signed complete the handshake. */
export function uiTlsOptions(files: UiTlsFiles): TlsOptions {
  const opts: TlsOptions = { cert: readConfigFile(files.cert, 'TLS certificate (--ui-tlscert)'), key: readConfigFile(files.key, 'TLS key (--ui-tlskey)'), minVersion: 'TLSv1.2' };
  if (files.cacert) Object.assign(opts, { ca: readConfigFile(files.cacert, 'client CA (--ui-tlscacert)'), requestCert: true, rejectUnauthorized: true });
  return opts;
}

export function readUiPassword(path: string): string {
  const pw = readConfigFile(path, 'password file (--ui-password-file)').toString('utf8').split('\n')[0].trim();
  if (pw.length < 12) throw new BerthError(`the dashboard's password in ${path} is too short: use at least 12 characters`, { code: 'ERR_UI_CONFIG', status: 400 });
  return pw;
}

/**
 * The UI options of `berth serve` (flags over daemon.json's "ui", "ui-tlscert", "ui-tlskey", "ui-tlscacert",
 * "ui-password-file"), checked before the daemon touches any state.
 */
export function resolveUiConfig(flags: { ui?: string; uiTlscert?: string; uiTlskey?: string; uiTlscacert?: string; uiPasswordFile?: string }, file: Record<string, unknown>): UiConfig {
  const pick = (flag: string | undefined, key: string): string | undefined => {
    if (flag) return flag;
    const v = file[key];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') throw new BerthError(`invalid "${key}" in the daemon config: a string is expected`, { code: 'ERR_UI_CONFIG', status: 400 });
    return v;
  };
  const address = pick(flags.ui, 'ui');
  const cert = pick(flags.uiTlscert, 'ui-tlscert');
  const key = pick(flags.uiTlskey, 'ui-tlskey');
  const cacert = pick(flags.uiTlscacert, 'ui-tlscacert');
  const passwordFile = pick(flags.uiPasswordFile, 'ui-password-file');
  if ((cert && !key) || (key && !cert)) throw new BerthError('--ui-tlscert and --ui-tlskey go together', { code: 'ERR_UI_CONFIG', status: 400 });
  if (cacert && !cert) throw new BerthError('--ui-tlscacert needs --ui-tlscert and --ui-tlskey', { code: 'ERR_UI_CONFIG', status: 400 });
  const config: UiConfig = {
    ...(address ? { address } : {}),
    ...(cert && key ? { tls: { cert, key, ...(cacert ? { cacert } : {}) } } : {}),
    ...(passwordFile ? { passwordFile } : {}),
  };
  if (address) checkUiAccess(parseUiAddress(address), config);
  if (config.tls) uiTlsOptions(config.tls); // unreadable files stop the start now
  if (passwordFile) readUiPassword(passwordFile);
  return config;
}
