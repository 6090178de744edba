/**
 * Docker's timetypes.GetTimestamp for --since/--until: a unix timestamp, a Go duration relative to
 * now ("10m", "1h30m"), or an RFC 3339 date/time. Returns "seconds.nanoseconds" as the API wants.
 */
import { UsageError } from '../common/errors.js';
import { tryGoDurationNs } from '../common/go-duration.js';

export function getTimestamp(value: string, now = Date.now()): string {
  if (/^\d+(\.\d{1,9})?$/.test(value)) return value;
  const ns = tryGoDurationNs(value);
  if (ns !== undefined) {
    const t = now * 1e6 - ns;
    const sec = Math.floor(t / 1e9);
    return `${sec}.${String(Math.round(t - sec * 1e9)).padStart(9, '0')}`;
  }
  let s = value;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) s += 'T00:00:00';
  // no zone given: local time, as Docker
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new UsageError(`invalid value for "since"/"until": failed to parse value as time or duration: "${value}"`);
  const frac = /\.(\d+)/.exec(s)?.[1] ?? '';
  return `${Math.floor(ms / 1000)}.${frac.padEnd(9, '0').slice(0, 9)}`;
}
