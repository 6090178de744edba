/**
 * Maven's version ordering: the rules of maven-artifact's ComparableVersion (Maven 3.8.7 and later), written here
 * from its documented behaviour (https://maven.apache.org/pom.html#version-order-specification).
 *
 * A version is split at `.`, `-` and digit/letter transitions into numbers and qualifiers; `-` and
 * transitions open a nested list, so `1-1` is `[1, [1]]`. Trailing "null" items (0, "", `ga`, `final`,
 * `release`, empty lists) are dropped from every list (`1.0.0` = `1`). Comparing: numbers by value;
 * known qualifiers `alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp`,
 * then unknown ones alphabetically; `a1`/`b1`/`m1` mean alpha/beta/milestone 1; a number beats a list,
 * which beats a qualifier (`1-sp < 1-1 < 1.1`); a missing item counts as null (padding). `.X` before
 * a qualifier is read as `-X` (MNG-7644: `1.0.0.RC1 < 1.0.0-RC2`). Maven reads any string; berth
 * refuses only the empty string and white space, which no published version has.
 */
import type { VersionOrder } from './types.js';
import { compareDigits, invalidVersion } from './invalid.js';

type Item = { kind: 'int'; value: string } | { kind: 'str'; value: string } | { kind: 'list'; items: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

/** A key that sorts known qualifiers by their rank, unknown ones after them alphabetically (as Maven does). */
function comparableQualifier(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function stringItem(value: string, followedByDigit: boolean): Item {
  let v = value;
  if (followedByDigit && v.length === 1) v = { a: 'alpha', b: 'beta', m: 'milestone' }[v] ?? v;
  return { kind: 'str', value: ALIASES[v] ?? v };
}

function parseItem(isDigit: boolean, text: string): Item {
  return isDigit ? { kind: 'int', value: text.replace(/^0+/, '') || '0' } : stringItem(text, false);
}

function isNull(item: Item): boolean {
  if (item.kind === 'int') return item.value === '0';
  if (item.kind === 'str') return comparableQualifier(item.value) === RELEASE_INDEX;
  return item.items.length === 0;
}

/** Drops trailing null items, looking past non-empty nested lists (ComparableVersion's normalize). */
function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i]!;
    if (isNull(item)) list.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

export function parseMaven(version: string): Item {
  if (version === '' || /\s/.test(version)) throw invalidVersion('Maven', version, version === '' ? 'empty' : 'contains white space');
  const v = version.toLowerCase();
  const root: Item[] = [];
  let list = root;
  const stack: Item[][] = [root];
  const nest = (): void => {
    const sub: Item[] = [];
    list.push({ kind: 'list', items: sub });
    list = sub;
    stack.push(sub);
  };
  let isDigit = false;
  let start = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '.' || c === '-') {
      list.push(i === start ? { kind: 'int', value: '0' } : parseItem(isDigit, v.slice(start, i)));
      start = i + 1;
      if (c === '-') nest();
    } else if (c >= '0' && c <= '9') {
      if (!isDigit && i > start) {
        if (list.length > 0) nest(); // `.X1` is read as `-X1`
        list.push(stringItem(v.slice(start, i), true));
        start = i;
        nest();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(parseItem(true, v.slice(start, i)));
        start = i;
        nest();
      }
      isDigit = false;
    }
  }
  if (v.length > start) {
    if (!isDigit && list.length > 0) nest(); // a trailing `.X` is read as `-X`
    list.push(parseItem(isDigit, v.slice(start)));
  }
  while (stack.length > 0) normalize(stack.pop()!);
  return { kind: 'list', items: root };
}

/** ComparableVersion's Item.compareTo; `b` undefined stands for a missing item (padding). */
function compareItem(a: Item, b: Item | undefined): number {
  if (a.kind === 'int') {
    if (!b) return a.value === '0' ? 0 : 1;
    return b.kind === 'int' ? compareDigits(a.value, b.value) : 1;
  }
  if (a.kind === 'str') {
    if (!b) return Math.sign(cmpStr(comparableQualifier(a.value), RELEASE_INDEX));
    return b.kind === 'str' ? cmpStr(comparableQualifier(a.value), comparableQualifier(b.value)) : -1;
  }
  if (!b) {
    // a list against nothing: the first item that is not null decides (MNG-6964: not only the first item)
    for (const item of a.items) {
      const c = compareItem(item, undefined);
      if (c !== 0) return c;
    }
    return 0;
  }
  if (b.kind === 'int') return -1;
  if (b.kind === 'str') return 1;
  for (let i = 0; i < Math.max(a.items.length, b.items.length); i++) {
    const l = a.items[i];
    const r = b.items[i];
    const result = l === undefined ? (r === undefined ? 0 : -compareItem(r, undefined)) : compareItem(l, r);
    if (result !== 0) return result;
  }
  return 0;
}

export function compareMaven(a: string, b: string): number {
  return compareItem(parseMaven(a), parseMaven(b));
}

/** The canonical form Maven prints for a version (items joined by `.`, nested lists by `-`). */
export function canonicalMaven(version: string): string {
  // as Maven prints it: a separator only once something has been written (a leading "" writes nothing)
  const show = (items: Item[]): string => items.reduce((out, it) => {
    const text = it.kind === 'list' ? show(it.items) : it.value;
    return out === '' ? text : `${out}${it.kind === 'list' ? '-' : '.'}${text}`;
  }, '');
  const root = parseMaven(version);
  return root.kind === 'list' ? show(root.items) : '';
}

export const mavenOrder: VersionOrder = {
  ecosystem: 'Maven',
  compare: compareMaven,
  valid: (v) => v !== '' && !/\s/.test(v),
};
