/**
 * Docker's `local` log format (moby daemon/logger/local): each record is a protobuf `LogEntry`
 *   { source = 1 string, time_nano = 2 int64, line = 3 bytes, partial = 4 bool,
 *     partial_log_metadata = 5 { last = 1 bool, id = 2 string, ordinal = 3 int32 } }
 * framed by its length as 4 bytes big-endian before and after it (the trailing copy lets a reader walk
 * the file backwards for --tail). The line is stored without its newline; a reader adds one unless the
 * record is a piece of a longer line that is not its last.
 *
 * Hand-written rather than a protobuf library: five scalar fields, and the writer sits on the log hot
 * path where a generic encoder's allocations cost more than the format itself.
 */
import { BerthError } from '../common/errors.js';

export interface LocalEntry {
  source: string;
  /** nanoseconds since the epoch */
  timeNano: bigint;
  line: Buffer;
  partial?: { id: string; ordinal: number; last: boolean };
}

/** The frame around each record: a 4-byte big-endian length before and after. */
export const LOCAL_FRAME_BYTES = 4;

function varintSize(v: bigint): number {
  let n = 1;
  for (let x = v; x >= 0x80n; x >>= 7n) n++;
  return n;
}

function writeVarint(buf: Buffer, pos: number, v: bigint): number {
  let x = v;
  while (x >= 0x80n) { buf[pos++] = Number(x & 0x7fn) | 0x80; x >>= 7n; }
  buf[pos++] = Number(x);
  return pos;
}

/** Small non-negative numbers without BigInt (lengths, tags). */
function smallVarintSize(v: number): number { return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5; }
function writeSmallVarint(buf: Buffer, pos: number, v: number): number {
  let x = v;
  while (x >= 0x80) { buf[pos++] = (x & 0x7f) | 0x80; x >>>= 7; }
  buf[pos++] = x;
  return pos;
}

/** protobuf's int64 on the wire: two's complement in 64 bits, as an unsigned varint. */
const toUint64 = (v: bigint): bigint => (v < 0n ? (1n << 64n) + v : v);

function metadataSize(p: NonNullable<LocalEntry['partial']>): number {
  const id = Buffer.byteLength(p.id);
  return (p.last ? 2 : 0) + (id ? 1 + smallVarintSize(id) + id : 0)
    + (p.ordinal ? 1 + varintSize(toUint64(BigInt(p.ordinal))) : 0);
}

/** One framed record (proto3: fields at their default value are left out, as Go's encoder does). */
export function encodeLocalEntry(e: LocalEntry): Buffer {
  const src = Buffer.byteLength(e.source);
  const time = toUint64(e.timeNano);
  const md = e.partial ? metadataSize(e.partial) : 0;
  const size = (src ? 1 + smallVarintSize(src) + src : 0)
    + (time ? 1 + varintSize(time) : 0)
    + (e.line.length ? 1 + smallVarintSize(e.line.length) + e.line.length : 0)
    + (e.partial ? 2 + 1 + smallVarintSize(md) + md : 0);
  const buf = Buffer.allocUnsafe(size + 2 * LOCAL_FRAME_BYTES);
  buf.writeUInt32BE(size, 0);
  let pos = LOCAL_FRAME_BYTES;
  if (src) { buf[pos++] = 0x0a; pos = writeSmallVarint(buf, pos, src); pos += buf.write(e.source, pos); }
  if (time) { buf[pos++] = 0x10; pos = writeVarint(buf, pos, time); }
  if (e.line.length) { buf[pos++] = 0x1a; pos = writeSmallVarint(buf, pos, e.line.length); pos += e.line.copy(buf, pos); }
  if (e.partial) {
    buf[pos++] = 0x20; buf[pos++] = 1;
    buf[pos++] = 0x2a; pos = writeSmallVarint(buf, pos, md);
    const p = e.partial;
    if (p.last) { buf[pos++] = 0x08; buf[pos++] = 1; }
    const id = Buffer.byteLength(p.id);
    if (id) { buf[pos++] = 0x12; pos = writeSmallVarint(buf, pos, id); pos += buf.write(p.id, pos); }
    if (p.ordinal) { buf[pos++] = 0x18; pos = writeVarint(buf, pos, toUint64(BigInt(p.ordinal))); }
  }
  buf.writeUInt32BE(size, pos);
  return buf;
}

