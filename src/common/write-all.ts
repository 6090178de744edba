import type { FileHandle } from 'node:fs/promises';

/** Write every byte of bufs with writev (which may write less than asked), from the file's current position. */
export async function writeAllv(fh: FileHandle, bufs: Buffer[]): Promise<void> {
  let rest = bufs;
  while (rest.length > 0) {
    let n = (await fh.writev(rest)).bytesWritten;
    while (rest.length > 0 && n >= rest[0]!.length) { n -= rest[0]!.length; rest = rest.slice(1); }
    if (n > 0) rest = [rest[0]!.subarray(n), ...rest.slice(1)];
  }
}
