/**
 * PEP 440 (Python package versions), written here: the npm libraries for it are unmaintained or only
 * partly follow the spec (normalisation, local versions), and the rules are short enough to state
 * directly. Accepted is everything PEP 440's normalisation accepts: any case, a leading `v`, `alpha`/
 * `beta`/`c`/`pre`/`preview` for `a`/`b`/`rc`, `rev`/`r`/`-N` for post-releases, `.`/`-`/`_`
 * separators and implied zero numbers (`1.0a` = `1.0a0`). Ordering is by epoch, release (trailing
 * zeros ignored), then dev < pre-release < final < post-release, and the local label last.
 */
import type { VersionOrder } from './types.js';
import { compareDigits, invalidVersion } from './invalid.js';

export interface Pep440Version {
  epoch: string;
  release: string[];
  pre?: { letter: 'a' | 'b' | 'rc'; number: string };
  post?: string;
  dev?: string;
  local?: string[];
}

// PEP 440 Appendix B's permissive grammar, written out with named groups.
const PATTERN = new RegExp(
  '^\\s*v?'
  + '(?:(?<epoch>[0-9]+)!)?'
  + '(?<release>[0-9]+(?:\\.[0-9]+)*)'
  + '(?:[-_.]?(?<preL>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<preN>[0-9]+)?)?'
  + '(?:(?:-(?<postN1>[0-9]+))|(?:[-_.]?(?<postL>post|rev|r)[-_.]?(?<postN2>[0-9]+)?))?'
  + '(?:[-_.]?(?<devL>dev)[-_.]?(?<devN>[0-9]+)?)?'
  + '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?'
  + '\\s*$', 'i');

const PRE_LETTER: Record<string, 'a' | 'b' | 'rc'> = {
  a: 'a', alpha: 'a', b: 'b', beta: 'b', c: 'rc', rc: 'rc', pre: 'rc', preview: 'rc',
};

const strip = (n: string): string => n.replace(/^0+(?=\d)/, '');

export function parsePep440(input: string): Pep440Version {
  const m = PATTERN.exec(input);
  if (!m?.groups) throw invalidVersion('PyPI', input);
  const g = m.groups;
  const out: Pep440Version = { epoch: strip(g.epoch ?? '0'), release: g.release!.split('.').map(strip) };
  if (g.preL) out.pre = { letter: PRE_LETTER[g.preL.toLowerCase()]!, number: strip(g.preN ?? '0') };
  if (g.postN1 !== undefined) out.post = strip(g.postN1);
  else if (g.postL) out.post = strip(g.postN2 ?? '0');
  if (g.devL) out.dev = strip(g.devN ?? '0');
  if (g.local) out.local = g.local.toLowerCase().split(/[-_.]/).map((s) => /^[0-9]+$/.test(s) ? strip(s) : s);
  return out;
}

/** The normalised form PEP 440 defines (`1.0-ALPHA.1` → `1.0a1`). */
export function normalizePep440(input: string): string {
  const v = parsePep440(input);
  let s = v.epoch !== '0' ? `${v.epoch}!` : '';
  s += v.release.join('.');
  if (v.pre) s += `${v.pre.letter}${v.pre.number}`;
  if (v.post !== undefined) s += `.post${v.post}`;
  if (v.dev !== undefined) s += `.dev${v.dev}`;
  if (v.local) s += `+${v.local.join('.')}`;
  return s;
}

const PRE_RANK = { a: 0, b: 1, rc: 2 } as const;

/**
 * Where the pre-release part puts a version among the others of the same release: a dev release of
 * the final (`1.0.dev1`) sorts before every pre-release; a version without pre-release after them.
 */
function preKey(v: Pep440Version): [number, number, string] {
  if (!v.pre && v.post === undefined && v.dev !== undefined) return [-1, 0, ''];
  if (!v.pre) return [1, 0, ''];
  return [0, PRE_RANK[v.pre.letter], v.pre.number];
}

function compareOptionalNumber(a: string | undefined, b: string | undefined, absentFirst: boolean): number {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return absentFirst ? -1 : 1;
  if (b === undefined) return absentFirst ? 1 : -1;
  return compareDigits(a, b);
}

/** Local labels: segment by segment, numbers above strings, a longer label above its prefix. */
function compareLocal(a: string[] | undefined, b: string[] | undefined): number {
  if (!a && !b) return 0;
  if (!a) return -1;
  if (!b) return 1;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const xn = /^[0-9]+$/.test(x);
    const yn = /^[0-9]+$/.test(y);
    if (xn && yn) { const c = compareDigits(x, y); if (c) return c; continue; }
    if (xn !== yn) return xn ? 1 : -1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function compareRelease(a: string[], b: string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const c = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (c) return c;
  }
  return 0;
}

export function comparePep440(a: string, b: string): number {
  const x = parsePep440(a);
  const y = parsePep440(b);
  let c = compareDigits(x.epoch, y.epoch) || compareRelease(x.release, y.release);
  if (c) return c;
  const [xr, xl, xn] = preKey(x);
  const [yr, yl, yn] = preKey(y);
  c = Math.sign(xr - yr) || Math.sign(xl - yl) || compareDigits(xn, yn);
  if (c) return c;
  return compareOptionalNumber(x.post, y.post, true)
    || compareOptionalNumber(x.dev, y.dev, false)
    || compareLocal(x.local, y.local);
}

export const pep440Order: VersionOrder = {
  ecosystem: 'PyPI',
  compare: comparePep440,
  valid(v) {
    try { parsePep440(v); return true; } catch { return false; }
  },
};
