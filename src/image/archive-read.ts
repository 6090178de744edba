/**
 * One pass over an image archive (`load`): every member is hashed while it is read, small members
 * stay in memory, larger ones are written straight into the content store's ingest dir, and a member
 * that looks like a layer (a tar, gzip or zstd stream) is unpacked into a prepared layer at the same
 * time. Nothing becomes visible here: archive-load.ts checks the digests and the manifests, then
 * commits the blobs and layers an image uses; `dispose` removes everything else.
 *
 * Before this, load wrote the archive to a temp dir, copied every member into the content store and
 * then unpacked each layer from its blob: three writes and three reads of every byte.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { posix } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { ArchiveError, BerthError, DigestMismatchError } from '../common/errors.js';
import type { ContentStore } from '../store/content.js';
import type { PreparedLayer } from '../snapshot/layer-store.js';
import type { LayerBackend } from './image-store.js';
import { detectCompression } from '../snapshot/decompress.js';
import { writeAllv } from '../common/write-all.js';

export interface ReadLimits { maxEntries: number; maxBytes: number; maxJsonBytes: number }

/** Members up to this size are kept in memory (configs, manifests, index.json), up to MEMORY_BUDGET in all. */
const IN_MEMORY_MAX = 256 * 1024;
const MEMORY_BUDGET = 16 * 1024 * 1024;
/** Blob files are written in batches of about this size (one writev each), one batch in flight. */
const WRITE_BATCH = 1024 * 1024;
/** What the layer unpacker may hold before the reader waits for it. */
const UNPACK_BUFFER = 1024 * 1024;
/** Bytes looked at to tell a layer from other members: a tar's magic is at offset 257. */
const SNIFF_BYTES = 512;

export interface Member {
  name: string;
  size: number;
  digest: string;
  /** the first bytes (media type sniffing) */
  head: Buffer;
  /** the bytes of a small member */
  data?: Buffer;
  /** where a larger member's bytes are: an ingest file, or the blob once committed */
  file?: string;
  /** the ingest file's fsync (runs while the next members are read) */
  synced?: Promise<void>;
  /** the member unpacked as a layer, if it looked like one; undefined when that failed (the blob is unpacked again, and fails the same way) */
  layer?: Promise<PreparedLayer | undefined>;
}

/** Archive member names, normalised; anything leaving the archive is refused. */
export function safeName(name: string): string {
  const n = posix.normalize(name.replace(/^\.\/+/, '')).replace(/\/+$/, '');
  if (n === '' || n === '.') return '';
  if (n.startsWith('/') || n === '..' || n.startsWith('../') || n.includes('\0')) throw new ArchiveError(`archive entry escapes the archive: ${name}`, 'ERR_ARCHIVE_HOSTILE');
  return n;
}

function looksLikeLayer(head: Buffer): boolean {
  const kind = detectCompression(head);
  if (kind === 'gzip' || kind === 'zstd') return true;
  return kind === 'none' && head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar';
}

export class ArchiveMembers {
  readonly members = new Map<string, Member>();
  readonly links = new Map<string, string>();
  private readonly ingestFiles: string[] = [];
  private inMemory = 0;

  constructor(private readonly content: ContentStore, private readonly layers: LayerBackend | undefined, private readonly limits: ReadLimits) {}

  /** A member by name, following in-archive symlinks (old docker save links layers). */
  member(name: string): Member {
    let n = safeName(name);
    for (let hops = 0; hops < 16; hops++) {
      const target = this.links.get(n);
      if (target === undefined) {
        const m = this.members.get(n);
        if (!m) throw new ArchiveError(`archive lacks ${name}`, 'ERR_ARCHIVE_INVALID');
        return m;
      }
      n = safeName(posix.join(posix.dirname(n), target));
    }
    throw new ArchiveError(`too many links resolving ${name}`, 'ERR_ARCHIVE_HOSTILE');
  }

  has(name: string): boolean { try { this.member(name); return true; } catch { return false; } }

