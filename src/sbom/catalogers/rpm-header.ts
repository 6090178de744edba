/**
 * RPM's header format, as each row of the rpmdb stores it (the "header blob": no lead, no magic):
 * int32 il (index entries), int32 dl (data bytes), il entries of {tag, type, offset, count} (all
 * big-endian), then the data store. Written here because no maintained JavaScript package reads it;
 * every offset is checked, so a damaged blob is an error, never a wild read.
 */

export const RPMTAG = {
  NAME: 1000, VERSION: 1001, RELEASE: 1002, EPOCH: 1003, SUMMARY: 1004, SIZE: 1009, VENDOR: 1011,
  LICENSE: 1014, PACKAGER: 1015, URL: 1020, ARCH: 1022, SOURCERPM: 1044,
} as const;

const RpmType = { NULL: 0, CHAR: 1, INT8: 2, INT16: 3, INT32: 4, INT64: 5, STRING: 6, BIN: 7, STRING_ARRAY: 8, I18NSTRING: 9 } as const;

export type RpmValue = string | string[] | number[] | Buffer;

export class RpmHeaderError extends Error {}

/** rpm's own limits (HEADER_TAGS_MAX, HEADER_DATA_MAX) */
const MAX_ENTRIES = 0xffff;
const MAX_DATA = 256 * 1024 * 1024;

function readStrings(data: Buffer, offset: number, count: number): string[] {
  const out: string[] = [];
  let pos = offset;
  for (let i = 0; i < count; i++) {
    const end = data.indexOf(0, pos);
    if (end < 0) throw new RpmHeaderError(`string at ${pos} is not terminated`);
    out.push(data.toString('utf8', pos, end));
    pos = end + 1;
  }
  return out;
}

/** The tags of a header blob; only the tags asked for are decoded. */
export function parseRpmHeader(blob: Uint8Array, wanted: ReadonlySet<number>): Map<number, RpmValue> {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (buf.length < 8) throw new RpmHeaderError('header is shorter than its 8-byte preamble');
  const il = buf.readUInt32BE(0);
  const dl = buf.readUInt32BE(4);
  if (il === 0 || il > MAX_ENTRIES) throw new RpmHeaderError(`header has ${il} index entries`);
  if (dl > MAX_DATA) throw new RpmHeaderError(`header data of ${dl} bytes is too large`);
  const dataStart = 8 + il * 16;
  if (dataStart + dl > buf.length) throw new RpmHeaderError(`header needs ${dataStart + dl} bytes, the blob has ${buf.length}`);
  const data = buf.subarray(dataStart, dataStart + dl);
  const out = new Map<number, RpmValue>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = buf.readUInt32BE(at);
    if (!wanted.has(tag)) continue;
    const type = buf.readUInt32BE(at + 4);
    const offset = buf.readInt32BE(at + 8);
    const count = buf.readUInt32BE(at + 12);
    if (offset < 0 || offset >= dl || count === 0 || count > dl) throw new RpmHeaderError(`tag ${tag}: offset ${offset} or count ${count} outside the data`);
    const need = (size: number): void => {
      if (offset + size * count > dl) throw new RpmHeaderError(`tag ${tag}: ${count} values run past the data`);
    };
    switch (type) {
      case RpmType.STRING:
        out.set(tag, readStrings(data, offset, 1)[0]!);
        break;
      case RpmType.STRING_ARRAY: case RpmType.I18NSTRING:
        out.set(tag, readStrings(data, offset, count));
        break;
      case RpmType.INT32: {
        need(4);
        out.set(tag, Array.from({ length: count }, (_, k) => data.readInt32BE(offset + 4 * k)));
        break;
      }
      case RpmType.INT16: {
        need(2);
        out.set(tag, Array.from({ length: count }, (_, k) => data.readUInt16BE(offset + 2 * k)));
        break;
      }
      case RpmType.INT64: {
        need(8);
        out.set(tag, Array.from({ length: count }, (_, k) => Number(data.readBigUInt64BE(offset + 8 * k))));
        break;
      }
      case RpmType.CHAR: case RpmType.INT8: case RpmType.BIN:
        need(1);
        out.set(tag, Buffer.from(data.subarray(offset, offset + count)));
        break;
      default:
        throw new RpmHeaderError(`tag ${tag}: unknown type ${type}`);
    }
  }
  return out;
}

export function headerString(h: Map<number, RpmValue>, tag: number): string | undefined {
  const v = h.get(tag);
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0]; // I18NSTRING: the first is the C locale
  return undefined;
}

export function headerNumber(h: Map<number, RpmValue>, tag: number): number | undefined {
  const v = h.get(tag);
  return Array.isArray(v) && typeof v[0] === 'number' ? v[0] : undefined;
}
