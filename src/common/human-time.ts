/** Docker's time formats: RFC 3339 with nanoseconds, the zero time, and go-units' HumanDuration. */

export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Now as RFC 3339 with nanoseconds ("2024-05-01T10:00:00.123456789Z"). */
export function nowRfc3339Nano(): string {
  const ms = Date.now();
  const subMs = Number(process.hrtime.bigint() % 1_000_000n);
  return rfc3339Nano(ms, subMs);
}

export function rfc3339Nano(ms: number, subMsNanos = 0): string {
  const iso = new Date(ms).toISOString(); // ...T10:00:00.123Z
  const frac = String((ms % 1000 + 1000) % 1000).padStart(3, '0') + String(subMsNanos).padStart(6, '0');
  const trimmed = frac.replace(/0+$/, '');
  return iso.slice(0, 19) + (trimmed ? '.' + trimmed : '') + 'Z';
}

/** Parse RFC 3339 (any number of fraction digits) to milliseconds; 0 for the zero time. */
export function parseTime(s: string | undefined): number {
  if (!s || s.startsWith('0001-01-01')) return 0;
  const m = /^(.*T\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) return Date.parse(s);
  const frac = m[2] ? m[2].slice(0, 4).padEnd(4, '0') : '.000';
  return Date.parse(m[1] + frac + m[3]);
}

/** go-units HumanDuration, used in `Up 5 seconds` / `Exited (0) 3 minutes ago`. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(ms / 60_000);
  const hours = Math.round(ms / 3_600_000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(hours / 24 / 365)} years`;
}
