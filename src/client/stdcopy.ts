/**
 * Docker's multiplexed stdio framing (non-TTY attach, exec and logs): each frame is an 8-byte
 * header [stream, 0, 0, 0, size uint32 big-endian] followed by `size` bytes of payload.
 * stream 0 = stdin (echoed), 1 = stdout, 2 = stderr, 3 = system error (the daemon's error text).
 */
export type StreamKind = 'stdin' | 'stdout' | 'stderr' | 'system';
const KINDS: StreamKind[] = ['stdin', 'stdout', 'stderr', 'system'];
const HEADER = 8;

export class FrameError extends Error {}

export class FrameDemuxer {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly onFrame: (stream: StreamKind, payload: Buffer) => void) {}

  /** Feed any slice of the byte stream; whole frames are delivered, partial ones kept. */
  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= HEADER) {
      const kind = KINDS[this.buf[0]];
      if (kind === undefined) throw new FrameError(`unrecognized stream in multiplexed output: ${this.buf[0]}`);
      const size = this.buf.readUInt32BE(4);
      if (this.buf.length < HEADER + size) break;
      const payload = this.buf.subarray(HEADER, HEADER + size);
      this.buf = this.buf.subarray(HEADER + size);
      this.onFrame(kind, payload);
    }
  }

  /** Bytes of an unfinished frame left at the end of the stream. */
  get pending(): number { return this.buf.length; }
}

/** Encode one frame (used by tests and by anything that writes multiplexed streams). */
export function encodeFrame(stream: 0 | 1 | 2 | 3, payload: Buffer): Buffer {
  const h = Buffer.alloc(HEADER);
  h[0] = stream;
  h.writeUInt32BE(payload.length, 4);
  return Buffer.concat([h, payload]);
}

export { DetachKeyFilter, parseDetachKeys } from '../common/detach-keys.js';
