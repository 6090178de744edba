import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import { NotSupportedError, SystemError } from '../common/errors.js';

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

/** decompressAuto, telling which compression it found. */
export async function decompressDetect(src: Readable): Promise<{ plain: Readable; kind: Compression }> {
  const it = src[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let have = 0;
  let done = false;
  while (have < 6) {
    const r = await it.next();
    if (r.done) { done = true; break; }
    const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
    chunks.push(b);
    have += b.length;
  }
  const head = Buffer.concat(chunks);
  const kind = detectCompression(head);
  // a plain tar goes to the tar parser, which copes with any chunk size: joining would only copy every byte once more
  const coalesce = kind !== 'none';
  // Small chunks (a socket gives 64 KiB) are joined into ~1 MiB ones: each chunk written to the
  // inflater is a thread-pool round trip, and those, not inflating, were half of a layer's unpack time.
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
      if (!coalesce || (pendingBytes === 0 && b.length >= COALESCE_BYTES)) { yield b; continue; }
      pending.push(b);
      pendingBytes += b.length;
      if (pendingBytes >= COALESCE_BYTES) { yield Buffer.concat(pending, pendingBytes); pending = []; pendingBytes = 0; }
    }
    if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
  }
  const joined = Readable.from(rest(), { objectMode: false });
  return { plain: decompressor(joined, kind), kind };
}

function decompressor(joined: Readable, kind: Compression): Readable {
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
