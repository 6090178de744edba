/**
 * Rotated log files compressed as dockerd compresses them (moby daemon/logger/loggerutils/logfile.go
 * compressFile): `<file>.1` → `<file>.1.gz`, with the time of the file's last record as JSON
 * `{"lastTime": …}` in the gzip header's extra field, so a reader with --since can skip older files.
 * Node's zlib cannot set header fields, so the gzip member is framed here around a raw deflate stream
 * (RFC 1952: header, deflate data, CRC-32, size mod 2^32).
 *
 * berth adds `"ino"` to that JSON: the inode of the uncompressed file it replaces. A `logs -f` that
 * holds the rotated file open finds where it sits in the chain by inode even after compression
 * replaced it (the open descriptor keeps that inode number from being reused meanwhile); dockerd's
 * reader ignores the extra key.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { crc32, createDeflateRaw, gunzip } from 'node:zlib';
import { promisify } from 'node:util';

export interface GzipLogMeta { lastTime?: string; ino?: number }

const FEXTRA = 0x04;

function header(meta: GzipLogMeta): Buffer {
  const extra = Buffer.from(JSON.stringify(meta));
  const h = Buffer.alloc(12);
  h[0] = 0x1f; h[1] = 0x8b; h[2] = 8; h[3] = FEXTRA;
  // MTIME 0 (unknown), XFL 0, OS 255 (unknown): what Go's gzip writer puts there
  h[9] = 255;
  h.writeUInt16LE(extra.length, 10);
  return Buffer.concat([h, extra]);
}

/**
 * Compress `file` into `file.gz` (written aside and renamed, so a `.gz` that exists is complete), then
 * remove `file`. zlib works on the thread pool: the daemon's event loop only moves buffers.
 */
export async function compressLogFile(file: string, lastTime?: string): Promise<void> {
  const ino = (await stat(file)).ino;
  const tmp = `${file}.gz.tmp`;
  let crc = 0;
  let size = 0;
  try {
    await pipeline(
      createReadStream(file),
      async function* (src: AsyncIterable<Buffer>) { for await (const c of src) { crc = crc32(c, crc); size += c.length; yield c; } },
      createDeflateRaw(),
      async function* (src: AsyncIterable<Buffer>) {
        yield header({ lastTime: lastTime ?? '0001-01-01T00:00:00Z', ino });
        for await (const c of src) yield c;
        const trailer = Buffer.alloc(8);
        trailer.writeUInt32LE(crc >>> 0, 0);
        trailer.writeUInt32LE(size % 0x1_0000_0000, 4);
        yield trailer;
      },
      createWriteStream(tmp, { mode: 0o640 }),
    );
    await rename(tmp, `${file}.gz`);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await unlink(file);
}

/** The JSON of a gzip header's extra field (null: none, or not a gzip file). */
export async function readGzipLogMeta(file: string): Promise<GzipLogMeta | null> {
  const fh = await open(file, 'r').catch(() => null);
  if (!fh) return null;
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    if (bytesRead < 12 || buf[0] !== 0x1f || buf[1] !== 0x8b || !(buf[3] & FEXTRA)) return null;
    const len = buf.readUInt16LE(10);
    if (12 + len > bytesRead) return null;
    try { return JSON.parse(buf.toString('utf8', 12, 12 + len)) as GzipLogMeta; } catch { return null; }
  } finally { await fh.close(); }
}

export const gunzipBuffer = promisify(gunzip);
