/**
 * Dockerfile word processing: quotes, escapes and variable substitution as the
 * Dockerfile frontend does it (`${VAR:-x}`, `${VAR:+x}`, `${VAR?}`, `${VAR#p}`,
 * `${VAR%%p}`, `${VAR/p/r}`), never running a shell.
 */
import { InvalidArgumentError } from '../../common/errors.js';

export type EnvLookup = (name: string) => string | undefined;

export interface LexOptions {
  escapeToken?: string;
  /** keep quote characters in the output (heredoc detection) */
  rawQuotes?: boolean;
  /** keep escape characters in the output */
  rawEscapes?: boolean;
  /** leave unset variables as written */
  skipUnsetEnv?: boolean;
}

class ShellLexError extends InvalidArgumentError {
  constructor(message: string) { super(message, 'ERR_DOCKERFILE_SUBSTITUTION'); }
}

const EOF = '';
const isSpace = (c: string): boolean => /^\s$/u.test(c);
const isDigit = (c: string): boolean => /^\p{Nd}$/u.test(c);
const isLetter = (c: string): boolean => /^\p{L}$/u.test(c);
const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);

/** Splits processed text into words the way the frontend does (quoted text never splits). */
class Words {
  private word = '';
  private inWord = false;
  readonly words: string[] = [];
  addChar(ch: string): void {
    if (isSpace(ch)) {
      if (this.inWord && this.word.length > 0) { this.words.push(this.word); this.word = ''; this.inWord = false; }
    } else this.addRawChar(ch);
  }
  addRawChar(ch: string): void { this.word += ch; this.inWord = true; }
  addString(s: string): void { for (const ch of s) this.addChar(ch); }
  addRawString(s: string): void { this.word += s; this.inWord = true; }
  finish(): string[] {
    if (this.word.length > 0) { this.words.push(this.word); this.word = ''; this.inWord = false; }
    return this.words;
  }
}

class Scanner {
  private pos = 0;
  constructor(private readonly chars: string[]) {}
  peek(): string { return this.pos < this.chars.length ? this.chars[this.pos] : EOF; }
  next(): string { return this.pos < this.chars.length ? this.chars[this.pos++] : EOF; }
}

class ShellWord {
  private readonly sc: Scanner;
  private readonly escape: string;
  constructor(input: string, private readonly env: EnvLookup, private readonly opts: LexOptions) {
    this.sc = new Scanner(Array.from(input));
    this.escape = opts.escapeToken ?? '\\';
  }

  /** Reads until stopChar (consumed) or the end; returns the text and its words. */
  processStopOn(stopChar: string, rawEscapes: boolean): { text: string; words: string[] } {
    let result = '';
    const words = new Words();
    while (this.sc.peek() !== EOF) {
      const ch = this.sc.peek();
      if (stopChar !== EOF && ch === stopChar) {
        this.sc.next();
        return { text: result, words: words.finish() };
      }
      if (ch === "'" || ch === '"' || ch === '$') {
        const tmp = ch === "'" ? this.singleQuote() : ch === '"' ? this.doubleQuote() : this.dollar();
        result += tmp;
        if (ch === '$') words.addString(tmp); else words.addRawString(tmp);
        continue;
      }
      let c = this.sc.next();
      if (c === this.escape) {
        if (rawEscapes) { words.addRawChar(c); result += c; }
        c = this.sc.next();
        if (c === EOF) break; // an escape at the end is dropped
        words.addRawChar(c);
      } else {
        words.addChar(c);
      }
      result += c;
    }
    if (stopChar !== EOF) throw new ShellLexError(`unexpected end of statement while looking for matching ${stopChar}`);
    return { text: result, words: words.finish() };
  }

  private singleQuote(): string {
    let result = '';
    const open = this.sc.next();
    if (this.opts.rawQuotes) result += open;
    for (;;) {
      const ch = this.sc.next();
      if (ch === EOF) throw new ShellLexError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") { if (this.opts.rawQuotes) result += ch; return result; }
      result += ch;
    }
  }

  private doubleQuote(): string {
    let result = '';
    const open = this.sc.next();
    if (this.opts.rawQuotes) result += open;
    for (;;) {
      const p = this.sc.peek();
      if (p === EOF) throw new ShellLexError('unexpected end of statement while looking for matching double-quote');
      if (p === '"') { const c = this.sc.next(); if (this.opts.rawQuotes) result += c; return result; }
      if (p === '$') { result += this.dollar(); continue; }
      let ch = this.sc.next();
      if (ch === this.escape) {
        if (this.opts.rawEscapes) result += ch;
        const n = this.sc.peek();
        if (n === EOF) continue; // ignored at the end of the word
        if (n === '"' || n === '$' || n === this.escape) ch = this.sc.next();
      }
      result += ch;
    }
  }

  private name(): string {
    let name = '';
    while (this.sc.peek() !== EOF) {
      const ch = this.sc.peek();
      if (name.length === 0 && isDigit(ch)) {
        while (this.sc.peek() !== EOF && isDigit(this.sc.peek())) name += this.sc.next();
        return name;
      }
      if (name.length === 0 && SPECIAL_PARAMS.has(ch)) return this.sc.next();
      if (!isLetter(ch) && !isDigit(ch) && ch !== '_') break;
      name += this.sc.next();
    }
    return name;
  }

  private lookup(name: string): { value: string; set: boolean } {
    const v = this.env(name);
    return { value: v ?? '', set: v !== undefined };
  }

