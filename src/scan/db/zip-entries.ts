/**
 * The entries of a zip file, read through its central directory (ZIP64 included: osv.dev's larger
 * ecosystems hold more than 65,535 files) and inflated with node:zlib.
 *
 * Why not fflate's streaming Unzip (which the project pins): measured on 10,000 osv.dev-sized entries it
 * spent ~0.25 ms of CPU per entry growing output buffers and collecting them (~25 s for 100,000 entries on
 * this class of machine), against ~0.02 ms here, where the central directory gives every entry's sizes
 * and node:zlib inflates natively. Memory stays bounded: the directory (~80 bytes an entry) plus one
 * read window and one entry.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry { name: string; method: number; compressedSize: number; size: number; offset: number }

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const WINDOW = 1024 * 1024;

export class ZipFormatError extends Error {}

async function readAt(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  const buf = Buffer.alloc(len);
  const { bytesRead } = await fh.read(buf, 0, len, pos);
  if (bytesRead < len) throw new ZipFormatError(`truncated: wanted ${len} bytes at ${pos}, file ends after ${bytesRead}`);
  return buf;
}

/** The central directory's entries, in file order. */
export async function zipDirectory(fh: FileHandle, fileSize: number): Promise<ZipEntry[]> {
  // the end record sits in the last 22 bytes plus a comment of up to 65,535 bytes
  const tailLen = Math.min(fileSize, 22 + 65535);
  const tail = await readAt(fh, fileSize - tailLen, tailLen);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) if (tail.readUInt32LE(i) === EOCD) { at = i; break; }
  if (at < 0) throw new ZipFormatError('no end of central directory record (not a zip, or truncated)');
  let count = tail.readUInt16LE(at + 10);
  let dirSize = tail.readUInt32LE(at + 12);
  let dirOffset = tail.readUInt32LE(at + 16);
  if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
    const locAt = at - 20;
    if (locAt < 0 || tail.readUInt32LE(locAt) !== EOCD64_LOCATOR) throw new ZipFormatError('ZIP64 end record locator missing');
    const eocd64 = await readAt(fh, Number(tail.readBigUInt64LE(locAt + 8)), 56);
    if (eocd64.readUInt32LE(0) !== EOCD64) throw new ZipFormatError('ZIP64 end record missing');
    count = Number(eocd64.readBigUInt64LE(32));
    dirSize = Number(eocd64.readBigUInt64LE(40));
    dirOffset = Number(eocd64.readBigUInt64LE(48));
  }
  if (dirOffset + dirSize > fileSize) throw new ZipFormatError('central directory lies past the end of the file (truncated)');
  const dir = await readAt(fh, dirOffset, dirSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  // the directory's size, not the end record's count, bounds the walk: writers without ZIP64 (fflate's
  // among them) store the count modulo 65,536, and reading only that many would drop the rest silently
  for (let i = 0; p < dir.length; i++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) throw new ZipFormatError(`central directory entry ${i} is damaged`);
    const method = dir.readUInt16LE(p + 10);
    let compressedSize = dir.readUInt32LE(p + 20);
    let size = dir.readUInt32LE(p + 24);
    const nameLen = dir.readUInt16LE(p + 28);
    const extraLen = dir.readUInt16LE(p + 30);
    const commentLen = dir.readUInt16LE(p + 32);
    let offset = dir.readUInt32LE(p + 42);
    const name = dir.toString('utf8', p + 46, p + 46 + nameLen);
    // ZIP64 extra field (0x0001): the 64-bit values, in order, of the fields that are 0xffffffff
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = dir.readUInt16LE(e);
      const len = dir.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) { size = Number(dir.readBigUInt64LE(q)); q += 8; }
        if (compressedSize === 0xffffffff) { compressedSize = Number(dir.readBigUInt64LE(q)); q += 8; }
        if (offset === 0xffffffff) { offset = Number(dir.readBigUInt64LE(q)); }
      }
      e += 4 + len;
    }
    entries.push({ name, method, compressedSize, size, offset });
    p = extraEnd + commentLen;
  }
  if (entries.length % 65536 !== count % 65536) throw new ZipFormatError(`the central directory holds ${entries.length} entries, the end record says ${count}`);
  return entries.sort((a, b) => a.offset - b.offset);
}

/** Reads entries' data in file order through one window, so a zip of 100,000 entries costs few reads. */
export class ZipDataReader {
  private win: Buffer = Buffer.alloc(0);
  private winStart = 0;

  constructor(private readonly fh: FileHandle, private readonly fileSize: number) {}

  private async bytes(pos: number, len: number): Promise<Buffer> {
    if (pos < this.winStart || pos + len > this.winStart + this.win.length) {
      const want = Math.min(Math.max(len, WINDOW), this.fileSize - pos);
      if (want < len) throw new ZipFormatError(`truncated: entry data at ${pos} runs past the end of the file`);
      this.win = await readAt(this.fh, pos, want);
      this.winStart = pos;
    }
    return this.win.subarray(pos - this.winStart, pos - this.winStart + len);
  }

  /** The entry's uncompressed bytes (stored or deflated; other methods are refused). */
  async data(e: ZipEntry): Promise<Buffer> {
    const head = await this.bytes(e.offset, 30);
    if (head.readUInt32LE(0) !== LOCAL) throw new ZipFormatError('local header missing');
    const start = e.offset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
    const raw = await this.bytes(start, e.compressedSize);
    if (e.method === 0) return Buffer.from(raw);
    if (e.method !== 8) throw new ZipFormatError(`compression method ${e.method} is not supported (only stored and deflate)`);
    const out = inflateRawSync(raw, { maxOutputLength: Math.max(e.size, 1) });
    if (out.length !== e.size) throw new ZipFormatError(`inflated to ${out.length} bytes, the directory says ${e.size}`);
    return out;
  }
}

export async function openZip(path: string): Promise<{ fh: FileHandle; size: number }> {
  const fh = await open(path, 'r');
  const { size } = await fh.stat();
  return { fh, size };
}
