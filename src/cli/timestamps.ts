/**
 * Docker's timetypes.GetTimestamp for --since/--until, ported rule for rule (api/types/time): a Go
 * duration relative to now ("10m", "1h30m", "-5s"; whole seconds out, "0" is not a duration), an RFC 3339
 * date/time with or without zone ("2006-01-02", "2006-01-02T15", "2006-01-02T15:04", with seconds and a
 * fraction, "Z" or "+07:00"; no zone: the machine's current offset), else unix seconds with an optional
 * fraction, passed through as given. Returns what the API wants: "seconds[.nanoseconds]".
 */
import { UsageError } from '../common/errors.js';
import { tryGoDurationNs } from '../common/go-duration.js';

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

interface Parts { y: number; mo: number; d: number; h: number; mi: number; s: number; frac: string; zoneMin?: number }

/** The layouts GetTimestamp picks from, as regular expressions (Go's fixed-width fields). */
function layoutRegExp(value: string, inLocation: boolean): RegExp {
  const zone = inLocation ? '' : '(Z|[+-]\\d{2}:\\d{2})';
  const date = '(\\d{4})-(\\d{2})-(\\d{2})';
  // Go accepts a fraction after the seconds whatever the layout; its layouts with .999999999 make it optional
  const secs = ':(\\d{2}):(\\d{2})(?:[.,](\\d+))?';
  if (value.includes('.')) return new RegExp(`^${date}T(\\d{2})${secs}${zone}$`);
  if (value.includes('T')) {
    // colons in the time part; a +hh:mm zone brings one more
    let colons = value.split(':').length - 1;
    if (!inLocation && !/[zZ]/.test(value) && colons > 0) colons--;
    if (colons === 0) return new RegExp(`^${date}T(\\d{2})()()()${zone}$`);
    if (colons === 1) return new RegExp(`^${date}T(\\d{2}):(\\d{2})()()${zone}$`);
    return new RegExp(`^${date}T(\\d{2})${secs}${zone}$`);
  }
  return new RegExp(`^${date}()()()()${zone}$`);
}

function parseLayout(value: string, inLocation: boolean): Parts | undefined {
  const m = layoutRegExp(value, inLocation).exec(value);
  if (!m) return undefined;
  const num = (i: number) => (m[i] ? Number(m[i]) : 0);
  const p: Parts = { y: num(1), mo: num(2), d: num(3), h: num(4), mi: num(5), s: num(6), frac: m[7] ?? '' };
  const leap = (p.y % 4 === 0 && p.y % 100 !== 0) || p.y % 400 === 0;
  if (p.mo < 1 || p.mo > 12 || p.d < 1 || p.d > DAYS[p.mo - 1]! || (p.mo === 2 && p.d === 29 && !leap)) return undefined;
  if (p.h > 23 || p.mi > 59 || p.s > 59) return undefined;
  const z = m[8];
  if (z !== undefined && z !== 'Z') {
    const [hh, mm] = z.slice(1).split(':').map(Number) as [number, number];
    if (hh > 23 || mm > 59) return undefined;
    p.zoneMin = (z[0] === '-' ? -1 : 1) * (hh * 60 + mm);
  } else if (z === 'Z') p.zoneMin = 0;
  return p;
}

/** Go's parseTimestamp (the unix-seconds form): an int64, optionally "." and digits. */
function isUnixTimestamp(value: string): boolean {
  return /^[+-]?\d+(\.[+-]?\d+)?$/.test(value);
}

export function getTimestamp(value: string, now = Date.now()): string {
  if (value !== '0') {
    const ns = tryGoDurationNs(value);
    if (ns !== undefined) return String(Math.floor((now * 1e6 - ns) / 1e9));
  }
  const inLocation = !/[zZ+]/.test(value) && value.split('-').length - 1 !== 3;
  const p = parseLayout(value, inLocation);
  if (!p) {
    // with a dash it was meant as a date: Go's parse error; else it must be unix seconds
    if (value.includes('-') || !isUnixTimestamp(value)) {
      throw new UsageError(`failed to parse value as time or duration: "${value}"`);
    }
    return value;
  }
  // no zone given: the offset the machine's zone has now (Go's time.FixedZone(reference.Zone()))
  const offsetMin = p.zoneMin ?? -new Date(now).getTimezoneOffset();
  const ms = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - offsetMin * 60_000;
  const sec = Math.floor(ms / 1000);
  return `${sec}.${p.frac.slice(0, 9).padEnd(9, '0')}`;
}
