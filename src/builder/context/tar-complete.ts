/**
 * The docker CLI sends a context with a Dockerfile from outside it (or stdin)
 * as a tar that stops right after the last file's data: no padding, no end
 * blocks. Go's tar reader takes that as a clean end; tar-stream reports
 * "Unexpected end of data". This passes a tar through and, when it ends exactly
 * at an entry boundary, adds the missing padding and end blocks. A tar cut in
 * the middle of a header or of file data is left as it is (and fails).
 */

/** A header's size field: octal, or base-256 when the high bit is set (GNU). */
function headerSize(h: Buffer): number {
  const f = h.subarray(124, 136);
  if (f[0] & 0x80) {
    let n = f[0] & 0x7f;
    for (let i = 1; i < f.length; i++) n = n * 256 + f[i];
    return n;
  }
  const s = f.toString('latin1').replace(/\0.*$/s, '').trim();
  return s ? parseInt(s, 8) || 0 : 0;
}

export async function* completeTar(src: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<Buffer> {
  const hdr = Buffer.alloc(512);
  let hdrFill = 0;
  let dataLeft = 0; // bytes of the current entry's data still to come
  let padLeft = 0; // then its padding to the next 512-byte block
  let finished = false; // an end block was seen: the rest is not looked at
  let total = 0;
  for await (const c of src) {
    const chunk = Buffer.isBuffer(c) ? c : Buffer.from(c);
    total += chunk.length;
    yield chunk;
    let i = 0;
    while (i < chunk.length && !finished) {
      if (dataLeft > 0 || padLeft > 0) {
        const n = Math.min(dataLeft + padLeft, chunk.length - i);
        const d = Math.min(n, dataLeft);
        dataLeft -= d;
        padLeft -= n - d;
        i += n;
        continue;
      }
      const n = Math.min(512 - hdrFill, chunk.length - i);
      chunk.copy(hdr, hdrFill, i, i + n);
      hdrFill += n;
      i += n;
      if (hdrFill < 512) break;
      hdrFill = 0;
      if (hdr.every((b) => b === 0)) { finished = true; break; }
      dataLeft = headerSize(hdr);
      padLeft = (512 - (dataLeft % 512)) % 512;
    }
  }
  // an empty body stays empty; one that ends at an entry boundary gets its padding and end blocks
  if (total > 0 && !finished && hdrFill === 0 && dataLeft === 0) yield Buffer.alloc(padLeft + 1024);
}
