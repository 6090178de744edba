/**
 * .dockerignore as Docker's builders read it: patterns in order, `!` re-includes,
 * the last match wins, a pattern also excludes everything below a matched
 * directory, `**` crosses directories, `*` and `?` never cross `/`.
 */
import { InvalidArgumentError } from '../../common/errors.js';

class PatternError extends InvalidArgumentError {
  constructor(message: string) { super(message, 'ERR_DOCKERIGNORE_PATTERN'); }
}

/** Go's filepath.Clean for slash paths. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out.at(-1) !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const s = (rooted ? '/' : '') + out.join('/');
  return s === '' ? '.' : s;
}

/** Go's filepath.Dir. */
function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return cleanPath(p.slice(0, i + 1));
}

const reEscape = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const classEscape = (c: string): string => (c === '-' ? '\\-' : reEscape(c));

/** A `[...]` class of Go's filepath.Match as regex source; throws on a malformed class. */
function parseClass(chars: string[], start: number): { src: string; end: number } {
  let i = start + 1;
  let neg = false;
  if (chars[i] === '^') { neg = true; i++; }
  const bad = (): never => { throw new PatternError('syntax error in pattern'); };
  const esc = (): string => {
    const c = chars[i];
    if (c === undefined || c === '-' || c === ']') bad();
    if (c === '\\') { i++; if (chars[i] === undefined) bad(); }
    return chars[i++];
  };
  let src = '';
  let first = true;
  for (;;) {
    if (chars[i] === undefined) bad();
    if (chars[i] === ']' && !first) break;
    first = false;
    const lo = esc();
    if (chars[i] === '-') {
      i++;
      const hi = esc();
      if (lo.codePointAt(0)! > hi.codePointAt(0)!) bad();
      src += classEscape(lo) + '-' + classEscape(hi);
    } else src += classEscape(lo);
  }
  return { src: '[' + (neg ? '^' : '') + src + ']', end: i };
}

/** Go's filepath.Match pattern (single path, `*` never crosses `/`) as a regex. */
export function globRegex(pattern: string): RegExp {
  const chars = Array.from(pattern);
  let src = '^';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '*') src += '[^/]*';
    else if (c === '?') src += '[^/]';
    else if (c === '[') { const k = parseClass(chars, i); src += k.src; i = k.end; }
    else if (c === '\\') {
      if (i + 1 >= chars.length) throw new PatternError('syntax error in pattern');
      src += reEscape(chars[++i]);
    } else src += reEscape(c);
  }
  return new RegExp(src + '$', 'u');
}

interface Pattern { exclusion: boolean; re: RegExp; text: string }

/** The pattern matcher's regex: like globRegex, plus `**` that spans directories. */
function compile(pattern: string): RegExp {
  globRegex(pattern); // validity as filepath.Match sees it
  const chars = Array.from(pattern);
  let src = '^';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '*') {
      if (chars[i + 1] === '*') {
        i++;
        if (chars[i + 1] === '/') i++;
        src += i + 1 >= chars.length ? '[\\s\\S]*' : '(?:[\\s\\S]*/)?';
      } else src += '[^/]*';
    } else if (c === '?') src += '[^/]';
    else if (c === '[') { const k = parseClass(chars, i); src += k.src; i = k.end; }
    else if (c === '\\') src += i + 1 < chars.length ? reEscape(chars[++i]) : '\\\\';
    else src += reEscape(c);
  }
  return new RegExp(src + '$', 'u');
}

export class PatternMatcher {
  private readonly patterns: Pattern[] = [];
  readonly hasExclusions: boolean;

  constructor(patterns: string[]) {
    for (let p of patterns) {
      p = p.trim();
      if (p === '') continue;
      p = cleanPath(p);
      let exclusion = false;
      if (p.startsWith('!')) {
        if (p.length === 1) throw new PatternError('illegal exclusion pattern: "!"');
        exclusion = true;
        p = p.slice(1);
      }
      this.patterns.push({ exclusion, re: compile(p), text: p });
    }
    this.hasExclusions = this.patterns.some((p) => p.exclusion);
  }

  get empty(): boolean { return this.patterns.length === 0; }

  /** Whether a context-relative slash path is excluded (it or a parent matched, unless re-included later). */
  matches(file: string): boolean {
    let matched = false;
    const parent = dirOf(file);
    const parentDirs = parent.split('/');
    for (const p of this.patterns) {
      if (p.exclusion !== matched) continue;
      let match = p.re.test(file);
      for (let i = 0; !match && parent !== '.' && i < parentDirs.length; i++) match = p.re.test(parentDirs.slice(0, i + 1).join('/'));
      if (match) matched = !p.exclusion;
    }
    return matched;
  }
}

/** The lines of a .dockerignore file as patterns (comments, blanks dropped; leading `/` removed; cleaned). */
export function readIgnoreFile(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    let invert = false;
    if (line.startsWith('!')) { invert = true; line = line.slice(1).trim(); }
    if (line.length > 0) {
      line = cleanPath(line);
      if (line.startsWith('/') && line.length > 1) line = line.slice(1);
      else if (line === '/') line = '.';
    }
    out.push(invert ? '!' + line : line);
  }
  return out;
}
