/**
 * The context of POST /build: a tar (plain, gzip or zstd) up to
 * MEMORY_CONTEXT_MAX_BYTES uncompressed is kept in memory (a cached rebuild then
 * never touches the disk for it); a larger one is unpacked to a directory as it
 * streams in. A tar without its end blocks (the docker CLI's, with a Dockerfile
 * from elsewhere) is completed first.
 */
import type { Readable } from 'node:stream';
import { decompressAuto } from '../../snapshot/decompress.js';
import { unpackLayer } from '../../snapshot/tar-unpack.js';
import { DiskContextFs, MemoryContextFs, MEMORY_CONTEXT_MAX_BYTES, type ContextFs } from './context-fs.js';
import { completeTar } from './tar-complete.js';

export async function receiveContext(body: Readable, makeDir: () => string, maxMemory = MEMORY_CONTEXT_MAX_BYTES): Promise<ContextFs> {
  const it = completeTar(await decompressAuto(body));
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size <= maxMemory) {
    const r = await it.next();
    if (r.done) { done = true; break; }
    const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
    chunks.push(b);
    size += b.length;
  }
  if (done) return MemoryContextFs.fromTar(Buffer.concat(chunks), makeDir);
  // too big: what was read so far, then the rest of the body, to disk
  async function* rest(): AsyncGenerator<Buffer> {
    yield* chunks;
    if (done) return;
    for (let r = await it.next(); !r.done; r = await it.next()) yield Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
  }
  const { Readable: R } = await import('node:stream');
  const dir = makeDir();
  await unpackLayer(R.from(rest()), dir, { mode: 'apply' });
  return new DiskContextFs(dir);
}
