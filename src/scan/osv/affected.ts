/**
 * Whether an installed version is affected by one OSV `affected` entry, following the schema's
 * evaluation algorithm (https://ossf.github.io/osv-schema/#evaluation):
 *
 * - a version named in `versions` is affected (exact string match);
 * - each ECOSYSTEM or SEMVER range is walked in version order, `introduced` switching "affected" on
 *   (`"0"` = from the beginning), `fixed` switching it off at that version and `last_affected` just after
 *   it; `limit` events (`"*"` = none) cap the range: the version must be below one of them;
 * - ranges are OR'ed; GIT ranges need commit graphs and are skipped.
 *
 * ECOSYSTEM ranges use the ecosystem's ordering, SEMVER ranges SemVer 2.0's (for npm and Go, whose
 * orderings are SemVer, their own). `versions` is matched by exact string, as the schema defines it. A
 * version the ordering cannot read throws InvalidArgumentError (ERR_VERSION_INVALID).
 */
import type { OsvAffected, OsvEvent, OsvRange } from './types.js';
import type { VersionOrder } from '../versions/types.js';
import { versionOrder } from '../versions/index.js';

export interface AffectedResult {
  affected: boolean;
  /** the smallest `fixed` above the installed version among the ranges that matched */
  fixedIn?: string;
}

type Kind = 'introduced' | 'fixed' | 'last_affected' | 'limit';
interface Event { kind: Kind; version: string; index: number }

function eventOf(e: OsvEvent, index: number): Event | undefined {
  if (e.introduced !== undefined) return { kind: 'introduced', version: e.introduced, index };
  if (e.fixed !== undefined) return { kind: 'fixed', version: e.fixed, index };
  if (e.last_affected !== undefined) return { kind: 'last_affected', version: e.last_affected, index };
  if (e.limit !== undefined) return { kind: 'limit', version: e.limit, index };
  return undefined;
}

/** `introduced: "0"` is before every version, whatever the ordering says about "0". */
const isZero = (e: Event): boolean => e.kind === 'introduced' && e.version === '0';

function sortEvents(events: Event[], order: VersionOrder): Event[] {
  return [...events].sort((a, b) => {
    if (isZero(a) || isZero(b)) return isZero(a) === isZero(b) ? a.index - b.index : isZero(a) ? -1 : 1;
    return order.compare(a.version, b.version) || a.index - b.index;
  });
}

/** IncludedInRange and BeforeLimits of the OSV evaluation, plus the next fix above the version. */
function evaluateRange(range: OsvRange, version: string, order: VersionOrder): AffectedResult {
  const events = range.events.map(eventOf).filter((e): e is Event => e !== undefined);
  const limits = events.filter((e) => e.kind === 'limit');
  if (limits.length > 0 && !limits.some((e) => e.version === '*' || order.compare(version, e.version) < 0)) {
    return { affected: false };
  }
  let affected = false;
  for (const e of sortEvents(events.filter((x) => x.kind !== 'limit'), order)) {
    if (e.kind === 'introduced' && (isZero(e) || order.compare(version, e.version) >= 0)) affected = true;
    else if (e.kind === 'fixed' && order.compare(version, e.version) >= 0) affected = false;
    else if (e.kind === 'last_affected' && order.compare(version, e.version) > 0) affected = false;
  }
  if (!affected) return { affected };
  let fixedIn: string | undefined;
  for (const e of events) {
    if (e.kind !== 'fixed' || order.compare(e.version, version) <= 0) continue;
    if (fixedIn === undefined || order.compare(e.version, fixedIn) < 0) fixedIn = e.version;
  }
  return fixedIn === undefined ? { affected } : { affected, fixedIn };
}

/** Orderings that are SemVer already (Go's also reads Go's shorthands), so they serve SEMVER ranges themselves. */
const SEMVER_BASED = new Set(['npm', 'Go', 'SemVer']);

export function affectedBy(affected: OsvAffected, version: string, order: VersionOrder): AffectedResult {
  let result = false;
  let fixedIn: string | undefined;
  let fixedOrder: VersionOrder | undefined;
  if (affected.versions?.includes(version)) result = true;
  for (const range of affected.ranges ?? []) {
    if (range.type !== 'ECOSYSTEM' && range.type !== 'SEMVER') continue;
    const rangeOrder = range.type === 'SEMVER' && !SEMVER_BASED.has(order.ecosystem) ? versionOrder('SemVer') : order;
    const r = evaluateRange(range, version, rangeOrder);
    if (!r.affected) continue;
    result = true;
    if (r.fixedIn !== undefined && (fixedIn === undefined || fixedOrder!.compare(r.fixedIn, fixedIn) < 0)) {
      fixedIn = r.fixedIn;
      fixedOrder = rangeOrder;
    }
  }
  return fixedIn === undefined ? { affected: result } : { affected: result, fixedIn };
}
