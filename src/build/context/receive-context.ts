/**
 * The context of POST /build: a plain tar up to MEMORY_CONTEXT_MAX_BYTES is
 * kept in memory (a cached rebuild then never touches the disk for it); a larger
 * or compressed one is unpacked to a directory as it streams in.
 */
import type { Readable } from 'node:stream';
import { unpackLayer } from '../../snapshot/tar-unpack.js';
import { DiskContextFs, MemoryContextFs, MEMORY_CONTEXT_MAX_BYTES, type ContextFs } from './context-fs.js';

const isPlainTar = (head: Buffer): boolean => !(head[0] === 0x1f && head[1] === 0x8b) && !(head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528);

export async function receiveContext(body: Readable, makeDir: () => string, maxMemory = MEMORY_CONTEXT_MAX_BYTES): Promise<ContextFs> {
  const it = body[Symbol.asyncIterator]();
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
  const head = Buffer.concat(chunks.slice(0, 4));
  if (done && (size === 0 || isPlainTar(head))) return MemoryContextFs.fromTar(Buffer.concat(chunks), makeDir);
  // too big or compressed: what was read so far, then the rest of the body, to disk
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
