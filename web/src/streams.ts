/** Parsers for the Engine API's streams as they arrive in chunks. */

/** Newline-delimited JSON (stats, events, pull progress): calls onValue per complete line. */
export function jsonLines<T>(onValue: (v: T) => void): (chunk: Uint8Array) => void {
  const dec = new TextDecoder();
  let rest = '';
  return (chunk) => {
    rest += dec.decode(chunk, { stream: true });
    let i: number;
    while ((i = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, i).trim();
      rest = rest.slice(i + 1);
      if (line) { try { onValue(JSON.parse(line) as T); } catch { /* a partial or foreign line */ } }
    }
  };
}

export type StreamName = 'stdout' | 'stderr';

/**
 * Docker's multiplexed stream (logs of a container without a TTY): an 8-byte header (stream, 0, 0, 0,
 * big-endian length) before each frame. With a TTY the stream is raw: pass raw = true.
 */
export function dockerFrames(raw: boolean, onData: (stream: StreamName, text: string) => void): (chunk: Uint8Array) => void {
  const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  if (raw) return (chunk) => onData('stdout', decoders.stdout.decode(chunk, { stream: true }));
  let buf = new Uint8Array(0);
  return (chunk) => {
    const joined = new Uint8Array(buf.length + chunk.length);
    joined.set(buf); joined.set(chunk, buf.length);
    let off = 0;
    while (joined.length - off >= 8) {
      const size = new DataView(joined.buffer, joined.byteOffset + off + 4, 4).getUint32(0);
      if (joined.length - off - 8 < size) break;
      const name: StreamName = joined[off] === 2 ? 'stderr' : 'stdout';
      onData(name, decoders[name].decode(joined.subarray(off + 8, off + 8 + size), { stream: true }));
      off += 8 + size;
    }
    buf = joined.slice(off);
  };
}

/** Splits text chunks into lines, keeping an unfinished last line for the next chunk. */
export function lineSplitter(onLine: (line: string) => void): (text: string) => void {
  let rest = '';
  return (text) => {
    rest += text;
    let i: number;
    while ((i = rest.indexOf('\n')) >= 0) { onLine(rest.slice(0, i).replace(/\r$/, '')); rest = rest.slice(i + 1); }
  };
}