/** A record that cannot be decoded: the file is damaged (or not in this format). */
export class LocalFormatError extends BerthError {
  constructor(message: string) { super(message, { code: 'ERR_LOG_FILE_CORRUPT', status: 500 }); }
}

class ProtoReader {
  pos: number;
  constructor(private readonly buf: Buffer, start: number, private readonly end: number) { this.pos = start; }
  get done(): boolean { return this.pos >= this.end; }
  varint(): bigint {
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new LocalFormatError('truncated varint');
      const b = this.buf[this.pos++];
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
    throw new LocalFormatError('varint too long');
  }
  bytes(): Buffer {
    const n = Number(this.varint());
    if (this.pos + n > this.end) throw new LocalFormatError('truncated field');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new LocalFormatError(`unsupported wire type ${wire}`);
  }
}

const toInt64 = (v: bigint): bigint => BigInt.asIntN(64, v);

/** Decode one record's protobuf body (without its frame). Unknown fields (e.g. attrs = 6) are skipped. */
export function decodeLocalEntry(buf: Buffer, start = 0, end = buf.length): LocalEntry {
  const r = new ProtoReader(buf, start, end);
  const e: LocalEntry = { source: '', timeNano: 0n, line: Buffer.alloc(0) };
  let partial = false;
  let md: LocalEntry['partial'];
  while (!r.done) {
    const key = Number(r.varint());
    const field = key >>> 3;
    const wire = key & 7;
    if (field === 1 && wire === 2) e.source = r.bytes().toString('utf8');
    else if (field === 2 && wire === 0) e.timeNano = toInt64(r.varint());
    else if (field === 3 && wire === 2) e.line = Buffer.from(r.bytes());
    else if (field === 4 && wire === 0) partial = r.varint() !== 0n;
    else if (field === 5 && wire === 2) {
      const body = r.bytes();
      const m = new ProtoReader(body, 0, body.length);
      md = { id: '', ordinal: 0, last: false };
      while (!m.done) {
        const k = Number(m.varint());
        if (k === 0x08) md.last = m.varint() !== 0n;
        else if (k === 0x12) md.id = m.bytes().toString('utf8');
        else if (k === 0x18) md.ordinal = Number(BigInt.asIntN(32, m.varint()));
        else m.skip(k & 7);
      }
    } else r.skip(wire);
  }
  if (partial) e.partial = md ?? { id: '', ordinal: 0, last: false };
  return e;
}

/**
 * Walks the complete frames in `buf` from `start`; returns where the first incomplete frame begins
 * (the caller keeps those bytes for the next read). A frame whose two lengths disagree is corrupt.
 */
export function decodeLocalFrames(buf: Buffer, start: number, onEntry: (e: LocalEntry) => void): number {
  let pos = start;
  while (pos + LOCAL_FRAME_BYTES <= buf.length) {
    const size = buf.readUInt32BE(pos);
    const end = pos + LOCAL_FRAME_BYTES + size + LOCAL_FRAME_BYTES;
    if (end > buf.length) break;
    if (buf.readUInt32BE(end - LOCAL_FRAME_BYTES) !== size) throw new LocalFormatError(`corrupt record at byte ${pos}: lengths differ`);
    onEntry(decodeLocalEntry(buf, pos + LOCAL_FRAME_BYTES, end - LOCAL_FRAME_BYTES));
    pos = end;
  }
  return pos;
}

/** RFC 3339 with nanoseconds (any offset) → nanoseconds since the epoch. */
export function timeToNano(time: string): bigint {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/.exec(time);
  if (!m) return BigInt(Date.parse(time)) * 1_000_000n;
  const secMs = Date.parse(`${m[1]}${m[3]}`);
  return BigInt(secMs) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
}

/** Nanoseconds since the epoch → Go's RFC3339Nano in UTC. */
export function nanoToTime(ns: bigint): string {
  const sec = ns / 1_000_000_000n;
  let frac = ns % 1_000_000_000n;
  let s = sec;
  if (frac < 0n) { frac += 1_000_000_000n; s -= 1n; }
  const base = new Date(Number(s) * 1000).toISOString().slice(0, 19);
  const f = frac.toString().padStart(9, '0').replace(/0+$/, '');
  return `${base}${f ? `.${f}` : ''}Z`;
}