  bytes(name: string): Buffer {
    const m = this.member(name);
    return m.data ?? readFileSync(m.file!);
  }

  json(name: string, limit: number): any {
    const m = this.member(name);
    if (m.size > limit) throw new ArchiveError(`${name} is too large`, 'ERR_ARCHIVE_INVALID');
    try { return JSON.parse(this.bytes(name).toString('utf8')); } catch { throw new ArchiveError(`${name} is not valid JSON`, 'ERR_ARCHIVE_INVALID'); }
  }

  /** Read the whole archive. Hostile entries (absolute paths, `..`, links leaving it, devices, too many entries or bytes) are refused. */
  async read(src: Readable): Promise<void> {
    const x = tar.extract();
    const feeding = pipeline(src, x as unknown as NodeJS.WritableStream);
    feeding.catch(() => undefined); // awaited below; an early failure must not count as unhandled
    let entries = 0;
    let bytes = 0;
    try {
      for await (const entry of x) {
        const h = entry.header;
        const body = entry as unknown as Readable;
        if (++entries > this.limits.maxEntries) throw new ArchiveError('archive has too many entries', 'ERR_ARCHIVE_LIMIT');
        const name = safeName(h.name);
        if (h.type === 'directory' || name === '') { body.resume(); continue; }
        if (h.type === 'symlink' || h.type === 'link') {
          const target = h.type === 'link' ? posix.relative(posix.dirname(name), safeName(h.linkname ?? '')) : (h.linkname ?? '');
          if (target.startsWith('/')) throw new ArchiveError(`absolute link in archive: ${h.name}`, 'ERR_ARCHIVE_HOSTILE');
          safeName(posix.join(posix.dirname(name), target)); // must stay inside
          this.links.set(name, target);
          body.resume();
          continue;
        }
        if (h.type !== 'file' && h.type !== 'contiguous-file') throw new ArchiveError(`unexpected ${h.type} entry in image archive: ${h.name}`, 'ERR_ARCHIVE_HOSTILE');
        if (this.members.has(name) || this.links.has(name)) throw new ArchiveError(`archive has ${h.name} twice`, 'ERR_ARCHIVE_INVALID');
        const size = h.size ?? 0;
        bytes += size;
        if (bytes > this.limits.maxBytes) throw new ArchiveError('archive is larger than the limit', 'ERR_ARCHIVE_LIMIT');
        const inMemory = size <= IN_MEMORY_MAX && this.inMemory + size <= MEMORY_BUDGET;
        if (inMemory) this.inMemory += size;
        this.members.set(name, inMemory ? await this.readSmall(name, size, body) : await this.readLarge(name, size, body));
      }
      await feeding;
    } catch (e) {
      src.destroy();
      x.destroy();
      await feeding.catch(() => undefined);
      // tar-stream's parse errors are plain Errors: a broken archive is the client's, not a daemon failure
      if (e instanceof BerthError) throw e;
      if ((e as NodeJS.ErrnoException)?.code?.startsWith?.('E') && !(e as NodeJS.ErrnoException).code!.startsWith('ERR_')) throw e; // the host's (disk full, ...)
      throw new ArchiveError(`invalid tar archive: ${(e as Error)?.message ?? e}`, 'ERR_ARCHIVE_CORRUPT');
    }
  }

  private async readSmall(name: string, size: number, body: Readable): Promise<Member> {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    const data = Buffer.concat(chunks);
    return { name, size, data, head: data.subarray(0, 8), digest: 'sha256:' + createHash('sha256').update(data).digest('hex') };
  }

