/**
 * fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE): give a file's blocks in [0, end) back to the
 * filesystem while its size and every offset stay as they are, so a writer appending to it (conmon)
 * and a reader at an offset are both undisturbed. Node has no binding; glibc's through koffi.
 */
import { libcFunction, type NativeFunction } from './libc.js';

const FALLOC_FL_KEEP_SIZE = 0x01;
const FALLOC_FL_PUNCH_HOLE = 0x02;

let fallocate: NativeFunction | null | undefined;

/** false where it cannot be done (no koffi, a filesystem without hole punching, a read-only fd). */
export function punchHole(fd: number, end: number): boolean {
  if (fallocate === undefined) {
    try { fallocate = libcFunction('fallocate'); } catch { fallocate = null; }
  }
  if (!fallocate || end <= 0) return false;
  return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, end) === 0;
}
