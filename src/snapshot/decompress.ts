import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PassThrough, Readable as NodeReadable, Transform, type Readable, type TransformCallback } from 'node:stream';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import { ArchiveError, NotSupportedError, SystemError } from '../common/errors.js';

export type Compression = 'none' | 'gzip' | 'zstd' | 'xz' | 'bzip2';

/** The compression of a stream from its first bytes (6 are enough). */
export function detectCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.length >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  return 'none';
}

function findProgram(name: string): string | undefined {
  for (const dir of (process.env.PATH || '/usr/local/bin:/usr/bin:/bin').split(':')) {
    const p = `${dir}/${name}`;
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

/** Node has no xz: stream through the program when the host has it. */
function throughProgram(input: Readable, kind: Compression, program: string): Readable {
  const path = findProgram(program);
  if (!path) throw new NotSupportedError(`${kind}-compressed layers need the "${program}" program, which is not installed`, 'ERR_COMPRESSION_UNSUPPORTED');
  const child = spawn(path, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = new PassThrough();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.stdin.on('error', () => { /* reported through the exit code */ });
  input.on('error', (e) => { child.kill('SIGKILL'); out.destroy(e); });
  input.pipe(child.stdin);
  child.stdout.pipe(out, { end: false });
  child.on('error', (e) => out.destroy(new SystemError(`${program}: ${e.message}`, 'ERR_EXEC', e)));
  child.on('close', (code) => {
    if (code === 0) out.end();
    else out.destroy(new SystemError(`${program} -dc failed: ${stderr.trim() || `exit ${code}`}`, 'ERR_DECOMPRESS'));
  });
  out.on('close', () => { if (child.exitCode === null) child.kill('SIGKILL'); });
  return out;
}

/** Read the first bytes, pick the decompressor, and hand back the plain tar stream. */
const COALESCE_BYTES = 1024 * 1024;

export async function decompressAuto(src: Readable): Promise<Readable> {
  return (await decompressDetect(src)).plain;
}

/**
 * Small chunks (a socket gives 64 KiB) joined into ~1 MiB ones: each chunk written to the inflater is
 * a thread-pool round trip, and those, not inflating, were half of a layer's unpack time.
 */
class Coalesce extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.pendingBytes === 0 && chunk.length >= COALESCE_BYTES) { cb(null, chunk); return; }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= COALESCE_BYTES) this.emitPending();
    cb();
  }

  override _flush(cb: TransformCallback): void {
    if (this.pendingBytes > 0) this.emitPending();
    cb();
  }

  private emitPending(): void {
    this.push(Buffer.concat(this.pending, this.pendingBytes));
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/** The source closed without an error and before its end: the archive was cut short. */
function prematureClose(): Error {
  return new ArchiveError('the archive stream closed before its end', 'ERR_ARCHIVE_INCOMPLETE');
}

/**
 * The first `n` bytes of src (fewer if it ends first), read with 'data' events; src is left paused.
 * `ended()` tells, later, whether src has emitted its end: a stream paused after its last chunk still
 * emits it (on the next tick), before a reader may be attached.
 */
function readHead(src: Readable, n: number): Promise<{ chunks: Buffer[]; ended: () => boolean }> {
  let endSeen = false;
  const ended = () => endSeen;
  src.once('end', () => { endSeen = true; });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let have = 0;
    // destroyed or ended before anyone read it: no event is coming
    const state = src as Partial<NodeReadable>;
    if (state.destroyed) { reject(state.errored ?? prematureClose()); return; }
    if (state.readableEnded) { endSeen = true; resolve({ chunks, ended }); return; }
    const done = () => {
      src.off('data', onData); src.off('end', done); src.off('error', onError); src.off('close', onClose);
      src.pause();
      resolve({ chunks, ended });
    };
    const onData = (c: Buffer | string) => {
      const b = Buffer.isBuffer(c) ? c : Buffer.from(c);
      chunks.push(b);
      have += b.length;
      if (have >= n) done();
    };
    const onError = (e: Error) => { src.off('data', onData); src.off('end', done); src.off('close', onClose); reject(e); };
    // destroyed before its end without a reason: a reader must not wait for more
    const onClose = () => { if (!endSeen) onError(prematureClose()); };
    src.on('data', onData); src.once('end', done); src.once('error', onError); src.once('close', onClose);
  });
}

/**
 * decompressAuto, telling which compression it found. The source is read with 'data' events (a
 * Readable's async iterator joins whatever is buffered into a new buffer, one more copy of every
 * byte); a plain tar goes on in the source's own chunks, which the tar parser takes at any size.
 */
export async function decompressDetect(src: Readable): Promise<{ plain: Readable; kind: Compression }> {
  const { chunks, ended } = await readHead(src, 6);
  const kind = detectCompression(Buffer.concat(chunks));
  // an error before the reader has attached its own listeners must not go unhandled (the reader still sees it)
  src.on('error', () => undefined);
  if (kind === 'none' && !ended() && src instanceof NodeReadable && !src.readableObjectMode) {
    // the head goes back in front of the rest (its end cannot come while they wait): the plain tar is
    // the source itself, one stream stage less
    for (let i = chunks.length - 1; i >= 0; i--) src.unshift(chunks[i]);
    return { plain: src, kind };
  }
  const joined: Transform = kind === 'none' ? new PassThrough() : new Coalesce();
  for (const c of chunks) joined.write(c);
  if (ended()) joined.end();
  else if (src.destroyed) joined.destroy(prematureClose());
  else {
    // an error, or a close before the end (destroyed without a reason), fails what reads on
    src.on('error', (e) => joined.destroy(e));
    src.once('close', () => { if (!ended() && !joined.destroyed) joined.destroy(prematureClose()); });
    src.pipe(joined);
  }
  return { plain: decompressor(joined, kind), kind };
}

function decompressor(joined: Transform, kind: Compression): Readable {
  switch (kind) {
    case 'none': return joined;
    case 'gzip': {
      // 256 KiB out per inflate call instead of 16 KiB: far fewer thread-pool round trips and file writes downstream
      const gunzip = createGunzip({ chunkSize: 256 * 1024 });
      joined.on('error', (e) => gunzip.destroy(e));
      return joined.pipe(gunzip);
    }
    case 'zstd': {
      // Node's own zstd (no zstd program spawned per layer)
      const unzstd = createZstdDecompress({ chunkSize: 256 * 1024 });
      joined.on('error', (e) => unzstd.destroy(e));
      return joined.pipe(unzstd);
    }
    case 'xz': return throughProgram(joined, kind, 'xz');
    default: throw new NotSupportedError(`${kind}-compressed layers are not supported`, 'ERR_COMPRESSION_UNSUPPORTED');
  }
}
