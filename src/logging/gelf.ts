/**
 * The gelf logging driver, as dockerd's (daemon/logger/gelf over Graylog2/go-gelf): GELF 1.1 JSON per
 * line with Docker's extra fields (_container_id, _container_name, _image_id, _image_name, _command,
 * _tag, _created, and the labels/env attributes with a leading underscore); over UDP compressed
 * (`gelf-compression-type` gzip (default), zlib or none, `gelf-compression-level`, default 1) and cut
 * into GELF chunks of 1420 bytes (128 at most), or over TCP uncompressed, each message ending in a
 * NUL byte. Written here with node's dgram, net and zlib: the npm GELF clients do not offer go-gelf's
 * chunk size, compression choices and TCP framing together.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { deflateSync, gzipSync } from 'node:zlib';
import { extraAttributes } from './attrs.js';
import type { LogDriverFactory, LogInfo, LogMessage } from './driver.js';
import { parseGelfAddress, validateGelfOpts } from './gelf-options.js';
import { bufferBudget, goJsonString, goTimeJson } from './options.js';
import { QueuedDriver, type RetryPolicy } from './queue.js';
import { renderTag } from './tag.js';
import { DialError, transportFor, type Address } from './transport.js';

export const GELF_CHUNK_SIZE = 1420;
const CHUNK_HEADER = 12;
const MAX_CHUNKS = 128;

/** The message's fields after timestamp and level, as go-gelf appends Docker's RawExtra (keys sorted as Go's json.Marshal sorts a map). */
export function gelfExtra(info: LogInfo): string {
  const extra: Record<string, string> = {
    _container_id: info.containerId, _container_name: info.containerName, _image_id: info.imageId,
    _image_name: info.imageName, _command: [info.command[0] ?? '', ...info.command.slice(1)].join(' '),
    _tag: renderTag(info), _created: goTimeJson(info.containerCreated),
    ...extraAttributes(info, (k) => (k[0] === '_' ? k : `_${k}`)),
  };
  return Object.keys(extra).sort().map((k) => `${goJsonString(k)}:${goJsonString(extra[k])}`).join(',');
}

/** One GELF message (JSON, no compression or framing). */
export function gelfJson(msg: LogMessage, host: string, extra: string): Buffer {
  const level = msg.source === 'stderr' ? 3 : 6;
  const ts = Math.floor(Date.parse(msg.time)) / 1000;
  return Buffer.from(`{"version":"1.1","host":${goJsonString(host)},"short_message":${goJsonString(msg.line.toString('utf8'))},"timestamp":${ts},"level":${level}${extra ? `,${extra}` : ''}}`);
}

/** UDP: compress, then cut into chunks (magic 0x1e 0x0f, 8-byte id, sequence, count) when above one datagram. */
export function gelfDatagrams(json: Buffer, type: string, level: number): Buffer[] {
  const z = type === 'none' ? json : type === 'zlib' ? deflateSync(json, { level }) : gzipSync(json, { level });
  if (z.length <= GELF_CHUNK_SIZE) return [z];
  const per = GELF_CHUNK_SIZE - CHUNK_HEADER;
  const count = Math.ceil(z.length / per);
  if (count > MAX_CHUNKS) throw new Error(`msg too large, would need ${count} chunks`);
  const id = randomBytes(8);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    out.push(Buffer.concat([Buffer.from([0x1e, 0x0f]), id, Buffer.from([i, count]), z.subarray(i * per, (i + 1) * per)]));
  }
  return out;
}

export const gelfDriver: LogDriverFactory = {
  name: 'gelf',
  validate: validateGelfOpts,
  async create(info: LogInfo) {
    const cfg = info.config;
    const u = parseGelfAddress(cfg['gelf-address']);
    const host = hostname();
    const extra = gelfExtra(info);
    const addr: Address = u.scheme === 'udp' ? { proto: 'udp', host: u.hostname, port: Number(u.port) } : { proto: 'tcp', host: u.hostname, port: Number(u.port) };
    const transport = transportFor(addr);
    // go-gelf dials when the logger is made (for UDP that only resolves the host)
    try { await transport.connect(); } catch (e) {
      throw new DialError(`gelf: cannot connect to GELF endpoint: ${u.host} ${(e as Error).message}`, e);
    }
    const type = cfg['gelf-compression-type'] ?? 'gzip';
    const level = cfg['gelf-compression-level'] !== undefined ? Number(cfg['gelf-compression-level']) : 1;
    let retry: RetryPolicy | undefined;
    if (u.scheme === 'tcp') {
      // go-gelf's TCP writer: gelf-tcp-max-reconnect attempts (3), gelf-tcp-reconnect-delay seconds apart (1)
      const delay = Number(cfg['gelf-tcp-reconnect-delay'] ?? 1) * 1000;
      retry = { initialMs: delay, factor: 1, maxMs: delay, maxAttempts: Number(cfg['gelf-tcp-max-reconnect'] ?? 3) + 1 };
    }
    const encode = (m: LogMessage): Buffer[] => {
      if (m.line.length === 0) return [];
      const json = gelfJson(m, host, extra);
      return u.scheme === 'udp' ? gelfDatagrams(json, type, level) : [json, Buffer.from([0])];
    };
    return new QueuedDriver({ name: 'gelf', transport, encode, maxBytes: bufferBudget(cfg), retry });
  },
};