  /** Hash, write to ingest and (for a layer) unpack, from the same chunks. */
  private async readLarge(name: string, size: number, body: Readable): Promise<Member> {
    const file = this.content.ingestPath();
    this.ingestFiles.push(file);
    const fh = await open(file, 'wx', 0o644);
    const hash = createHash('sha256');
    let settleDigest!: (d: string) => void;
    let failDigest!: (e: Error) => void;
    const digest = new Promise<string>((resolve, reject) => { settleDigest = resolve; failDigest = reject; });
    digest.catch(() => undefined);
    let feed: PassThrough | undefined;
    let layer: Promise<PreparedLayer | undefined> | undefined;
    let unpackDone: Promise<void> | undefined;
    let head: Buffer | undefined;
    let sniffed: Buffer[] = [];
    let sniffedBytes = 0;
    let batch: Buffer[] = [];
    let batched = 0;
    let inFlight: Promise<void> = Promise.resolve();
    const take = async (chunk: Buffer): Promise<void> => {
      hash.update(chunk);
      batch.push(chunk);
      batched += chunk.length;
      if (batched >= WRITE_BATCH) {
        await inFlight;
        inFlight = writeAllv(fh, batch);
        inFlight.catch(() => undefined); // awaited before the next batch or at the end
        batch = [];
        batched = 0;
      }
      if (feed && !feed.destroyed && !feed.write(chunk)) {
        await Promise.race([new Promise<void>((resolve) => { feed!.once('drain', resolve); feed!.once('close', resolve); }), unpackDone]);
      }
    };
    const decide = (): void => {
      head = Buffer.concat(sniffed);
      if (!this.layers || !looksLikeLayer(head)) return;
      feed = new PassThrough({ highWaterMark: UNPACK_BUFFER });
      feed.on('error', () => undefined); // the unpacker reports its own failure
      layer = this.layers.prepare(feed, { srcDigest: digest }).catch(() => undefined);
      unpackDone = layer.then(() => undefined);
    };
    try {
      for await (const c of body) {
        const chunk = c as Buffer;
        if (head === undefined) {
          sniffed.push(chunk);
          sniffedBytes += chunk.length;
          if (sniffedBytes < SNIFF_BYTES) continue;
          decide();
          for (const s of sniffed) await take(s);
          sniffed = [];
          continue;
        }
        await take(chunk);
      }
      if (head === undefined) { decide(); for (const s of sniffed) await take(s); }
      await inFlight;
      if (batched > 0) await writeAllv(fh, batch);
      const d = 'sha256:' + hash.digest('hex');
      settleDigest(d);
      feed?.end();
      const synced = fh.sync().finally(() => fh.close());
      synced.catch(() => undefined); // awaited when the blob is committed or disposed of
      return { name, size, digest: d, head: head!.subarray(0, 8), file, synced, layer };
    } catch (e) {
      failDigest(e as Error);
      feed?.destroy();
      await inFlight.catch(() => undefined);
      await fh.close().catch(() => undefined);
      if (layer) await this.discardLayer(layer);
      throw e;
    }
  }

  private async discardLayer(layer: Promise<PreparedLayer | undefined>): Promise<void> {
    const p = await layer;
    if (p) await this.layers!.discard(p);
  }

  /**
   * Put a member in the content store (checked against `expected` when the archive names its digest);
   * true if it was not there before.
   */
  async commitBlob(m: Member, expected?: string): Promise<boolean> {
    if (expected !== undefined && expected !== m.digest) throw new DigestMismatchError(expected, m.digest);
    if (this.content.has(m.digest)) return false;
    if (m.data) { await this.content.put(m.data, m.digest); return true; }
    await m.synced;
    const added = await this.content.commitIngested(m.file!, m.digest);
    m.file = this.content.path(m.digest);
    return added;
  }

  /** A layer unpacked from the member holding `blobDigest`, if one was and is still unused. */
  async preparedLayer(blobDigest: string): Promise<PreparedLayer | undefined> {
    for (const m of this.members.values()) {
      if (m.digest !== blobDigest || !m.layer) continue;
      const p = await m.layer;
      if (p && !p.committed) return p;
    }
    return undefined;
  }

  /** Remove what was not committed: unused prepared layers and ingest files. */
  async dispose(): Promise<void> {
    for (const m of this.members.values()) {
      if (m.layer) await this.discardLayer(m.layer);
      await m.synced?.catch(() => undefined);
    }
    for (const f of this.ingestFiles) await rm(f, { force: true });
  }
}
