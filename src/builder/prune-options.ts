import { InvalidArgumentError } from '../common/errors.js';
import { tryGoDurationNs } from '../common/go-duration.js';
import { ByteSizeError, ramInBytes } from '../common/byte-size.js';

/** `10GB`, `512m`, `1024` (bytes): sizes of the build cache, 1024-based as Docker's units.RAMInBytes. */
export function parseSize(s: string): number {
  try { return ramInBytes(s.trim()); } catch (e) {
    if (e instanceof ByteSizeError) throw new InvalidArgumentError(`invalid size: ${s}`, 'ERR_BAD_SIZE');
    throw e;
  }
}

/**
 * `until` filter: a Go duration before now (`24h`, `1h30m`, `2h45m10s`, `1.5h`, `0`), or a
 * timestamp (unix seconds, RFC 3339, a date); returns ms since epoch.
 */
export function parseUntil(s: string, now = Date.now()): number {
  const ns = tryGoDurationNs(s);
  if (ns !== undefined) return now - ns / 1e6;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const t = /^\d{4}-\d{2}-\d{2}/.test(s) ? Date.parse(s) : NaN;
  if (Number.isNaN(t)) throw new InvalidArgumentError(`invalid filter 'until=${s}': "until" filter expects a duration (e.g., '24h') or a timestamp`, 'ERR_BAD_FILTER');
  return t;
}
