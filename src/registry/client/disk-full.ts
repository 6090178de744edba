/**
 * A full disk during a pull: ENOSPC (or EDQUOT) anywhere below the pull — the blob
 * download, the layer unpack, the image rows — becomes one error that says so plainly,
 * instead of a retried "download failed" or a 502 that would look like an unreachable
 * registry.
 */
import { SystemError } from '../../common/errors.js';

export class DiskFullError extends SystemError {
  constructor(what: string, cause?: unknown) {
    super(`no space left on device: the disk is full while ${what}; free some space and pull again`, 'ERR_DISK_FULL', cause);
  }
}

/** ENOSPC/EDQUOT in this error or any error it wraps (unpackers and stream pipelines wrap them). */
export function isDiskFull(e: unknown): boolean {
  for (let cur: any = e, depth = 0; cur && depth < 8; cur = cur.cause, depth++) {
    if (cur.code === 'ENOSPC' || cur.code === 'EDQUOT' || cur.errno === -28) return true;
    if (typeof cur.message === 'string' && /no space left on device|ENOSPC|SQLITE_FULL|database or disk is full/i.test(cur.message)) return true;
  }
  return false;
}
