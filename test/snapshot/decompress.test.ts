/**
 * decompressDetect: what it hands on is every byte of the source (plain or inflated), and a source that
 * fails, or closes before its end, fails what reads on instead of leaving it waiting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { decompressDetect } from '../../src/snapshot/decompress.js';

async function readAll(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A source that gives `data` in chunks of `size` bytes (a socket gives 64 KiB). */
function chunked(data: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

test('a plain source goes on whole, its head put back in front, in chunks of any size', async () => {
  const data = randomBytes(3 * 1024 * 1024 + 17);
  for (const [size, bytes] of [[1, 4096], [5, 64 * 1024], [64 * 1024, data.length]] as const) {
    const { plain, kind } = await decompressDetect(chunked(data.subarray(0, bytes), size));
    assert.equal(kind, 'none');
    assert.deepEqual(await readAll(plain), data.subarray(0, bytes));
  }
});

test('a gzip source is inflated whole, from small chunks joined', async () => {
  const data = randomBytes(2 * 1024 * 1024 + 3);
  const { plain, kind } = await decompressDetect(chunked(gzipSync(data), 64 * 1024));
  assert.equal(kind, 'gzip');
  assert.deepEqual(await readAll(plain), data);
});

test('an empty source is a plain one that ends', async () => {
  const { plain, kind } = await decompressDetect(Readable.from([], { objectMode: false }));
  assert.equal(kind, 'none');
  assert.equal((await readAll(plain)).length, 0);
});

test('a source closed before its end, without an error, fails the reader with ERR_ARCHIVE_INCOMPLETE', async () => {
  const src = new PassThrough();
  src.write(gzipSync(randomBytes(256 * 1024)).subarray(0, 4096));
  const { plain, kind } = await decompressDetect(src);
  assert.equal(kind, 'gzip');
  setImmediate(() => src.destroy());
  await assert.rejects(readAll(plain), (e: Error & { code?: string }) => e.code === 'ERR_ARCHIVE_INCOMPLETE');
});

test('a source destroyed before it is read is refused at once', async () => {
  const src = new PassThrough();
  src.destroy();
  await assert.rejects(decompressDetect(src), (e: Error & { code?: string }) => e.code === 'ERR_ARCHIVE_INCOMPLETE');
});

test('a source that fails passes its error to the reader', async () => {
  const src = new PassThrough();
  src.write(gzipSync(randomBytes(64 * 1024)).subarray(0, 2048));
  const { plain } = await decompressDetect(src);
  const boom = new Error('connection reset');
  setImmediate(() => src.destroy(boom));
  await assert.rejects(readAll(plain), (e: Error) => e === boom || e.message === boom.message);
});
