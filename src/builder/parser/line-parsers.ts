/**
 * Per-instruction argument parsers of the Dockerfile syntax (before any
 * variable substitution): JSON arrays, whitespace lists, key=value pairs.
 */
export interface Node {
  value: string;
  next: Node[];              // the arguments, in order
  children?: Node[];         // ONBUILD: the nested instruction
  flags: string[];
  json: boolean;
  original: string;
  heredocs: Heredoc[];
  startLine: number;
  endLine: number;
}

export interface Heredoc { name: string; content: string; expand: boolean; chomp: boolean; fd: number }

export class LineParseError extends Error {}

const WS = /[\t\v\f\r ]+/;
const isSpace = (c: string): boolean => /^\s$/u.test(c);

function arg(value: string): Node {
  return { value, next: [], flags: [], json: false, original: '', heredocs: [], startLine: 0, endLine: 0 };
}

export interface ParsedArgs { next: Node[]; json: boolean; children?: Node[] }

/** Words separated by white space, quotes kept but grouping (ENV/LABEL/ARG). */
function parseWords(rest: string, escapeToken: string): string[] {
  const words: string[] = [];
  const chars = Array.from(rest);
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let word = '';
  let quote = '';
  let blankOK = false;
  for (let pos = 0; pos <= chars.length; pos++) {
    let ch = pos < chars.length ? chars[pos] : '';
    if (phase === 'spaces') {
      if (pos === chars.length) break;
      if (isSpace(ch)) continue;
      phase = 'word';
    }
    if (pos === chars.length) {
      if (blankOK || word.length > 0) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        if (blankOK || word.length > 0) words.push(word);
        word = ''; blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') { quote = ch; blankOK = true; phase = 'quote'; }
      if (ch === escapeToken) {
        if (pos + 1 === chars.length) continue;
        word += ch;
        ch = chars[++pos];
      }
      word += ch;
      continue;
    }
    // in quote
    if (ch === quote) phase = 'word';
    if (ch === escapeToken && quote !== "'") {
      if (pos + 1 === chars.length) { phase = 'word'; continue; }
      word += ch;
      ch = chars[++pos];
    }
    word += ch;
  }
  return words;
}

function parseNameVal(rest: string, key: string, escapeToken: string): Node[] {
  const words = parseWords(rest, escapeToken);
  if (words.length === 0) return [];
  if (!words[0].includes('=')) {
    const parts = splitN(rest, 2);
    if (parts.length < 2) throw new LineParseError(`${key} must have two arguments`);
    return [arg(parts[0]), arg(parts[1]), arg('')];
  }
  const out: Node[] = [];
  for (const w of words) {
    const i = w.indexOf('=');
    if (i < 0) throw new LineParseError(`Syntax error - can't find = in ${JSON.stringify(w)}. Must be of the form: name=value`);
    out.push(arg(w.slice(0, i)), arg(w.slice(i + 1)), arg('='));
  }
  return out;
}

function splitN(s: string, n: number): string[] {
  const m = WS.exec(s);
  if (n === 2) return m ? [s.slice(0, m.index), s.slice(m.index + m[0].length)] : [s];
  return s.split(WS);
}

const NOT_STRING_ARRAY = 'when using JSON array syntax, arrays must be comprised of strings only';

/**
 * A JSON array at the start of rest; like Go's json.Decoder anything after the
 * first value is ignored. Undefined when rest is no JSON array.
 */
function parseJsonArray(rest: string): string[] | undefined {
  const s = rest.trimStart();
  if (!s.startsWith('[')) return undefined;
  let depth = 0, inStr = false, end = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') { depth--; if (depth === 0) { end = i + 1; break; } }
  }
  if (end < 0) return undefined;
  let value: unknown;
  try { value = JSON.parse(s.slice(0, end)); } catch { return undefined; }
  if (!Array.isArray(value)) return undefined;
  if (!value.every((v) => typeof v === 'string')) throw new LineParseError(NOT_STRING_ARRAY);
  return value as string[];
}

function whitespaceList(rest: string): ParsedArgs {
  if (rest === '') return { next: [], json: false };
  return { next: rest.split(WS).map(arg), json: false };
}

function maybeJson(rest: string): ParsedArgs {
  if (rest === '') return { next: [], json: false };
  const j = parseJsonArray(rest);
  if (j) return { next: j.map(arg), json: true };
  return { next: [arg(rest)], json: false };
}

function maybeJsonToList(rest: string): ParsedArgs {
  const j = parseJsonArray(rest);
  if (j) return { next: j.map(arg), json: true };
  return whitespaceList(rest);
}

function healthConfig(rest: string): ParsedArgs {
  const m = /^(\S*)\s*/.exec(rest)!;
  if (m[1] === '') return { next: [], json: false };
  const cmd = maybeJson(rest.slice(m[0].length));
  return { next: [arg(m[1]), ...cmd.next], json: cmd.json };
}

export type LineParser = (rest: string, escapeToken: string) => ParsedArgs;

export const LINE_PARSERS: Record<string, LineParser> = {
  add: maybeJsonToList,
  arg: (rest, esc) => ({ next: parseWords(rest, esc).map(arg), json: false }),
  cmd: maybeJson,
  copy: maybeJsonToList,
  entrypoint: maybeJson,
  env: (rest, esc) => ({ next: parseNameVal(rest, 'ENV', esc), json: false }),
  expose: whitespaceList,
  from: whitespaceList,
  healthcheck: healthConfig,
  label: (rest, esc) => ({ next: parseNameVal(rest, 'LABEL', esc), json: false }),
  maintainer: (rest) => ({ next: rest === '' ? [] : [arg(rest)], json: false }),
  run: maybeJson,
  shell: maybeJson,
  stopsignal: (rest) => ({ next: rest === '' ? [] : [arg(rest)], json: false }),
  user: (rest) => ({ next: rest === '' ? [] : [arg(rest)], json: false }),
  volume: maybeJsonToList,
  workdir: (rest) => ({ next: rest === '' ? [] : [arg(rest)], json: false }),
};

/** Leading `--flag[=value]` words of an instruction; returns them and the rest of the line. */
export function extractFlags(line: string): { flags: string[]; rest: string } {
  const words: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let word = '';
  let quote = '';
  let blankOK = false;
  for (let pos = 0; pos <= line.length; pos++) {
    let ch = pos < line.length ? line[pos] : '';
    if (phase === 'spaces') {
      if (pos === line.length) break;
      if (isSpace(ch)) continue;
      if (ch !== '-' || pos + 1 === line.length || line[pos + 1] !== '-') return { flags: words, rest: line.slice(pos) };
      phase = 'word';
    }
    if (pos === line.length) {
      if (word !== '--' && (blankOK || word.length > 0)) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        if (word === '--') return { flags: words, rest: line.slice(pos) };
        if (blankOK || word.length > 0) words.push(word);
        word = ''; blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') { quote = ch; blankOK = true; phase = 'quote'; continue; }
      if (ch === '\\') {
        if (pos + 1 === line.length) continue;
        ch = line[++pos];
      }
      word += ch;
      continue;
    }
    if (ch === quote) { phase = 'word'; continue; }
    if (ch === '\\') {
      if (pos + 1 === line.length) { phase = 'word'; continue; }
      ch = line[++pos];
    }
    word += ch;
  }
  return { flags: words, rest: '' };
}
