/**
 * Compose's `.env` grammar (compose-go's dotenv): `KEY=value` or `KEY: value`, `export KEY=…`, `#`
 * comments, a bare `KEY` (taken from the environment when set), single quotes (literal, may span
 * lines), double quotes (escapes \n \t \\ \" \$ …, may span lines, `${VAR}` expanded), unquoted values
 * (trimmed, ` #` starts a comment, `${VAR}` expanded). Variables expand from the lookup first (the
 * process environment), then from the keys defined earlier in the file.
 */
import { substitute, type Lookup } from './template.js';

export class DotenvSyntaxError extends Error {}

const SPACE = new Set(['\t', '\v', '\f', '\r', ' ', '\u0085', '\u00a0']);
const isSpace = (c: string) => SPACE.has(c);
const isWhite = (c: string) => isSpace(c) || c === '\n';

export function parseDotenv(src: string, lookup: Lookup = () => undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (src.charCodeAt(0) === 0xfeff) src = src.slice(1);
  src = src.replace(/\r\n/g, '\n');
  let line = 1;
  let i = 0;
  const expand = (value: string) => substitute(value, (k) => lookup(k) ?? (Object.hasOwn(out, k) ? out[k] : undefined));

  while (i < src.length) {
    // the start of the next statement: skip blanks and comment lines
    while (i < src.length && isWhite(src[i]!)) { if (src[i] === '\n') line++; i++; }
    if (i >= src.length) break;
    if (src[i] === '#') { while (i < src.length && src[i] !== '\n') i++; continue; }

    // the key
    if (/^export\s+/.test(src.slice(i, i + 8))) { i += 6; while (i < src.length && isSpace(src[i]!)) i++; }
    const keyStart = i;
    let sep = '';
    while (i < src.length) {
      const c = src[i]!;
      if (c === '=' || c === ':' || c === '\n') { sep = c; break; }
      if (!isSpace(c) && !/[\p{L}\p{N}_.\-[\]]/u.test(c)) {
        throw new DotenvSyntaxError(`line ${line}: unexpected character ${JSON.stringify(c)} in variable name ${JSON.stringify(src.slice(keyStart).split('\n')[0])}`);
      }
      i++;
    }
    const key = src.slice(keyStart, i).trimEnd();
    if (key.includes(' ')) throw new DotenvSyntaxError(`line ${line}: key cannot contain a space`);
    if (sep === '\n' || sep === '') {
      // a bare KEY: inherited from the environment when it is set there
      const v = lookup(key);
      if (v !== undefined) out[key] = v;
      i++; line++;
      continue;
    }
    i++; // past = or :
    while (i < src.length && isSpace(src[i]!)) i++;

    const quote = src[i];
    if (quote !== '"' && quote !== "'") {
      let end = src.indexOf('\n', i);
      if (end < 0) end = src.length;
      let value = src.slice(i, end);
      const hash = value.indexOf(' #');
      if (hash >= 0) value = value.slice(0, hash);
      out[key] = expand(value.replace(/[\s]+$/u, ''));
      i = end;
      continue;
    }
    // a quoted value: up to the next unescaped quote of the same kind, across lines
    let chars = '';
    let escaped = false;
    let closed = false;
    const startLine = line;
    for (i = i + 1; i < src.length; i++) {
      const c = src[i]!;
      if (c === '\n') line++;
      if (c !== quote) {
        if (!escaped && c === '\\') { escaped = true; continue; }
        if (escaped) { escaped = false; chars += '\\'; }
        chars += c;
        continue;
      }
      if (escaped) { escaped = false; chars += c; continue; }
      closed = true;
      i++;
      break;
    }
    if (!closed) throw new DotenvSyntaxError(`line ${startLine}: unterminated quoted value ${src.slice(keyStart).split('\n')[0]}`);
    out[key] = quote === '"' ? expand(expandEscapes(chars)) : chars;
  }
  return out;
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', c: '\\c', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '"': '"', '\\': '\\' };

/** Escapes inside double quotes; `\$` stays an escaped dollar (`$$`) so that expansion leaves a `$`. */
function expandEscapes(s: string): string {
  return s.replace(/\\(?:([abcfnrtv$"\\])|0([0-7]{0,3}))/g, (m, ch: string | undefined, oct: string | undefined) => {
    if (ch === '$') return '$$';
    if (ch !== undefined) return ESCAPES[ch] ?? m;
    return String.fromCharCode(parseInt(oct || '0', 8));
  });
}
