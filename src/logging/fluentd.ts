/**
 * The fluentd logging driver, as dockerd's (daemon/logger/fluentd over fluent-logger-golang): the
 * forward protocol's message mode, `[tag, time, record, option]` in msgpack (@msgpack/msgpack), the
 * record {container_id, container_name, source, log} plus the labels/env attributes and, for a piece
 * of a long line, partial_message/partial_id/partial_ordinal/partial_last. The time is whole seconds,
 * or an EventTime (ext type 0) with fluentd-sub-second-precision. `fluentd-address` is
 * [tcp://|tls://]host:port (127.0.0.1:24224 by default) or unix:///path. Without fluentd-async the
 * driver connects when the container starts and a target that is not there fails the start; with
 * it, it connects in the background. fluentd-retry-wait/fluentd-max-retries shape the back-off
 * (1.5 times longer each time, at most a minute); past max-retries a batch is dropped and counted.
 * fluentd-request-ack puts a chunk id in each message's option map and waits for fluentd's {ack: id}.
 */
import { encode as msgpack, ExtData } from '@msgpack/msgpack';
import { randomBytes } from 'node:crypto';
import { tryGoDurationNs } from '../common/go-duration.js';
import { COMMON_OPTS, extraAttributes, validateAttrs } from './attrs.js';
import type { LogDriverFactory, LogInfo, LogMessage } from './driver.js';
import { optError, parseGoBool, parseGoUrl, parseRamSize } from './options.js';
import { bufferBudget, QueuedDriver } from './queue.js';
import { renderTag } from './tag.js';
import { StreamTransport, type Address } from './transport.js';

const OPTS = new Set([...COMMON_OPTS, 'fluentd-address', 'fluentd-async', 'fluentd-async-reconnect-interval', 'fluentd-buffer-limit',
  'fluentd-max-retries', 'fluentd-request-ack', 'fluentd-retry-wait', 'fluentd-sub-second-precision', 'fluentd-write-timeout', 'fluentd-read-timeout']);

const MAX_INT32 = 2 ** 31 - 1;

interface FluentConfig {
  address: Address; bufferLimit: number; retryWaitMs: number; maxRetries: number; async: boolean;
  reconnectIntervalMs: number; subSecond: boolean; writeTimeoutMs: number; readTimeoutMs: number; requestAck: boolean;
}

function duration(s: string, wrap?: (m: string) => string): number {
  const ns = tryGoDurationNs(s);
  if (ns === undefined) { const m = `time: invalid duration ${JSON.stringify(s)}`; throw optError(wrap ? wrap(m) : m); }
  return ns / 1e6;
}

function parseAddress(address: string | undefined): Address {
  if (!address) return { proto: 'tcp', host: '127.0.0.1', port: 24224 };
  const text = address.includes('://') ? address : `tcp://${address}`;
  const fail = (m: string) => optError(`invalid fluentd-address (${address}): ${m}`);
  let u;
  try { u = parseGoUrl(text); } catch (e) { throw fail((e as Error).message); }
  if (u.scheme === 'unix') {
    if (u.path.replace(/^\/+/, '') === '') throw fail('path is empty');
    return { proto: 'unix', path: u.path };
  }
  if (u.scheme !== 'tcp' && u.scheme !== 'tls') throw fail(`unsupported scheme: '${u.scheme}'`);
  if (u.path !== '') throw fail('should not contain a path element');
  let port = 24224;
  if (u.port !== '') {
    port = Number(u.port);
    if (port > 65535) throw fail(`invalid port: strconv.ParseUint: parsing ${JSON.stringify(u.port)}: value out of range`);
  }
  const host = u.hostname || '127.0.0.1';
  return u.scheme === 'tls' ? { proto: 'tcp+tls', host, port, tls: {} } : { proto: 'tcp', host, port };
}