  private dollar(): string {
    this.sc.next(); // $
    if (this.sc.peek() !== '{') {
      const name = this.name();
      if (name === '') return '$';
      const { value, set } = this.lookup(name);
      if (!set && this.opts.skipUnsetEnv) return '$' + name;
      return value;
    }
    this.sc.next(); // {
    const first = this.sc.peek();
    if (first === EOF) throw new ShellLexError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new ShellLexError('syntax error: bad substitution');
    const name = this.name();
    let ch = this.sc.next();
    let chs = ch;
    if (ch === '}') {
      const { value, set } = this.lookup(name);
      if (!set && this.opts.skipUnsetEnv) return `\${${name}}`;
      return value;
    }
    if (ch === '/') return this.replace(name);
    let nullIsUnset = false;
    if (ch === ':') {
      nullIsUnset = true;
      ch = this.sc.next();
      chs += ch;
    } else if (!['+', '-', '?', '#', '%'].includes(ch)) {
      if (ch === EOF) throw new ShellLexError("syntax error: missing '}'");
      throw new ShellLexError(`unsupported modifier (${chs}) in substitution`);
    }
    const rawEscapes = ch === '#' || ch === '%';
    if (nullIsUnset && rawEscapes) throw new ShellLexError(`unsupported modifier (${chs}) in substitution`);
    let word: string;
    try {
      word = this.processStopOn('}', rawEscapes).text;
    } catch (e) {
      if (this.sc.peek() === EOF) throw new ShellLexError("syntax error: missing '}'");
      throw e;
    }
    const { value, set } = this.lookup(name);
    if (this.opts.skipUnsetEnv && !set) return `\${${name}${chs}${word}}`;
    switch (ch) {
      case '-': return !set || (nullIsUnset && value === '') ? word : value;
      case '+': return !set || (nullIsUnset && value === '') ? '' : word;
      case '?':
        if (!set) throw new ShellLexError(`${name}: ${word || 'is not allowed to be unset'}`);
        if (nullIsUnset && value === '') throw new ShellLexError(`${name}: ${word || 'is not allowed to be empty'}`);
        return value;
      case '#': case '%': {
        let greedy = false;
        if (word.startsWith(ch)) { greedy = true; word = word.slice(1); }
        return ch === '%' ? trimSuffix(word, value, greedy) : trimPrefix(word, value, greedy);
      }
      default:
        throw new ShellLexError(`unsupported modifier (${chs}) in substitution`);
    }
  }

  private replace(name: string): string {
    const all = this.sc.peek() === '/';
    if (all) this.sc.next();
    const pattern = this.processStopOn('/', true).text;
    const replacement = this.processStopOn('}', true).text;
    const { value, set } = this.lookup(name);
    if (this.opts.skipUnsetEnv && !set) return `\${${name}/${all ? '/' : ''}${pattern}/${replacement}}`;
    const re = new RegExp(globToRegex(pattern), all ? 'gu' : 'u');
    return value.replace(re, () => replacement);
  }
}

/** Shell pattern (`*`, `?`, `[...]`, `\x`) as a regular expression source. */
function globToRegex(pattern: string): string {
  let out = '';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '\\' && i + 1 < chars.length) { out += escapeRe(chars[++i]); continue; }
    if (c === '*') { out += '[\\s\\S]*'; continue; }
    if (c === '?') { out += '[\\s\\S]'; continue; }
    if (c === '[') {
      const end = chars.indexOf(']', i + 2);
      if (end > 0) {
        let cls = chars.slice(i + 1, end).join('');
        if (cls.startsWith('!')) cls = '^' + cls.slice(1);
        out += '[' + cls.replace(/\\/g, '\\\\') + ']';
        i = end;
        continue;
      }
    }
    out += escapeRe(c);
  }
  return out;
}

function escapeRe(c: string): string { return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'); }

function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const re = new RegExp('^(?:' + globToRegex(pattern) + ')$', 'u');
  const chars = Array.from(value);
  const order = greedy ? range(chars.length, -1) : range(0, chars.length + 1);
  for (const i of order) if (re.test(chars.slice(0, i).join(''))) return chars.slice(i).join('');
  return value;
}

function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  const re = new RegExp('^(?:' + globToRegex(pattern) + ')$', 'u');
  const chars = Array.from(value);
  const order = greedy ? range(0, chars.length + 1) : range(chars.length, -1);
  for (const i of order) if (re.test(chars.slice(i).join(''))) return chars.slice(0, i).join('');
  return value;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  if (from <= to) for (let i = from; i < to; i++) out.push(i);
  else for (let i = from; i > to; i--) out.push(i);
  return out;
}

/** One word, quotes removed, variables substituted (ENV values, WORKDIR, USER, ...). */
export function processWord(input: string, env: EnvLookup, opts: LexOptions = {}): string {
  return new ShellWord(input, env, opts).processStopOn(EOF, !!opts.rawEscapes).text;
}

/** Several words (split on unquoted white space, also inside substituted values): COPY/ADD sources, EXPOSE, ... */
export function processWords(input: string, env: EnvLookup, opts: LexOptions = {}): string[] {
  return new ShellWord(input, env, opts).processStopOn(EOF, !!opts.rawEscapes).words;
}

/** Environment lookup over a list of KEY=VALUE strings (last wins). */
export function envLookup(...sources: Array<Record<string, string> | string[]>): EnvLookup {
  const map = new Map<string, string>();
  for (const s of sources) {
    if (Array.isArray(s)) for (const kv of s) { const i = kv.indexOf('='); if (i > 0) map.set(kv.slice(0, i), kv.slice(i + 1)); else map.set(kv, ''); }
    else for (const [k, v] of Object.entries(s)) map.set(k, v);
  }
  return (name) => map.get(name);
}
