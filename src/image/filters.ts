/** Docker's filter helpers for images: globs (path.Match), label lists, timestamps. */
import { InvalidArgumentError } from '../common/errors.js';
import { tryGoDurationNs } from '../common/go-duration.js';

export type Filters = Record<string, string[]>;

/** Refuse filter keys the endpoint does not know, as Docker does ("invalid filter 'x'"). */
export function checkFilterKeys(filters: Filters | undefined, allowed: string[]): void {
  for (const k of Object.keys(filters ?? {})) {
    if (!allowed.includes(k)) throw new InvalidArgumentError(`invalid filter '${k}'`, 'ERR_INVALID_FILTER');
  }
}

/** Go's path.Match: `*` and `?` never cross `/`; `[...]` classes with `^`/`!` negation; `\` escapes. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]);
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) throw new InvalidArgumentError(`syntax error in pattern: ${pattern}`, 'ERR_INVALID_FILTER');
      let body = pattern.slice(i + 1, end);
      let neg = false;
      if (body.startsWith('^') || body.startsWith('!')) { neg = true; body = body.slice(1); }
      re += `[${neg ? '^' : ''}${body.replace(/[\]\\]/g, '\\$&')}]`;
      i = end;
    } else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`);
}

function escapeRe(c: string): string { return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'); }

/** filters.MatchKVList: every `key` or `key=value` must be satisfied by labels. */
export function matchLabels(wanted: string[] | undefined, labels: Record<string, string> | null | undefined): boolean {
  if (!wanted || wanted.length === 0) return true;
  const l = labels ?? {};
  for (const w of wanted) {
    const eq = w.indexOf('=');
    if (eq === -1) { if (!(w in l)) return false; }
    else if (l[w.slice(0, eq)] !== w.slice(eq + 1)) return false;
  }
  return true;
}

/** `label!=key` / `label!=key=value`: none may match. */
export function matchNotLabels(unwanted: string[] | undefined, labels: Record<string, string> | null | undefined): boolean {
  if (!unwanted || unwanted.length === 0) return true;
  return unwanted.every((u) => !matchLabels([u], labels));
}

/** A single boolean filter value: 'true'/'1' or 'false'/'0'. */
export function boolFilter(filters: Filters | undefined, key: string): boolean | undefined {
  const v = filters?.[key];
  if (!v || v.length === 0) return undefined;
  const s = v[v.length - 1].toLowerCase();
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  throw new InvalidArgumentError(`invalid filter '${key}=${v[v.length - 1]}'`, 'ERR_INVALID_FILTER');
}

/**
 * Docker's timestamp filter values (until, since for events): unix seconds
 * (fractional allowed), RFC 3339 / date strings, or Go durations relative to now.
 * Returns unix milliseconds.
 */
export function parseTimestamp(value: string, nowMs = Date.now()): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(parseFloat(value) * 1000);
  const ns = tryGoDurationNs(value);
  if (ns !== undefined) return nowMs - ns / 1e6;
  const t = Date.parse(value);
  if (!Number.isNaN(t)) return t;
  throw new InvalidArgumentError(`failed to parse value ${value} as a timestamp`, 'ERR_INVALID_FILTER');
}
