/**
 * RPM's version ordering (Red Hat, Rocky, Alma, SUSE, …): `[epoch:]version[-release]`, the epoch as a
 * number (absent = 0), then version and release with rpmvercmp (rpm's lib/rpmvercmp.c): separators are
 * skipped; `~` sorts before everything, even the end (`1.0~rc1 < 1.0`); `^` sorts after the end but
 * before anything else (`1.0 < 1.0^git1 < 1.0.1`); digit runs compare as numbers and beat letter runs;
 * letter runs compare by bytes; otherwise the longer string is newer. A missing release is older than
 * any release, as in rpm's own EVR comparison.
 */
import type { VersionOrder } from './types.js';
import { compareDigits, invalidVersion } from './invalid.js';

export interface RpmVersion { epoch: string; version: string; release?: string }

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined): boolean => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isSeparator = (c: string | undefined): boolean => c !== undefined && !isDigit(c) && !isAlpha(c) && c !== '~' && c !== '^';

export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (isSeparator(a[i])) i++;
    while (isSeparator(b[j])) j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++; j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++; j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = isDigit(a[i]);
    const run = numeric ? isDigit : isAlpha;
    let ei = i;
    while (run(a[ei])) ei++;
    let ej = j;
    while (run(b[ej])) ej++;
    // a digit run against a letter run: the number is newer
    if (ej === j) return numeric ? 1 : -1;
    const x = a.slice(i, ei);
    const y = b.slice(j, ej);
    const rc = numeric ? compareDigits(x, y) : (x < y ? -1 : x > y ? 1 : 0);
    if (rc) return rc;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

export function parseRpm(input: string): RpmVersion {
  if (input === '' || /\s/.test(input)) throw invalidVersion('RPM', input, input === '' ? 'empty' : 'contains white space');
  let epoch = '0';
  let rest = input;
  const colon = input.indexOf(':');
  if (colon >= 0) {
    epoch = input.slice(0, colon);
    if (!/^[0-9]+$/.test(epoch)) throw invalidVersion('RPM', input, 'epoch is not a number');
    rest = input.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  const version = dash >= 0 ? rest.slice(0, dash) : rest;
  const release = dash >= 0 ? rest.slice(dash + 1) : undefined;
  if (version === '' || release === '') throw invalidVersion('RPM', input, 'empty version or release');
  return release === undefined ? { epoch, version } : { epoch, version, release };
}

export function compareRpm(a: string, b: string): number {
  const x = parseRpm(a);
  const y = parseRpm(b);
  const c = compareDigits(x.epoch, y.epoch) || rpmvercmp(x.version, y.version);
  if (c) return c;
  if (x.release === undefined || y.release === undefined) {
    return x.release === y.release ? 0 : x.release === undefined ? -1 : 1;
  }
  return rpmvercmp(x.release, y.release);
}

export const rpmOrder: VersionOrder = {
  ecosystem: 'RPM',
  compare: compareRpm,
  valid(v) {
    try { parseRpm(v); return true; } catch { return false; }
  },
};
