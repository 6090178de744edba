/**
 * receiveBlob, the download path of every pulled blob: the file and the second consumer (the layer's
 * unpacker) get exactly the bytes the registry sent, in order, across many 1 MiB batches; a body
 * longer than its descriptor fails; a consumer that gives up does not stop the download; a failed
 * body keeps the batches already written (a later pull resumes from them); progress is rate-limited
 * but always ends at the full size.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { receiveBlob, RECEIVE_BATCH_BYTES } from '../../src/registry/client/blob-receive.js';

const sha = (b: Buffer) => 'sha256:' + createHash('sha256').update(b).digest('hex');

/** A body that arrives in socket-sized pieces (64 KiB and odd sizes), asynchronously. */
function bodyOf(data: Buffer, piece = 65_536 + 17): Readable {
  let at = 0;
  return new Readable({
    read() {
      setImmediate(() => {
        if (at >= data.length) { this.push(null); return; }
        this.push(data.subarray(at, at + piece));
        at += piece;
      });
    },
  });
}

/** A consumer that collects what it is given, slowly (so the download must wait for it). */
function slowSink(): { sink: Writable; got: Buffer[] } {
  const got: Buffer[] = [];
  const sink = new Writable({ highWaterMark: 256 * 1024, write(c, _e, cb) { got.push(Buffer.from(c)); setTimeout(cb, 1); } });
  return { sink, got };
}

function tempFile(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync('/tmp/berth-recv-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'blob');
}

test('file and unpacker get the exact bytes over many batches; the hash is the blob digest', async (t) => {
  const data = randomBytes(5 * RECEIVE_BATCH_BYTES + 12_345);
  const path = tempFile(t);
  const fh = await open(path, 'w');
  const hash = createHash('sha256');
  const feed = new PassThrough({ highWaterMark: RECEIVE_BATCH_BYTES });
  const { sink, got } = slowSink();
  const consumed = new Promise<void>((resolve, reject) => { feed.pipe(sink).on('finish', resolve).on('error', reject); });
  const reports: number[] = [];
  try {
    const size = await receiveBlob(bodyOf(data), { fh, hash, digest: sha(data), have: 0, size: data.length, feed, onBytes: (n) => reports.push(n) });
    assert.equal(size, data.length);
  } finally { await fh.close(); }
  await consumed;
  assert.ok(readFileSync(path).equals(data), 'the file holds the body');
  assert.ok(Buffer.concat(got).equals(data), 'the second consumer got the body, in order');
  assert.equal('sha256:' + hash.digest('hex'), sha(data));
  assert.equal(reports[reports.length - 1], data.length, 'the last report is the full size');
  assert.ok(reports.every((n, i) => i === 0 || n > reports[i - 1]!), 'reports only grow');
});

test('a resumed download appends after the bytes already there', async (t) => {
  const data = randomBytes(3 * RECEIVE_BATCH_BYTES + 999);
  const have = RECEIVE_BATCH_BYTES + 7;
  const path = tempFile(t);
  const fh0 = await open(path, 'w');
  await fh0.write(data.subarray(0, have));
  await fh0.close();
  const fh = await open(path, 'a');
  const hash = createHash('sha256').update(data.subarray(0, have));
  try {
    assert.equal(await receiveBlob(bodyOf(data.subarray(have)), { fh, hash, digest: sha(data), have, size: data.length }), data.length);
  } finally { await fh.close(); }
  assert.ok(readFileSync(path).equals(data));
  assert.equal('sha256:' + hash.digest('hex'), sha(data));
});

test('a body longer than its descriptor fails; the file never holds more than the descriptor says', async (t) => {
  const data = randomBytes(2 * RECEIVE_BATCH_BYTES);
  const path = tempFile(t);
  const fh = await open(path, 'w');
  const feed = new PassThrough();
  let told: unknown;
  feed.on('error', (e) => { told = e; });
  feed.resume();
  try {
    await assert.rejects(receiveBlob(bodyOf(data), { fh, hash: createHash('sha256'), digest: sha(data), have: 0, size: data.length - 1, feed }),
      (e: any) => e.code === 'ERR_BLOB_SIZE');
  } finally { await fh.close(); }
  assert.ok(statSync(path).size <= data.length - 1);
  assert.ok(feed.destroyed, 'the unpacker is told');
  assert.equal((told as { code?: string } | undefined)?.code, 'ERR_BLOB_SIZE');
});

test('a consumer that gives up early does not stop the download', async (t) => {
  const data = randomBytes(4 * RECEIVE_BATCH_BYTES);
  const path = tempFile(t);
  const fh = await open(path, 'w');
  const feed = new PassThrough({ highWaterMark: 1024 });
  feed.on('error', () => undefined);
  feed.once('data', () => feed.destroy(new Error('unpack failed'))); // reads one chunk, then fails
  try {
    assert.equal(await receiveBlob(bodyOf(data), { fh, hash: createHash('sha256'), digest: sha(data), have: 0, size: data.length, feed }), data.length);
  } finally { await fh.close(); }
  assert.ok(readFileSync(path).equals(data));
});

test('a body cut off keeps what arrived, a prefix of the blob, and fails', async (t) => {
  const data = randomBytes(3 * RECEIVE_BATCH_BYTES);
  const path = tempFile(t);
  const fh = await open(path, 'w');
  const body = bodyOf(data);
  let seen = 0;
  body.on('data', (c: Buffer) => { seen += c.length; if (seen > 2 * RECEIVE_BATCH_BYTES) body.destroy(new Error('connection reset')); });
  try {
    await assert.rejects(receiveBlob(body, { fh, hash: createHash('sha256'), digest: sha(data), have: 0, size: data.length }), /connection reset/);
  } finally { await fh.close(); }
  const kept = readFileSync(path);
  assert.ok(kept.length >= RECEIVE_BATCH_BYTES, 'the batches that arrived are kept');
  assert.ok(kept.equals(data.subarray(0, kept.length)), 'and they are the start of the blob');
});
