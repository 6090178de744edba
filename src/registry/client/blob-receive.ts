/**
 * The body of a blob download, taken in one pass: each socket read is hashed, the reads are written
 * to the ingest file in ~1 MiB `writev` batches (one batch in flight while the next arrives) and
 * handed, in the same batches, to a second consumer (the layer's unpacker).
 *
 * Before, the body went through `fs.WriteStream` (one `write` per 64 KiB socket read, each a
 * thread-pool round trip) and, through a PassThrough, to the unpacker in 64 KiB chunks, each paying
 * every stream stage of the decompressor and tar parser again.
 */
import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { InvalidArgumentError } from '../../common/errors.js';
import { writeAllv } from '../../common/write-all.js';

/** Bytes gathered before one `writev` of the blob file and one write to the unpacker. */
export const RECEIVE_BATCH_BYTES = 1024 * 1024;
/** At most one progress report per layer this often (Docker's progress reader: 100 ms), plus the last. */
export const PROGRESS_INTERVAL_MS = 100;

export interface ReceiveTarget {
  /** the ingest file, open for writing at its end */
  fh: FileHandle;
  hash: Hash;
  digest: string;
  /** bytes already in the file (a resumed download) */
  have: number;
  /** the descriptor's size: more bytes than this fail the download */
  size: number;
  /** a second consumer of the same bytes; a consumer that ends early (its own failure) is left behind */
  feed?: Writable;
  onBytes?: (current: number) => void;
}

/** Wait until the feed takes more, or is gone. */
function drained(feed: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { feed.off('drain', done); feed.off('close', done); resolve(); };
    feed.on('drain', done);
    feed.on('close', done);
  });
}

/**
 * Receive `body` into the target; resolves with the file's size once every byte is written (not yet
 * synced). On failure the batches written stay in the file (a later pull resumes from them) and the
 * feed is destroyed. The body is read with 'data' events, not an async iterator: its `read()` joins
 * whatever the socket has buffered into a new buffer, a copy of most of the body.
 */
export async function receiveBlob(body: Readable, t: ReceiveTarget): Promise<number> {
  let size = t.have;
  let batch: Buffer[] = [];
  let batched = 0;
  let inFlight: Promise<void> = Promise.resolve();
  let writing: Promise<void> = Promise.resolve();
  let lastReport = 0;
  /** Write one batch to the file (after the one in flight) and to the feed (waiting while it is full). */
  const put = async (bufs: Buffer[]): Promise<void> => {
    await inFlight;
    inFlight = writeAllv(t.fh, bufs);
    inFlight.catch(() => undefined); // awaited before the next batch or at the end
    const feed = t.feed;
    if (feed && !feed.destroyed && !feed.writableEnded) {
      // the socket's own buffers, not joined: a 1 MiB copy per batch costs more (fresh pages) than it saves downstream
      let full = false;
      for (const b of bufs) full = !feed.write(b);
      if (full) await drained(feed);
    }
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (e: unknown) => { if (!settled) { settled = true; reject(e); } };
      body.on('data', (chunk: Buffer) => {
        if (settled) return;
        size += chunk.length;
        if (size > t.size) {
          fail(new InvalidArgumentError(`blob ${t.digest} is larger than its descriptor says (${t.size} bytes)`, 'ERR_BLOB_SIZE'));
          return;
        }
        t.hash.update(chunk);
        batch.push(chunk);
        batched += chunk.length;
        if (batched >= RECEIVE_BATCH_BYTES) {
          const bufs = batch;
          batch = [];
          batched = 0;
          body.pause(); // until this batch is handed on: the socket holds the rest
          writing = writing.then(() => put(bufs));
          writing.then(() => { if (!settled) body.resume(); }, fail);
        }
        if (t.onBytes) {
          const now = Date.now();
          if (now - lastReport >= PROGRESS_INTERVAL_MS || size === t.size) { lastReport = now; t.onBytes(size); }
        }
      });
      finished(body).then(() => { settled = true; resolve(); }, fail);
    });
    await writing;
    if (batched > 0) await put(batch);
    await inFlight;
    t.feed?.end();
    return size;
  } catch (e) {
    body.destroy();
    t.feed?.destroy(e as Error);
    await writing.catch(() => undefined);
    await inFlight.catch(() => undefined);
    // what arrived is kept for a resumed download (a write that failed, e.g. on a full disk, is the caller's to judge)
    if (batched > 0) await writeAllv(t.fh, batch).catch(() => undefined);
    throw e;
  }
}
