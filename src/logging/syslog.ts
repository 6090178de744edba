/**
 * The syslog logging driver, as dockerd's (daemon/logger/syslog over RackSec/srslog): one message per
 * line, severity info for stdout and err for stderr, facility `syslog-facility` (daemon), formats
 * `syslog-format` "" (the local unix format), rfc3164, rfc5424 and rfc5424micro, over udp, tcp,
 * tcp+tls (rfc5424 there with RFC 5425 octet counting), unix and unixgram; `syslog-address` empty
 * means the local syslog socket (/dev/log). Written here on node's sockets: the npm syslog clients
 * cover neither Docker's formats byte for byte nor its option set (TLS client certificates, unixgram,
 * the framing per format).
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { BerthError } from '../common/errors.js';
import type { LogDriverFactory, LogInfo, LogMessage } from './driver.js';
import { bufferBudget, optError } from './options.js';
import { QueuedDriver } from './queue.js';
import { parseAddress, parseFacility, parseFormat, validateSyslogOpts, type Format } from './syslog-options.js';
import { renderTag } from './tag.js';
import { DialError, transportFor, type Address, type Transport } from './transport.js';

const SEVERITY = { stdout: 6, stderr: 3 } as const; // LOG_INFO, LOG_ERR

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** Go's time.Stamp ("Jan _2 15:04:05") in local time. */
function stamp(d: Date): string {
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
}

/** Go's RFC 3339 in local time, with microseconds for rfc5424micro. */
function rfc3339(d: Date, micro: boolean, nanos: number): string {
  const off = -d.getTimezoneOffset();
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${p2(Math.floor(Math.abs(off) / 60))}:${p2(Math.abs(off) % 60)}`;
  const frac = micro ? `.${String(Math.floor(nanos / 1000)).padStart(6, '0')}` : '';
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}${frac}${zone}`;
}

export interface SyslogFormatter { (msg: LogMessage, now?: Date): Buffer[] }

/** One message as srslog frames it for dockerd (the content always ends in a newline). */
export function syslogFormatter(format: Format, proto: Address['proto'] | 'local', facility: number, tag: string, host: string, pid: number): SyslogFormatter {
  const octetCounting = proto === 'tcp+tls' && (format === 'rfc5424' || format === 'rfc5424micro');
  return (msg, now = new Date()) => {
    if (msg.line.length === 0) return [];
    const pri = (facility << 3) | SEVERITY[msg.source];
    // stamped when sent, as srslog does (the line's own time is in berth's json log)
    let head: string;
    if (format === '') head = `<${pri}>${stamp(now)} ${tag}[${pid}]: `;
    else if (format === 'rfc3164') head = `<${pri}>${stamp(now)} ${host} ${tag}[${pid}]: `;
    else {
      const nanos = (now.getTime() % 1000) * 1e6;
      head = `<${pri}>1 ${rfc3339(now, format === 'rfc5424micro', nanos)} ${host} ${tag} ${pid} ${tag} - `;
    }
    const ends = msg.line[msg.line.length - 1] === 0x0a;
    const body = Buffer.concat([Buffer.from(head), msg.line, ...(ends ? [] : [Buffer.from('\n')])]);
    return octetCounting ? [Buffer.from(`${body.length} `), body] : [body];
  };
}

function tlsOptions(cfg: Record<string, string>) {
  const read = (what: string, file: string | undefined) => {
    if (!file) return undefined;
    try { return readFileSync(file); } catch (e) { throw optError(`Could not read ${what} ${JSON.stringify(file)}: open ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`); }
  };
  const ca = read('CA certificate', cfg['syslog-tls-ca-cert']);
  const cert = read('certificate', cfg['syslog-tls-cert']);
  const key = read('key', cfg['syslog-tls-key']);
  if (!!cert !== !!key) throw optError('Could not load X509 key pair: both syslog-tls-cert and syslog-tls-key are needed');
  // tlsconfig.Client: TLS 1.2 at least; syslog-tls-skip-verify skips verification whatever its value
  return { ca, cert, key, rejectUnauthorized: !('syslog-tls-skip-verify' in cfg), minVersion: 'TLSv1.2' as const };
}

/** The local syslog socket (srslog's unixSyslog: unixgram, then unix, at the usual paths). */
class LocalSyslogTransport implements Transport {
  private inner: Transport | null = null;
  get connected(): boolean { return !!this.inner?.connected; }
  async connect(): Promise<void> {
    for (const proto of ['unixgram', 'unix'] as const) {
      for (const path of ['/dev/log', '/var/run/syslog', '/var/run/log']) {
        const t = transportFor({ proto, path });
        try { await t.connect(); this.inner = t; return; } catch { /* the next */ }
      }
    }
    throw new DialError('Unix syslog delivery error');
  }
  send(frames: Buffer[]): Promise<void> { return this.inner ? this.inner.send(frames) : Promise.reject(new DialError('Unix syslog delivery error')); }
  close(): void { this.inner?.close(); this.inner = null; }
}

export const syslogDriver: LogDriverFactory = {
  name: 'syslog',
  validate: validateSyslogOpts,
  async create(info: LogInfo) {
    const cfg = info.config;
    const tag = renderTag(info);
    const addr = parseAddress(cfg['syslog-address']);
    const facility = parseFacility(cfg['syslog-facility']);
    const format = parseFormat(cfg['syslog-format']);
    if (addr?.proto === 'tcp+tls') addr.tls = tlsOptions(cfg);
    const transport = addr ? transportFor(addr) : new LocalSyslogTransport();
    // srslog dials when the logger is made: an unreachable target fails the container's start
    try { await transport.connect(); } catch (e) { throw e instanceof BerthError ? e : new DialError((e as Error).message, e); }
    const encode = syslogFormatter(format, addr?.proto ?? 'local', facility, tag, hostname(), process.pid);
    return new QueuedDriver({ name: 'syslog', transport, encode: (m) => encode(m), maxBytes: bufferBudget(cfg) });
  },
};
