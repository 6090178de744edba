/**
 * The shape check an advisory passes before it is stored: the OSV schema's required fields and the
 * parts matching reads (https://ossf.github.io/osv-schema/). Hand-written rather than a JSON-schema
 * validator over the whole schema: it runs 100,000 times per import, and the product must not read
 * the schema files the tests use; what it does not check (reference types, credits) matching never reads.
 */
import type { OsvAdvisory } from '../osv/types.js';

const RANGE_TYPES = new Set(['ECOSYSTEM', 'SEMVER', 'GIT']);
const EVENT_KEYS = new Set(['introduced', 'fixed', 'last_affected', 'limit']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** An OSV timestamp: RFC 3339 that Date can read. */
function isTimestamp(v: unknown): v is string {
  return typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(v) && !Number.isNaN(Date.parse(v));
}

/** The advisory, or what is wrong with it (the first problem, with its JSON path). */
export function checkAdvisory(v: unknown): { advisory: OsvAdvisory } | { problem: string } {
  const problem = findProblem(v);
  return problem === undefined ? { advisory: v as OsvAdvisory } : { problem };
}

function findProblem(v: unknown): string | undefined {
  if (!isObject(v)) return 'not a JSON object';
  if (typeof v.id !== 'string' || v.id === '') return 'id: missing or not a string';
  if (!isTimestamp(v.modified)) return 'modified: missing or not an RFC 3339 timestamp';
  for (const k of ['published', 'withdrawn'] as const) {
    if (v[k] !== undefined && !isTimestamp(v[k])) return `${k}: not an RFC 3339 timestamp`;
  }
  if (v.aliases != null && !isStringArray(v.aliases)) return 'aliases: not a list of strings';
  for (const k of ['summary', 'details'] as const) {
    if (v[k] !== undefined && typeof v[k] !== 'string') return `${k}: not a string`;
  }
  const sev = severityProblem(v.severity, 'severity');
  if (sev) return sev;
  if (v.affected == null) return undefined;
  if (!Array.isArray(v.affected)) return 'affected: not a list';
  for (let i = 0; i < v.affected.length; i++) {
    const p = affectedProblem(v.affected[i], `affected[${i}]`);
    if (p) return p;
  }
  if (v.references != null && (!Array.isArray(v.references) || !v.references.every((r) => isObject(r) && typeof r.url === 'string' && typeof r.type === 'string'))) {
    return 'references: not a list of {type, url}';
  }
  return undefined;
}

function severityProblem(v: unknown, at: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) return `${at}: not a list`;
  for (const s of v) if (!isObject(s) || typeof s.type !== 'string' || typeof s.score !== 'string') return `${at}: entries need a type and a score`;
  return undefined;
}

function affectedProblem(a: unknown, at: string): string | undefined {
  if (!isObject(a)) return `${at}: not an object`;
  if (a.package !== undefined) {
    if (!isObject(a.package) || typeof a.package.ecosystem !== 'string' || typeof a.package.name !== 'string') return `${at}.package: needs an ecosystem and a name`;
  }
  if (a.versions !== undefined && !isStringArray(a.versions)) return `${at}.versions: not a list of strings`;
  const sev = severityProblem(a.severity, `${at}.severity`);
  if (sev) return sev;
  if (a.ranges === undefined) return undefined;
  if (!Array.isArray(a.ranges)) return `${at}.ranges: not a list`;
  for (let i = 0; i < a.ranges.length; i++) {
    const r: unknown = a.ranges[i];
    const rat = `${at}.ranges[${i}]`;
    if (!isObject(r)) return `${rat}: not an object`;
    if (typeof r.type !== 'string' || !RANGE_TYPES.has(r.type)) return `${rat}.type: not ECOSYSTEM, SEMVER or GIT`;
    if (r.type === 'GIT' && typeof r.repo !== 'string') return `${rat}: a GIT range needs a repo`;
    if (!Array.isArray(r.events) || r.events.length === 0) return `${rat}.events: missing or empty`;
    let introduced = false; let fixed = false; let lastAffected = false;
    for (const e of r.events) {
      if (!isObject(e)) return `${rat}.events: an event is not an object`;
      // the schema's oneOf: exactly one of the four (other keys are left alone, as the schema does)
      const keys = Object.keys(e).filter((k) => EVENT_KEYS.has(k));
      if (keys.length !== 1 || typeof e[keys[0]!] !== 'string') return `${rat}.events: each event has one of introduced, fixed, last_affected, limit, as a string`;
      if (keys[0] === 'introduced') introduced = true;
      if (keys[0] === 'fixed') fixed = true;
      if (keys[0] === 'last_affected') lastAffected = true;
    }
    if (!introduced) return `${rat}.events: no introduced event`;
    if (fixed && lastAffected) return `${rat}.events: fixed and last_affected together`;
  }
  return undefined;
}
