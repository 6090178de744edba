/**
 * Go's time.ParseDuration, to the letter: Docker's flags, Dockerfile options and filters take
 * durations in this form, so "1h2m3.5s", "300ms", ".5s", "-1.5h" and "12µs" must mean here what they
 * mean to Docker, with the same errors for what Go refuses ("3", "1d", overflow of int64 nanoseconds).
 * Grammar: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+, or "0" alone.
 */
import { InvalidArgumentError } from './errors.js';

/** Go's refusal, its message as Go words it (`time: invalid duration "1x"`). */
export class GoDurationError extends InvalidArgumentError {
  constructor(message: string) { super(message, 'ERR_BAD_DURATION'); }
}

const UNIT_NS: Record<string, bigint> = {
  ns: 1n, us: 1_000n, '\u00b5s': 1_000n, '\u03bcs': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
};
const LIMIT = 1n << 63n; // int64 nanoseconds: the magnitude of the most negative duration

/** Go's time.quote: printable ASCII as is (with \" and \\ escaped), every other byte as \xNN. */
function quote(s: string): string {
  let out = '"';
  for (const byte of Buffer.from(s, 'utf8')) {
    if (byte >= 0x80 || byte < 0x20) out += '\\x' + byte.toString(16).padStart(2, '0');
    else {
      const c = String.fromCharCode(byte);
      out += c === '"' || c === '\\' ? '\\' + c : c;
    }
  }
  return out + '"';
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/**
 * The nanoseconds of a Go duration, exactly (a bigint: the range is int64's).
 * Throws a GoDurationError with Go's message where Go's ParseDuration fails.
 */
export function parseGoDuration(orig: string): bigint {
  const invalid = () => new GoDurationError(`time: invalid duration ${quote(orig)}`);
  let s = orig;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') { neg = s[0] === '-'; s = s.slice(1); }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  let i = 0;
  while (i < s.length) {
    if (!(s[i] === '.' || isDigit(s[i]))) throw invalid();
    // [0-9]*: an integer beyond int64's magnitude is an error
    let v = 0n;
    const intStart = i;
    for (; isDigit(s[i]); i++) {
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > LIMIT) throw invalid();
    }
    const pre = i > intStart;
    // (\.[0-9]*)?: fraction digits past what fits are dropped, not an error
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s[i] === '.') {
      i++;
      const fracStart = i;
      let overflow = false;
      for (; isDigit(s[i]); i++) {
        if (overflow) continue;
        const y = f * 10n + BigInt(s.charCodeAt(i) - 48);
        if (f > (LIMIT - 1n) / 10n || y > LIMIT) { overflow = true; continue; }
        f = y;
        scale *= 10;
      }
      post = i > fracStart;
    }
    if (!pre && !post) throw invalid(); // ".s", "-.s"
    const unitStart = i;
    while (i < s.length && s[i] !== '.' && !isDigit(s[i])) i++;
    if (i === unitStart) throw new GoDurationError(`time: missing unit in duration ${quote(orig)}`);
    const u = s.slice(unitStart, i);
    const unit = UNIT_NS[u];
    if (unit === undefined) throw new GoDurationError(`time: unknown unit ${quote(u)} in duration ${quote(orig)}`);
    if (v > LIMIT / unit) throw invalid();
    v *= unit;
    if (f > 0n) {
      // float64 as in Go: nanosecond-exact for fractions of the largest unit, and the same rounding
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > LIMIT) throw invalid();
    }
    total += v;
    if (total > LIMIT) throw invalid();
  }
  if (neg) return -total;
  if (total > LIMIT - 1n) throw invalid();
  return total;
}

/** A Go duration in nanoseconds as a number (exact up to 2^53 ns, about 104 days). */
export function goDurationNs(s: string): number {
  return Number(parseGoDuration(s));
}

/** A Go duration in nanoseconds, or undefined where `s` is not one (for values that may be a duration or something else). */
export function tryGoDurationNs(s: string): number | undefined {
  try { return goDurationNs(s); } catch (e) {
    if (e instanceof GoDurationError) return undefined;
    throw e;
  }
}
