/**
 * The function map of Docker's --format templates: Go's text/template builtins plus
 * Docker's templates.basicFunctions (json, split, join, title, lower, upper, pad, truncate, println).
 */
import { printValue, sprint, sprintf, sprintln } from './printf.js';
import { isMap, truth, type TemplateFunc } from './template.js';

function toJSONValue(v: unknown): unknown {
  if (v && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') return v;
  return v === undefined ? null : v;
}

/** Go's json.Marshal with HTML escaping off (Docker's `json` function). */
function goJSON(v: unknown): string {
  return JSON.stringify(toJSONValue(v)) ?? 'null';
}

function length(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map) return v.size;
  if (isMap(v)) return Object.keys(v).length;
  throw new Error(`len of type ${typeof v}`);
}

function index(item: unknown, ...keys: unknown[]): unknown {
  let v = item;
  for (const k of keys) {
    if (Array.isArray(v) || typeof v === 'string') {
      const i = Number(k);
      if (!Number.isInteger(i) || i < 0 || i >= v.length) throw new Error(`index out of range: ${printValue(k)}`);
      v = typeof v === 'string' ? v.charCodeAt(i) : v[i];
    } else if (v instanceof Map) v = v.get(k);
    else if (isMap(v)) v = Object.prototype.hasOwnProperty.call(v, String(k)) ? v[String(k)] : undefined;
    else if (v === null || v === undefined) throw new Error('index of untyped nil');
    else throw new Error(`can't index item of type ${typeof v}`);
  }
  return v;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new Error('incompatible types for comparison');
}

function basicEq(a: unknown, b: unknown): boolean {
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (typeof a === 'object' && a !== null) throw new Error('non-comparable type');
  if (typeof a !== typeof b && !(a === null || b === null || a === undefined || b === undefined)) throw new Error('incompatible types for comparison');
  return a === b;
}

/** strings.Title: upper-case the first letter of every word. */
function title(s: string): string {
  return s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toUpperCase());
}

export const templateFuncs: Record<string, TemplateFunc> = {
  // Go builtins
  and: () => undefined, // evaluated lazily by the executor
  or: () => undefined,
  not: (v: unknown) => !truth(v),
  len: length,
  index,
  slice: (item: unknown, ...idx: number[]) => {
    if (typeof item === 'string' || Array.isArray(item)) return item.slice(idx[0] ?? 0, idx[1] ?? item.length);
    throw new Error(`can't slice item of type ${typeof item}`);
  },
  print: sprint,
  printf: (format: string, ...args: unknown[]) => sprintf(format, ...args),
  println: sprintln,
  eq: (a: unknown, ...bs: unknown[]) => {
    if (bs.length === 0) throw new Error('missing argument for comparison');
    return bs.some((b) => basicEq(a, b));
  },
  ne: (a: unknown, b: unknown) => !basicEq(a, b),
  lt: (a: unknown, b: unknown) => compare(a, b) < 0,
  le: (a: unknown, b: unknown) => compare(a, b) <= 0,
  gt: (a: unknown, b: unknown) => compare(a, b) > 0,
  ge: (a: unknown, b: unknown) => compare(a, b) >= 0,
  html: (...args: unknown[]) => sprint(...args).replace(/[&'<>"\0]/g, (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' })[c]!),
  js: (...args: unknown[]) => sprint(...args).replace(/[\\'"<>&=]/g, (c) => ({ '\\': '\\\\', "'": "\\'", '"': '\\"', '<': '\\u003C', '>': '\\u003E', '&': '\\u0026', '=': '\\u003D' })[c]!),
  urlquery: (...args: unknown[]) => encodeURIComponent(sprint(...args)).replace(/%20/g, '+'),
  // Docker's additions
  json: goJSON,
  split: (s: string, sep: string) => String(s).split(sep),
  join: (arr: unknown, sep: string) => {
    if (!Array.isArray(arr)) throw new Error(`wrong type for value; expected []string; got ${typeof arr}`);
    return arr.map((e) => printValue(e)).join(sep);
  },
  title: (s: unknown) => title(String(s)),
  lower: (s: unknown) => String(s).toLowerCase(),
  upper: (s: unknown) => String(s).toUpperCase(),
  pad: (s: unknown, left: number, right: number) => ' '.repeat(left) + printValue(s) + ' '.repeat(right),
  truncate: (s: unknown, n: number) => { const chars = [...String(s)]; return chars.length > n ? chars.slice(0, n).join('') : String(s); },
};
