/** Small helpers of the CRI services: nanosecond times (as strings: int64 on the wire), ID prefixes, names. */
import { InvalidArgumentError } from '../common/errors.js';

/** now, in nanoseconds since the epoch */
export function nowNanos(): string {
  return (BigInt(Date.now()) * 1_000_000n + process.hrtime.bigint() % 1_000_000n).toString();
}

/** An RFC 3339 time (the engine's, with nanoseconds) in nanoseconds since the epoch; 0 for Go's zero time. */
export function rfc3339ToNanos(t: string | undefined): string {
  if (!t || t.startsWith('0001-01-01')) return '0';
  const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(t);
  if (!m) return '0';
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return '0';
  const frac = (m[2] ?? '').padEnd(9, '0').slice(0, 9);
  return (BigInt(ms) * 1_000_000n + BigInt(frac)).toString();
}

/** An exact ID, or the one ID a prefix names; undefined when none (an ambiguous prefix is an error). */
export function resolveId(items: Map<string, unknown>, idOrPrefix: string): string | undefined {
  if (items.has(idOrPrefix)) return idOrPrefix;
  const hits = [...items.keys()].filter((k) => k.startsWith(idOrPrefix));
  if (hits.length > 1) throw new InvalidArgumentError(`ID prefix ${idOrPrefix} is ambiguous`, 'ERR_CRI_INVALID');
  return hits[0];
}

/** An engine container name from CRI names (kubernetes names are DNS labels; anything else becomes '-'). */
export function sanitizeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_.-]/g, '-');
}
