/**
 * Tokenizer for the subset of Go's text/template that Docker's --format uses.
 * Text outside actions is kept verbatim; `{{- ` and ` -}}` trim the neighbouring white space.
 */
export type TokenType =
  | 'text' | 'open' | 'close' | 'field' | 'variable' | 'identifier' | 'string' | 'number'
  | 'bool' | 'nil' | 'dot' | 'pipe' | 'lparen' | 'rparen' | 'declare' | 'assign' | 'comma' | 'comment' | 'eof';

/** `attached`: a field glued to what precedes it (`.A.B`, `$x.A`, `(...).A`), i.e. part of a chain. */
export interface Token { type: TokenType; value: string; pos: number; line: number; attached?: boolean }

export class TemplateError extends Error {
  constructor(message: string) { super(message); this.name = 'TemplateError'; }
}

const SPACE = /[ \t\r\n]/;

function lineOf(src: string, pos: number): number {
  let n = 1;
  for (let i = 0; i < pos && i < src.length; i++) if (src[i] === '\n') n++;
  return n;
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (type: TokenType, value: string, pos: number, attached = false) =>
    tokens.push({ type, value, pos, line: lineOf(src, pos), ...(attached ? { attached } : {}) });
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) { push('text', src.slice(i), i); break; }
    let text = src.slice(i, open);
    let p = open + 2;
    const trimLeft = src[p] === '-' && SPACE.test(src[p + 1] ?? '');
    if (trimLeft) { text = text.replace(/[ \t\r\n]+$/, ''); p += 2; }
    if (text) push('text', text, i);
    push('open', '{{', open);
    // comment action: {{/* ... */}}
    let q = p;
    while (SPACE.test(src[q] ?? '')) q++;
    if (src.startsWith('/*', q)) {
      const endComment = src.indexOf('*/', q + 2);
      if (endComment < 0) throw new TemplateError(`template: :${lineOf(src, q)}: unclosed comment`);
      push('comment', src.slice(q + 2, endComment), q);
      p = endComment + 2;
      while (SPACE.test(src[p] ?? '')) p++;
    }
    p = lexInsideAction(src, p, push);
    // p points at the '}}' or ' -}}'
    let trimRight = false;
    if (src[p] === '-') { trimRight = true; p++; }
    push('close', '}}', p);
    p += 2;
    if (trimRight) while (p < src.length && SPACE.test(src[p])) p++;
    i = p;
  }
  push('eof', '', src.length);
  return tokens;
}

/** Lex tokens until the closing delimiter; returns the index of ` -}}`'s '-' or of '}}'. */
type Push = (t: TokenType, v: string, pos: number, attached?: boolean) => void;

function lexInsideAction(src: string, p: number, push: Push): number {
  for (;;) {
    if (p >= src.length) throw new TemplateError(`template: :${lineOf(src, p)}: unclosed action`);
    const c = src[p];
    if (SPACE.test(c)) {
      // ` -}}` ends the action with right trim
      let q = p;
      while (SPACE.test(src[q] ?? '')) q++;
      if (src[q] === '-' && src.startsWith('}}', q + 1)) return q;
      p = q;
      continue;
    }
    if (src.startsWith('}}', p)) return p;
    if (c === '-' && src.startsWith('}}', p + 1) && SPACE.test(src[p - 1] ?? '')) return p;
    const start = p;
    if (c === '|') { push('pipe', '|', p); p++; continue; }
    if (c === '(') { push('lparen', '(', p); p++; continue; }
    if (c === ')') {
      push('rparen', ')', p);
      p++;
      p = lexAttachedFields(src, p, push);
      continue;
    }
    if (c === ',') { push('comma', ',', p); p++; continue; }
    if (c === ':' && src[p + 1] === '=') { push('declare', ':=', p); p += 2; continue; }
    if (c === '=') { push('assign', '=', p); p++; continue; }
    if (c === '"') {
      p++;
      while (p < src.length && src[p] !== '"') { if (src[p] === '\\') p++; if (src[p] === '\n') break; p++; }
      if (src[p] !== '"') throw new TemplateError(`template: :${lineOf(src, start)}: unterminated quoted string`);
      p++;
      push('string', unquote(src.slice(start, p)), start);
      continue;
    }
    if (c === '`') {
      const end = src.indexOf('`', p + 1);
      if (end < 0) throw new TemplateError(`template: :${lineOf(src, start)}: unterminated raw quoted string`);
      push('string', src.slice(p + 1, end), start);
      p = end + 1;
      continue;
    }
    if (c === "'") {
      const m = /^'(\\.|[^'\\])'/.exec(src.slice(p));
      if (!m) throw new TemplateError(`template: :${lineOf(src, start)}: unterminated character constant`);
      push('number', String(unquote(`"${m[1]}"`).codePointAt(0)), start);
      p += m[0].length;
      continue;
    }
    if (c === '.' || c === '$') {
      // .Field / . / $var / $ followed by optional .Field chains are emitted piecewise
      if (c === '$') {
        const m = /^\$[A-Za-z0-9_]*/.exec(src.slice(p))!;
        push('variable', m[0], p);
        p += m[0].length;
      } else {
        const m = /^\.[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(p));
        if (m) { push('field', m[0].slice(1), p); p += m[0].length; }
        else if (/[0-9]/.test(src[p + 1] ?? '')) { p = lexNumber(src, p, push); }
        else { push('dot', '.', p); p++; }
      }
      p = lexAttachedFields(src, p, push);
      continue;
    }
    if (/[0-9+-]/.test(c)) { p = lexNumber(src, p, push); continue; }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(p))!;
      const w = m[0];
      if (w === 'true' || w === 'false') push('bool', w, p);
      else if (w === 'nil') push('nil', w, p);
      else push('identifier', w, p);
      p += w.length;
      continue;
    }
    throw new TemplateError(`template: :${lineOf(src, p)}: unexpected "${c}" in command`);
  }
}

/** A field chain glued to the previous operand: $x.A.B, .A.B, (pipe).A */
function lexAttachedFields(src: string, p: number, push: Push): number {
  while (src[p] === '.' && /[A-Za-z_]/.test(src[p + 1] ?? '')) {
    const m = /^\.[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(p))!;
    push('field', m[0].slice(1), p, true);
    p += m[0].length;
  }
  return p;
}

function lexNumber(src: string, p: number, push: Push): number {
  const m = /^[+-]?(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|(\d[\d_]*)?\.?\d*([eE][+-]?\d+)?)/.exec(src.slice(p));
  if (!m || m[0] === '' || m[0] === '+' || m[0] === '-') throw new TemplateError(`template: :${lineOf(src, p)}: bad number syntax: "${src.slice(p, p + 10)}"`);
  push('number', m[0], p);
  return p + m[0].length;
}

/** Go's strconv.Unquote for a double-quoted literal. */
function unquote(s: string): string {
  const body = s.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') { out += ch; continue; }
    const n = body[++i];
    switch (n) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case "'": out += "'"; break;
      case 'x': out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16)); i += 2; break;
      case 'u': out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 5), 16)); i += 4; break;
      case 'U': out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 9), 16)); i += 8; break;
      default:
        if (/[0-7]/.test(n)) { out += String.fromCharCode(parseInt(body.slice(i, i + 3), 8)); i += 2; break; }
        throw new TemplateError(`template: invalid syntax: unknown escape sequence \\${n}`);
    }
  }
  return out;
}
