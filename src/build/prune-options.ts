import { InvalidArgumentError } from '../common/errors.js';

/** `10GB`, `512m`, `1024` (bytes) as Docker's units.RAMInBytes-style sizes (1024-based). */
export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?$/i.exec(s.trim());
  if (!m) throw new InvalidArgumentError(`invalid size: ${s}`, 'ERR_BAD_SIZE');
  const pow = ['', 'k', 'm', 'g', 't', 'p'].indexOf(m[2].toLowerCase());
  return Math.floor(Number(m[1]) * 1024 ** pow);
}

/** `until` filter: a Go duration (`24h`, `90m`) before now, or a timestamp; returns ms since epoch. */
export function parseUntil(s: string, now = Date.now()): number {
  const d = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(s);
  if (d) return now - Number(d[1]) * { ms: 1, s: 1e3, m: 60e3, h: 3600e3 }[d[2] as 'ms']!;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new InvalidArgumentError(`invalid until filter: ${s}`, 'ERR_BAD_FILTER');
  return t;
}
