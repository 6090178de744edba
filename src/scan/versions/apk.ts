/**
 * Alpine's version ordering, following apk-tools' src/version.c (2.14, what Alpine 3.x releases run): a version is read as a sequence of
 * tokens, each with a type and a value, and two versions compare token by token.
 *
 * - digits: `1.2.3`; after a `.`, leading zeros beyond the first are a token valued minus their count,
 *   so `1.001 < 1.01 < 1.1` and `1.0 > 1`;
 * - one letter after the digits: `1.2a` (valued by its character);
 * - suffixes `_alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p`, each with an
 *   optional number (`_rc2`);
 * - the package revision `-rN`.
 *
 * When one version runs out of tokens or meets a different token type, the order of the token types
 * decides (digit < letter < suffix < suffix number < revision < end), except that a pre-release suffix
 * makes that version the older one: `1.0_rc1 < 1.0 < 1.0_p1 < 1.0-r1 < 1.0.1`.
 */
import type { VersionOrder } from './types.js';
import { invalidVersion } from './invalid.js';

// Token types in apk-tools' order; the order matters (see the comparison at the end).
const INVALID = -1;
const DIGIT_OR_ZERO = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NO = 4;
const REVISION_NO = 5;
const END = 6;

const PRE_SUFFIXES = ['alpha', 'beta', 'pre', 'rc'];
const POST_SUFFIXES = ['cvs', 'svn', 'git', 'hg', 'p'];

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';

interface Cursor { s: string; pos: number; type: number }

/** Moves past a separator and decides what the next token is (apk-tools' next_token). */
function nextToken(cur: Cursor): void {
  let n = INVALID;
  const c = cur.s[cur.pos];
  if (cur.pos >= cur.s.length) n = END;
  else if ((cur.type === DIGIT || cur.type === DIGIT_OR_ZERO) && isLower(c)) n = LETTER;
  else if (cur.type === LETTER && isDigit(c)) n = DIGIT;
  else if (cur.type === SUFFIX && isDigit(c)) n = SUFFIX_NO;
  else {
    if (c === '.') n = DIGIT_OR_ZERO;
    else if (c === '_') n = SUFFIX;
    else if (c === '-' && cur.s[cur.pos + 1] === 'r') { n = REVISION_NO; cur.pos++; }
    cur.pos++;
  }
  // A token type may only go backwards in these three steps (`1.2a.3`, `_rc1_p2`, `1a2`)
  if (n < cur.type && !((n === DIGIT_OR_ZERO && cur.type === DIGIT) || (n === SUFFIX && cur.type === SUFFIX_NO)
    || (n === DIGIT && cur.type === LETTER))) n = INVALID;
  cur.type = n;
}

/** Reads the value of the current token and moves on (apk-tools' get_token). */
function getToken(cur: Cursor): bigint {
  if (cur.pos >= cur.s.length) { cur.type = END; return 0n; }
  let v = 0n;
  let i = cur.pos;
  let nt = INVALID;
  const s = cur.s;
  const type = cur.type === DIGIT_OR_ZERO && s[i] !== '0' ? DIGIT : cur.type;
  switch (type) {
    case DIGIT_OR_ZERO:
      // After a dot, extra leading zeros are a token of their own valued minus their count; the last
      // zero stays and is read as the number that follows (apk-tools 2.14: `1.0_pre1 < 1.0`, `1.01 < 1.1`)
      while (s[i + 1] === '0') i++;
      nt = DIGIT;
      v = BigInt(-(i - cur.pos));
      break;
    case DIGIT:
    case SUFFIX_NO:
    case REVISION_NO: {
      const start = i;
      while (isDigit(s[i])) i++;
      // apk-tools keeps numbers in 64 bits and refuses runs of 18 digits or more
      if (i - start >= 18) { cur.type = INVALID; return -1n; }
      if (i > start) v = BigInt(s.slice(start, i));
      break;
    }
    case LETTER:
      v = BigInt(s.charCodeAt(i));
      i++;
      break;
    case SUFFIX: {
      const rest = s.slice(i);
      const pre = PRE_SUFFIXES.findIndex((x) => rest.startsWith(x));
      if (pre >= 0) { v = BigInt(pre - PRE_SUFFIXES.length); i += PRE_SUFFIXES[pre]!.length; break; }
      const post = POST_SUFFIXES.findIndex((x) => rest.startsWith(x));
      if (post >= 0) { v = BigInt(post); i += POST_SUFFIXES[post]!.length; break; }
      cur.type = INVALID;
      return -1n;
    }
    default:
      cur.type = INVALID;
      return -1n;
  }
  cur.pos = i;
  if (cur.pos >= s.length) cur.type = END;
  else if (nt !== INVALID) cur.type = nt;
  else nextToken(cur);
  return v;
}

/** Whether apk-tools would accept the version (apk_version_validate), and it starts with a digit. */
export function validApk(v: string): boolean {
  if (!isDigit(v[0])) return false;
  const cur: Cursor = { s: v, pos: 0, type: DIGIT };
  while (cur.type !== END && cur.type !== INVALID) getToken(cur);
  return cur.type === END;
}

export function compareApk(a: string, b: string): number {
  if (!validApk(a)) throw invalidVersion('Alpine', a);
  if (!validApk(b)) throw invalidVersion('Alpine', b);
  const x: Cursor = { s: a, pos: 0, type: DIGIT };
  const y: Cursor = { s: b, pos: 0, type: DIGIT };
  let av = 0n;
  let bv = 0n;
  while (x.type === y.type && x.type !== END && x.type !== INVALID && av === bv) {
    av = getToken(x);
    bv = getToken(y);
  }
  if (av < bv) return -1;
  if (av > bv) return 1;
  if (x.type === y.type) return 0;
  // The values so far are equal: the longer version is newer unless what follows is a pre-release suffix
  if (x.type === SUFFIX && getToken({ ...x }) < 0n) return -1;
  if (y.type === SUFFIX && getToken({ ...y }) < 0n) return 1;
  if (x.type > y.type) return -1;
  if (y.type > x.type) return 1;
  return 0;
}

export const apkOrder: VersionOrder = { ecosystem: 'Alpine', compare: compareApk, valid: validApk };
