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
import { extraAttributes } from './attrs.js';
import type { LogDriverFactory, LogInfo, LogMessage } from './driver.js';
import { parseFluentdConfig, validateFluentdOpts } from './fluentd-options.js';
import { bufferBudget } from './options.js';
import { QueuedDriver } from './queue.js';
import { renderTag } from './tag.js';
import { StreamTransport } from './transport.js';

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
  validate: validateFluentdOpts,
  async create(info: LogInfo) {
    const cfg = info.config;
    const fc = parseFluentdConfig(cfg);
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
