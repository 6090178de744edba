/**
 * The syslog driver's options as dockerd checks them at create (daemon/logger/syslog's ValidateLogOpt
 * and parsers), apart from the driver (syslog.ts) so that checking them at create does not load it.
 */
import { statSync } from 'node:fs';
import { COMMON_OPTS, validateAttrs } from './attrs.js';
import { bufferBudget, hasPort, optError, parseGoInt, parseGoUrl } from './options.js';
import type { Address } from './transport.js';

const OPTS = new Set([...COMMON_OPTS, 'syslog-address', 'syslog-facility', 'syslog-tls-ca-cert', 'syslog-tls-cert',
  'syslog-tls-key', 'syslog-tls-skip-verify', 'syslog-format']);

const FACILITIES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};

export type Format = '' | 'rfc3164' | 'rfc5424' | 'rfc5424micro';

/** Where to send: null is the local syslog socket. */
export function parseAddress(address: string | undefined): Address | null {
  if (!address) return null;
  const u = parseGoUrl(address);
  if (u.scheme === 'unix' || u.scheme === 'unixgram') {
    try { statSync(u.path); } catch { throw optError(`stat ${u.path}: no such file or directory`); }
    return u.scheme === 'unix' ? { proto: 'unix', path: u.path } : { proto: 'unixgram', path: u.path };
  }
  const port = hasPort(u) ? Number(u.port) : 514;
  if (u.scheme === 'tcp+tls') return { proto: 'tcp+tls', host: u.hostname, port, tls: {} };
  if (u.scheme === 'udp') return { proto: 'udp', host: u.hostname, port };
  if (u.scheme === 'tcp') return { proto: 'tcp', host: u.hostname, port };
  throw optError(`unsupported scheme: '${u.scheme}'`);
}

export function parseFacility(f: string | undefined): number {
  if (!f) return FACILITIES.daemon;
  if (f in FACILITIES) return FACILITIES[f];
  if (/^[+-]?\d+$/.test(f)) { const n = parseGoInt(f); if (n >= 0 && n <= 23) return n; }
  throw optError('invalid syslog facility');
}

export function parseFormat(f: string | undefined): Format {
  const v = f ?? '';
  if (v === '' || v === 'rfc3164' || v === 'rfc5424' || v === 'rfc5424micro') return v;
  throw optError('Invalid syslog format');
}

/** Throws InvalidArgumentError with dockerd's wording unless the options can be used. */
export function validateSyslogOpts(cfg: Record<string, string>): void {
  for (const key of Object.keys(cfg)) {
    if (key === 'mode' || key === 'max-buffer-size') continue;
    if (!OPTS.has(key)) throw optError(`unknown log opt '${key}' for syslog log driver`);
  }
  parseAddress(cfg['syslog-address']);
  parseFacility(cfg['syslog-facility']);
  parseFormat(cfg['syslog-format']);
  validateAttrs(cfg);
  bufferBudget(cfg);
}
