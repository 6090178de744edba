/**
 * Go's fmt printing rules for template output: `%v` of maps, slices, nil and missing values,
 * plus a Printf with the verbs templates use (%v %s %d %q %t %f %g %e %x %X %o %b %c %%).
 */
import { formatG } from './units.js';

const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** strconv.Quote: double-quoted Go string literal (printable Unicode kept as is). */
export function goQuote(s: string): string {
  // printable ASCII without quote or backslash is itself (most commands): no per-character walk
  if (PLAIN_ASCII.test(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\n': out += '\\n'; continue;
      case '\t': out += '\\t'; continue;
      case '\r': out += '\\r'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\v': out += '\\v'; continue;
    }
    if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c >= 0x80 && c < 0xa0) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

function isPlainMap(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  // Go's %v of a float64: shortest representation, exponent for large/small magnitudes
  const s = String(n);
  if (/e/.test(s)) return s.replace(/e([+-])(\d)$/, 'e$10$2');
  return s;
}

/** fmt.Sprint of one value (%v). `undefined` is a missing map key: Go prints "<no value>". */
export function printValue(v: unknown, nested = false): string {
  if (v === undefined) return nested ? '<nil>' : '<no value>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return '[' + v.map((e) => printValue(e, true)).join(' ') + ']';
  if (v instanceof Map) return 'map[' + [...v.entries()].sort().map(([k, e]) => `${printValue(k, true)}:${printValue(e, true)}`).join(' ') + ']';
  if (isPlainMap(v)) return 'map[' + Object.keys(v).sort().map((k) => `${k}:${printValue(v[k], true)}`).join(' ') + ']';
  if (v instanceof Date) return v.toISOString();
  const o = v as { String?: () => string; toString?: () => string };
  if (typeof o.String === 'function') return o.String();
  if (typeof o.toString === 'function' && o.toString !== Object.prototype.toString) return o.toString();
  return '{' + Object.values(v as object).filter((x) => typeof x !== 'function').map((e) => printValue(e, true)).join(' ') + '}';
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(...args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += printValue(a);
  });
  return out;
}

/** fmt.Sprintln: always spaces between operands, newline at the end. */
export function sprintln(...args: unknown[]): string {
  return args.map((a) => printValue(a)).join(' ') + '\n';
}

export function sprintf(format: string, ...args: unknown[]): string {
  let out = '';
  let argi = 0;
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch !== '%') { out += ch; continue; }
    const m = /^([-+# 0]*)(\d+|\*)?(?:\.(\d+|\*)?)?([a-zA-Z%])/.exec(format.slice(i + 1));
    if (!m) { out += '%!(NOVERB)'; continue; }
    i += m[0].length;
    const flags = m[1];
    let width = m[2] === '*' ? Number(args[argi++]) : m[2] !== undefined ? Number(m[2]) : undefined;
    const precision = m[3] === '*' ? Number(args[argi++]) : m[3] !== undefined ? Number(m[3]) : m[0].includes('.') ? 0 : undefined;
    const verb = m[4];
    if (verb === '%') { out += '%'; continue; }
    if (argi >= args.length) { out += `%!${verb}(MISSING)`; continue; }
    const a = args[argi++];
    let s: string;
    switch (verb) {
      case 'v': case 's':
        s = printValue(a);
        if (verb === 's' && precision !== undefined) s = [...s].slice(0, precision).join('');
        break;
      case 'q': s = typeof a === 'string' ? goQuote(a) : goQuote(printValue(a)); break;
      case 'd': s = typeof a === 'number' ? String(Math.trunc(a)) : `%!d(${printValue(a)})`; if (flags.includes('+') && typeof a === 'number' && a >= 0) s = '+' + s; break;
      case 't': s = typeof a === 'boolean' ? String(a) : `%!t(${printValue(a)})`; break;
      case 'f': case 'F': s = typeof a === 'number' ? a.toFixed(precision ?? 6) : `%!f(${printValue(a)})`; break;
      case 'e': s = typeof a === 'number' ? a.toExponential(precision ?? 6).replace(/e([+-])(\d)$/, 'e$10$2') : `%!e(${printValue(a)})`; break;
      case 'g': s = typeof a === 'number' ? (precision !== undefined ? formatG(a, precision) : formatNumber(a)) : `%!g(${printValue(a)})`; break;
      case 'x': case 'X': {
        s = typeof a === 'number' ? Math.trunc(a).toString(16) : Buffer.from(printValue(a)).toString('hex');
        if (verb === 'X') s = s.toUpperCase();
        break;
      }
      case 'o': s = typeof a === 'number' ? Math.trunc(a).toString(8) : `%!o(${printValue(a)})`; break;
      case 'b': s = typeof a === 'number' ? Math.trunc(a).toString(2) : `%!b(${printValue(a)})`; break;
      case 'c': s = typeof a === 'number' ? String.fromCodePoint(a) : `%!c(${printValue(a)})`; break;
      default: s = `%!${verb}(${printValue(a)})`;
    }
    if (width !== undefined && width < 0) { width = -width; }
    const len = [...s].length;
    if (width !== undefined && len < width) {
      if (flags.includes('-')) s = s + ' '.repeat(width - len);
      else if (flags.includes('0') && /[dfFeEgxXob]/.test(verb)) {
        const neg = s.startsWith('-') || s.startsWith('+');
        s = neg ? s[0] + '0'.repeat(width - len) + s.slice(1) : '0'.repeat(width - len) + s;
      } else s = ' '.repeat(width - len) + s;
    }
    out += s;
  }
  if (argi < args.length) out += '%!(EXTRA ' + args.slice(argi).map((a) => `${typeof a}=${printValue(a)}`).join(', ') + ')';
  return out;
}
