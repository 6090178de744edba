import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { open, rename, rm, unlink, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestMismatchError, NotFoundError } from '../common/errors.js';
import { hexOf } from '../common/digest.js';

export interface BlobInfo { digest: string; size: number }

/** Read blobs in 1 MiB chunks: a layer's bytes pass through several stream stages, each paying per chunk. */
const STREAM_CHUNK = 1024 * 1024;

/**
 * Content-addressed blob store: content/blobs/sha256/<hex>. Writes go to
 * content/ingest first, are hashed while written, fsynced, verified against the
 * expected digest, and only then renamed into place: a blob that fails
 * verification never becomes visible.
 */
export class ContentStore {
  readonly blobsDir: string;
  readonly ingestDir: string;

  constructor(readonly root: string) {
    this.blobsDir = join(root, 'blobs', 'sha256');
    this.ingestDir = join(root, 'ingest');
    mkdirSync(this.blobsDir, { recursive: true });
    mkdirSync(this.ingestDir, { recursive: true });
  }

  path(digest: string): string { return join(this.blobsDir, hexOf(digest)); }

  has(digest: string): boolean { return existsSync(this.path(digest)); }

  size(digest: string): number {
    try { return statSync(this.path(digest)).size; } catch { throw new NotFoundError(`blob ${digest} not found`, 'ERR_BLOB_NOT_FOUND'); }
  }

  read(digest: string): Buffer {
    try { return readFileSync(this.path(digest)); } catch { throw new NotFoundError(`blob ${digest} not found`, 'ERR_BLOB_NOT_FOUND'); }
  }

  readJson<T = unknown>(digest: string): T { return JSON.parse(this.read(digest).toString('utf8')) as T; }

  stream(digest: string): Readable {
    if (!this.has(digest)) throw new NotFoundError(`blob ${digest} not found`, 'ERR_BLOB_NOT_FOUND');
    return createReadStream(this.path(digest), { highWaterMark: STREAM_CHUNK });
  }

  async put(data: Buffer | string, expected?: string): Promise<BlobInfo> {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    const digest = 'sha256:' + createHash('sha256').update(buf).digest('hex');
    if (expected && expected !== digest) throw new DigestMismatchError(expected, digest);
    if (this.has(digest)) return { digest, size: buf.length };
    const tmp = join(this.ingestDir, randomBytes(8).toString('hex'));
    try {
      const fh = await open(tmp, 'w', 0o644);
      try {
        await fh.writeFile(buf);
        await fh.sync();
      } finally { await fh.close(); }
      await rename(tmp, this.path(digest));
    } catch (e) {
      await rm(tmp, { force: true }); // a failed write (full disk) leaves nothing in ingest
      throw e;
    }
    return { digest, size: buf.length };
  }

  /** Stream into the store, hashing on the way; verified before it becomes visible. */
  async putStream(src: Readable, expected?: string): Promise<BlobInfo> {
    const tmp = join(this.ingestDir, randomBytes(8).toString('hex'));
    const hash = createHash('sha256');
    let size = 0;
    src.on('data', (c: Buffer) => { hash.update(c); size += c.length; });
    try {
      await pipeline(src, createWriteStream(tmp, { mode: 0o644 }));
      const fh = await open(tmp, 'r+');
      try { await fh.sync(); } finally { await fh.close(); }
      const digest = 'sha256:' + hash.digest('hex');
      if (expected && expected !== digest) throw new DigestMismatchError(expected, digest);
      await rename(tmp, this.path(digest));
      return { digest, size };
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  /**
   * A fresh file name in ingest, for a writer that hashes and syncs what it writes itself (load's one
   * pass over an archive); `commitIngested` puts the file in place once its digest is checked.
   */
  ingestPath(): string { return join(this.ingestDir, randomBytes(8).toString('hex')); }

  /** Move a written, synced ingest file in place as the blob `digest`; false (and the file removed) if the blob was there already. */
  async commitIngested(tmp: string, digest: string): Promise<boolean> {
    if (this.has(digest)) { await rm(tmp, { force: true }); return false; }
    await rename(tmp, this.path(digest));
    return true;
  }

  async delete(digest: string): Promise<void> {
    try { await unlink(this.path(digest)); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; }
  }

  async list(): Promise<string[]> {
    return (await readdir(this.blobsDir)).map((h) => 'sha256:' + h);
  }

  /** Drop leftovers of writes interrupted by a crash. */
  async cleanIngest(): Promise<void> {
    for (const f of await readdir(this.ingestDir)) await rm(join(this.ingestDir, f), { force: true });
  }
}
