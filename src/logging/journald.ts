/**
 * The journald logging driver (moby daemon/logger/journald/journald.go): each message is one datagram
 * of the journal's native protocol to /run/systemd/journal/socket, with Docker's fields: MESSAGE,
 * PRIORITY (6 stdout, 3 stderr), CONTAINER_ID (12), CONTAINER_ID_FULL, CONTAINER_NAME, CONTAINER_TAG,
 * IMAGE_NAME, SYSLOG_IDENTIFIER, SYSLOG_TIMESTAMP, CONTAINER_LOG_EPOCH/ORDINAL, the partial-message
 * fields, and the labels/env the options name. Options: tag, labels, labels-regex, env, env-regex.
 *
 * BERTH_JOURNALD_SOCKET in the daemon's environment names another socket: for tests (a receiver
 * that feeds systemd-journal-remote), never needed on a host with systemd.
 *
 * Node has no unix datagram sockets; the N-API binding of node-unix-socket (already shipped for
 * conmon's seqpacket socket) sends them. A message that the journal cannot take (its socket buffer
 * is full, it is gone, the datagram is too big) is counted as dropped, never retried: the container
 * must not wait on the journal, and berth's own log file still has the line for `logs`.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BerthError } from '../common/errors.js';
import { logStats, type LogDriver, type LogDriverFactory, type LogInfo, type LogMessage } from './driver.js';
import { extraAttributes } from './attrs.js';
import { validateJournaldOpts } from './journald-options.js';
import { renderTag } from './tag.js';

export const DEFAULT_JOURNAL_SOCKET = '/run/systemd/journal/socket';
/** datagrams waiting for the kernel: past this, messages are dropped rather than queued without bound */
const MAX_IN_FLIGHT = 4096;

export function journalSocketPath(): string {
  return process.env.BERTH_JOURNALD_SOCKET || DEFAULT_JOURNAL_SOCKET;
}

/**
 * One entry in the journal's native protocol: `KEY=value\n`, or for a value with a newline (or any
 * binary) `KEY\n` + its length as 64-bit little-endian + the bytes + `\n`.
 */
export function encodeJournalEntry(fields: ReadonlyArray<readonly [string, string | Buffer]>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of fields) {
    const v = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    if (v.includes(0x0a)) {
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(v.length));
      parts.push(Buffer.from(`${key}\n`), len, v, Buffer.from('\n'));
    } else {
      parts.push(Buffer.from(`${key}=`), v, Buffer.from('\n'));
    }
  }
  return Buffer.concat(parts);
}

/** moby's sanitizeKeyMod: journal field names are upper-case letters, digits and `_`, not starting with `_`. */
export function sanitizeJournalKey(s: string): string {
  let n = '';
  for (const ch of s) {
    let v = ch;
    if (v >= 'a' && v <= 'z') v = v.toUpperCase();
    else if (!((v >= 'A' && v <= 'Z') || (v >= '0' && v <= '9'))) v = '_';
    if (!(n === '' && v === '_')) n += v;
  }
  return n;
}

/** The fields of every message of a container (moby's journald.new vars), in a stable order. */
export function journalBaseFields(info: LogInfo, epoch: string): Array<[string, string]> {
  const tag = renderTag(info);
  const fields: Array<[string, string]> = [
    ['CONTAINER_ID', info.containerId.slice(0, 12)],
    ['CONTAINER_ID_FULL', info.containerId],
    ['CONTAINER_NAME', info.containerName],
    ['CONTAINER_TAG', tag],
    ['IMAGE_NAME', info.imageName],
    ['SYSLOG_IDENTIFIER', tag],
    ['CONTAINER_LOG_EPOCH', epoch],
  ];
  const base = new Set(fields.map(([k]) => k));
  for (const [k, v] of Object.entries(extraAttributes(info, sanitizeJournalKey))) {
    if (k && !base.has(k)) fields.push([k, v]);
  }
  return fields;
}

/** One message as a native-protocol datagram (moby's journald.Log). */
export function journalEntryFor(msg: LogMessage, base: ReadonlyArray<[string, string]>, ordinal: number): Buffer {
  const fields: Array<readonly [string, string | Buffer]> = [
    ['MESSAGE', msg.line],
    ['PRIORITY', msg.source === 'stderr' ? '3' : '6'],
    ...base,
  ];
  if (msg.time) fields.push(['SYSLOG_TIMESTAMP', msg.time]);
  if (msg.partial) {
    fields.push(['CONTAINER_PARTIAL_ID', msg.partial.id], ['CONTAINER_PARTIAL_ORDINAL', String(msg.partial.ordinal)],
      ['CONTAINER_PARTIAL_LAST', String(msg.partial.last)]);
    if (!msg.partial.last) fields.push(['CONTAINER_PARTIAL_MESSAGE', 'true']);
  }
  fields.push(['CONTAINER_LOG_ORDINAL', String(ordinal)]);
  return encodeJournalEntry(fields);
}

interface DgramWrap {
  init(self: object): void;
  sendTo(buf: Buffer, offset: number, length: number, path: string, cb: (err?: Error) => void): void;
  startRecv(): void;
  close(): void;
}

function openDgram(): DgramWrap {
  const { DgramSocketWrap } = createRequire(import.meta.url)('node-unix-socket-linux-x64-gnu') as { DgramSocketWrap: new (events: object) => DgramWrap };
  const events = new EventEmitter();
  events.on('_error', () => undefined); // send errors arrive by callback; nothing is received
  const wrap = new DgramSocketWrap({ emit: events.emit.bind(events) });
  wrap.init(wrap);
  // the binding's close() crashes on a socket whose receive side was never started (its own JS always starts it)
  wrap.startRecv();
  return wrap;
}

class JournaldLogger implements LogDriver {
  private ordinal = 0;
  private inFlight = 0;
  private closed = false;
  private idle: (() => void) | null = null;

  constructor(private readonly socket: DgramWrap, private readonly path: string, private readonly base: Array<[string, string]>) {}

  log(msg: LogMessage): void {
    if (this.closed || this.inFlight >= MAX_IN_FLIGHT) { logStats.count(logStats.dropped, 'journald'); return; }
    const data = journalEntryFor(msg, this.base, ++this.ordinal);
    this.inFlight++;
    try {
      this.socket.sendTo(data, 0, data.length, this.path, (err) => {
        this.inFlight--;
        logStats.count(err ? logStats.dropped : logStats.delivered, 'journald');
        if (this.inFlight === 0) this.idle?.();
      });
    } catch {
      this.inFlight--;
      logStats.count(logStats.dropped, 'journald');
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2000);
        this.idle = () => { clearTimeout(timer); resolve(); };
      });
    }
    // never from inside the binding's callback: closing there crashes the binding
    await new Promise((r) => setImmediate(r));
    this.socket.close();
  }
}

export const journaldDriver: LogDriverFactory = {
  name: 'journald',
  validate: validateJournaldOpts,
  async create(info) {
    validateJournaldOpts(info.config);
    const path = journalSocketPath();
    let isSocket = false;
    try { isSocket = statSync(path).isSocket(); } catch { /* no journal */ }
    // moby: journal.Enabled() is false without the socket
    if (!isSocket) throw new BerthError('journald is not enabled on this host', { code: 'ERR_JOURNALD_UNAVAILABLE', status: 500 });
    const base = journalBaseFields(info, randomBytes(32).toString('hex'));
    return new JournaldLogger(openDgram(), path, base);
  },
};