function parseConfig(cfg: Record<string, string>): FluentConfig {
  const address = parseAddress(cfg['fluentd-address']);
  const bufferLimit = cfg['fluentd-buffer-limit'] ? parseRamSize(cfg['fluentd-buffer-limit'], 'fluentd-buffer-limit') : 1024 * 1024;
  const retryWaitMs = cfg['fluentd-retry-wait'] ? Math.trunc(duration(cfg['fluentd-retry-wait'])) : 1000;
  let maxRetries = MAX_INT32;
  if (cfg['fluentd-max-retries']) {
    const v = cfg['fluentd-max-retries'];
    if (!/^\d+$/.test(v)) throw optError(`strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`);
    if (Number(v) > 2 ** 32 - 1) throw optError(`strconv.ParseUint: parsing ${JSON.stringify(v)}: value out of range`);
    if (Number(v) > MAX_INT32) throw optError('invalid fluentd-max-retries: value out of range');
    maxRetries = Number(v);
  }
  const async = cfg['fluentd-async'] ? parseGoBool(cfg['fluentd-async']) : false;
  let reconnectIntervalMs = 0;
  if (cfg['fluentd-async-reconnect-interval']) {
    const key = 'fluentd-async-reconnect-interval';
    const ms = duration(cfg[key], (m) => `invalid value for ${key}: ${m}`);
    if (ms !== 0 && (ms < 100 || ms > 10_000)) {
      throw optError(`invalid value for ${key}: value ("${cfg[key]}") must be between 100ms and 10s`);
    }
    reconnectIntervalMs = ms;
  }
  const subSecond = cfg['fluentd-sub-second-precision'] ? parseGoBool(cfg['fluentd-sub-second-precision']) : false;
  const requestAck = cfg['fluentd-request-ack'] ? parseGoBool(cfg['fluentd-request-ack']) : false;
  let writeTimeoutMs = 0;
  let readTimeoutMs = 0;
  for (const key of ['fluentd-write-timeout', 'fluentd-read-timeout']) {
    if (!cfg[key]) continue;
    const ms = duration(cfg[key], (m) => `invalid value for ${key}: value must be a duration`);
    if (ms < 0) throw optError(`invalid value for ${key}: value must be a duration that is non-negative`);
    if (key === 'fluentd-write-timeout') writeTimeoutMs = ms; else readTimeoutMs = ms;
  }
  return { address, bufferLimit, retryWaitMs, maxRetries, async, reconnectIntervalMs, subSecond, writeTimeoutMs, readTimeoutMs, requestAck };
}

/** A line's RFC 3339 nano time as seconds and nanoseconds. */
function timeParts(time: string): [number, number] {
  const ms = Date.parse(time);
  const frac = /\.(\d+)Z$/.exec(time)?.[1] ?? '';
  return [Math.floor(ms / 1000), Number(frac.padEnd(9, '0').slice(0, 9))];
}

/** One forward-protocol message. */
export function fluentdMessage(msg: LogMessage, tag: string, base: Record<string, string>, subSecond: boolean, chunk?: string): Buffer {
  const record: Record<string, string> = { ...base, source: msg.source, log: msg.line.toString('utf8') };
  if (msg.partial) {
    record.partial_message = 'true';
    record.partial_id = msg.partial.id;
    record.partial_ordinal = String(msg.partial.ordinal);
    record.partial_last = String(msg.partial.last);
  }
  const [sec, nsec] = timeParts(msg.time);
  let time: number | ExtData = sec;
  if (subSecond) {
    const b = Buffer.alloc(8);
    b.writeUInt32BE(sec >>> 0, 0);
    b.writeUInt32BE(nsec, 4);
    time = new ExtData(0, b);
  }
  const out = msgpack([tag, time, record, chunk ? { chunk } : {}]);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

export const fluentdDriver: LogDriverFactory = {
  name: 'fluentd',
  validate(cfg) {
    for (const key of Object.keys(cfg)) {
      if (key === 'mode' || key === 'max-buffer-size') continue;
      if (!OPTS.has(key)) throw optError(`unknown log opt '${key}' for fluentd log driver`);
    }
    parseConfig(cfg);
    validateAttrs(cfg);
    bufferBudget(cfg);
  },
  async create(info: LogInfo) {
    const cfg = info.config;
    const fc = parseConfig(cfg);
    const tag = renderTag(info);
    const base: Record<string, string> = { container_id: info.containerId, container_name: `/${info.containerName}`, ...extraAttributes(info) };
    const transport = new StreamTransport(fc.address, undefined, fc.writeTimeoutMs, fc.readTimeoutMs || undefined);
    if (!fc.async) await transport.connect();
    return new QueuedDriver({
      name: 'fluentd', transport, maxBytes: cfg.mode === 'non-blocking' ? bufferBudget(cfg) : fc.bufferLimit,
      encode: (m) => {
        if (!fc.requestAck) return [fluentdMessage(m, tag, base, fc.subSecond)];
        // fluent-logger's chunk id: the time and a random number, base64 (the target answers {ack: id})
        const id = Buffer.concat([Buffer.alloc(8), randomBytes(8)]);
        id.writeBigInt64LE(BigInt(Math.floor(Date.now() / 1000)));
        const chunk = id.toString('base64');
        return { frames: [fluentdMessage(m, tag, base, fc.subSecond, chunk)], ack: chunk };
      },
      retry: { initialMs: fc.retryWaitMs, factor: 1.5, maxMs: 60_000, maxAttempts: fc.maxRetries },
      reconnectEveryMs: fc.async ? fc.reconnectIntervalMs : 0,
    });
  },
};
