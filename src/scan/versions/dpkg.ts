/**
 * Debian's version ordering, as dpkg implements it (lib/dpkg/version.c: parseversion, verrevcmp):
 * `[epoch:]upstream[-revision]`, the epoch compared as a number, then upstream, then revision, each
 * with verrevcmp — alternating runs of non-digits and digits; in a non-digit run `~` sorts before
 * everything (even the end of the string), then the end, then letters, then other characters (by
 * code); digit runs compare as numbers. A missing revision compares as "" (which equals "0").
 */
import type { VersionOrder } from './types.js';
import { compareDigits, invalidVersion, sign } from './invalid.js';

export interface DpkgVersion { epoch: number; upstream: string; revision: string }

const UPSTREAM = /^[A-Za-z0-9.+~:-]+$/;
const REVISION = /^[A-Za-z0-9.+~]+$/;

/** Splits a version like dpkg's parseversion; throws ERR_VERSION_INVALID where dpkg reports an error. */
export function parseDpkg(input: string): DpkgVersion {
  const v = input.trim();
  if (v === '') throw invalidVersion('Debian', input, 'empty');
  if (/\s/.test(v)) throw invalidVersion('Debian', input, 'embedded space');
  let epoch = 0;
  let rest = v;
  const colon = v.indexOf(':');
  if (colon >= 0) {
    const e = v.slice(0, colon);
    if (!/^[0-9]+$/.test(e)) throw invalidVersion('Debian', input, 'epoch is not a number');
    epoch = Number(e);
    if (epoch > 2147483647) throw invalidVersion('Debian', input, 'epoch is too big');
    rest = v.slice(colon + 1);
  }
  let upstream = rest;
  let revision = '';
  const dash = rest.lastIndexOf('-');
  if (dash >= 0) {
    upstream = rest.slice(0, dash);
    revision = rest.slice(dash + 1);
    if (revision === '') throw invalidVersion('Debian', input, 'empty revision');
  }
  if (upstream === '') throw invalidVersion('Debian', input, 'empty upstream version');
  // dpkg only warns when upstream does not start with a digit, and still compares; so do we.
  if (!UPSTREAM.test(upstream)) throw invalidVersion('Debian', input, 'invalid character in upstream version');
  if (revision !== '' && !REVISION.test(revision)) throw invalidVersion('Debian', input, 'invalid character in revision');
  return { epoch, upstream, revision };
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** verrevcmp's weight of a character in a non-digit run; 0 also stands for the end of the string. */
function order(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  if (isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  if (c === 126 /* ~ */) return -1;
  return c + 256;
}

/** dpkg's verrevcmp on one part (upstream or revision). */
export function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = order(a, i);
      const bc = order(b, j);
      if (ac !== bc) return sign(ac - bc);
      i++;
      j++;
    }
    let si = i;
    while (si < a.length && isDigit(a.charCodeAt(si))) si++;
    let sj = j;
    while (sj < b.length && isDigit(b.charCodeAt(sj))) sj++;
    const diff = compareDigits(a.slice(i, si), b.slice(j, sj));
    if (diff !== 0) return diff;
    i = si;
    j = sj;
  }
  return 0;
}

export function compareDpkg(a: string, b: string): number {
  const x = parseDpkg(a);
  const y = parseDpkg(b);
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  return verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision);
}

export const dpkgOrder: VersionOrder = {
  ecosystem: 'Debian',
  compare: compareDpkg,
  valid(v) {
    try { parseDpkg(v); return true; } catch { return false; }
  },
};
