/**
 * The ignore file: advisories a team has looked at and accepted, each with a reason and, if it should
 * be looked at again, an expiry. The format follows Trivy's `.trivyignore.yaml` shape (a
 * `vulnerabilities:` list of entries keyed by `id`), with berth's field names:
 *
 *   vulnerabilities:
 *     - id: CVE-2023-4911          # an advisory ID or any of its aliases
 *       reason: not reachable: no setuid binaries in this image
 *       expires: 2027-01-31         # a date (end of that day, UTC) or an RFC 3339 time; optional
 *       purls: [pkg:deb/debian/libc6]  # optional: only these packages (purl prefix, no version needed)
 *
 * An expired entry no longer applies, and the scan says so, so an acceptance cannot outlive its review.
 */
import { parse as parseYaml } from 'yaml';
import { InvalidArgumentError } from '../common/errors.js';
import type { Finding } from './types.js';

export interface IgnoreEntry { id: string; reason: string; expires?: string; purls?: string[] }

export interface IgnoreRules {
  /** where the rules came from, for messages */
  path: string;
  entries: IgnoreEntry[];
}

const KEYS = new Set(['id', 'reason', 'expires', 'purls', 'statement', 'expired_at']);

function bad(path: string, msg: string): never {
  throw new InvalidArgumentError(`ignore file ${path}: ${msg}`, 'ERR_SCAN_IGNORE_FILE');
}

/** `2027-01-31` is the end of that day UTC; anything else must be an RFC 3339 time. */
export function expiryTime(expires: string): number {
  if (/^\d{4}-\d\d-\d\d$/.test(expires)) return Date.parse(`${expires}T23:59:59.999Z`);
  return /^\d{4}-\d\d-\d\dT/.test(expires) ? Date.parse(expires) : NaN;
}

/** Parse and check an ignore file; a malformed one is refused with ERR_SCAN_IGNORE_FILE naming it. */
export function parseIgnoreFile(text: string, path: string): IgnoreRules {
  let doc: unknown;
  try { doc = parseYaml(text); } catch (e) { bad(path, `not valid YAML: ${(e as Error).message}`); }
  if (doc === null || doc === undefined) return { path, entries: [] };
  if (typeof doc !== 'object' || Array.isArray(doc)) bad(path, 'expected a mapping with a `vulnerabilities:` list');
  const list = (doc as Record<string, unknown>).vulnerabilities;
  const unknownTop = Object.keys(doc as object).filter((k) => k !== 'vulnerabilities');
  if (unknownTop.length) bad(path, `unknown key ${unknownTop.map((k) => `"${k}"`).join(', ')} (expected "vulnerabilities")`);
  if (list === undefined || list === null) return { path, entries: [] };
  if (!Array.isArray(list)) bad(path, '`vulnerabilities` must be a list');
  const entries = list.map((raw, i): IgnoreEntry => {
    const at = `vulnerabilities[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad(path, `${at}: expected a mapping with an id`);
    const e = raw as Record<string, unknown>;
    const unknown = Object.keys(e).filter((k) => !KEYS.has(k));
    if (unknown.length) bad(path, `${at}: unknown key ${unknown.map((k) => `"${k}"`).join(', ')} (expected id, reason, expires, purls)`);
    if (typeof e.id !== 'string' || e.id.trim() === '') bad(path, `${at}: id is required`);
    // Trivy's spellings are accepted, so an existing .trivyignore.yaml works unchanged
    const reason = e.reason ?? e.statement;
    if (reason !== undefined && typeof reason !== 'string') bad(path, `${at}: reason must be text`);
    let expires = e.expires ?? e.expired_at;
    if (expires instanceof Date) expires = expires.toISOString();
    if (expires !== undefined) {
      if (typeof expires !== 'string' || Number.isNaN(expiryTime(expires))) bad(path, `${at}: expires must be a date (2027-01-31) or an RFC 3339 time`);
    }
    if (e.purls !== undefined && (!Array.isArray(e.purls) || !e.purls.every((p) => typeof p === 'string' && p.startsWith('pkg:')))) bad(path, `${at}: purls must be a list of package URLs`);
    return {
      id: e.id.trim(),
      reason: typeof reason === 'string' ? reason : '',
      ...(typeof expires === 'string' ? { expires } : {}),
      ...(e.purls ? { purls: e.purls as string[] } : {}),
    };
  });
  return { path, entries };
}

/** A purl without version and qualifiers, for prefix matching (`pkg:deb/debian/libc6`). */
function purlBase(purl: string): string {
  return purl.replace(/[@?#].*$/, '');
}

function covers(entry: IgnoreEntry, f: Finding): boolean {
  if (entry.id !== f.id && !f.aliases.includes(entry.id)) return false;
  if (!entry.purls) return true;
  return entry.purls.some((p) => (p.includes('@') ? f.package.purl.startsWith(p) : purlBase(f.package.purl) === purlBase(p)));
}

export interface IgnoreOutcome {
  /** findings with `ignored` set where a live entry covers them */
  findings: Finding[];
  /** entries past their expiry: not applied, said once each */
  expired: IgnoreEntry[];
  /** entries that matched nothing (stale acceptances worth removing) */
  unused: IgnoreEntry[];
}

export function applyIgnore(findings: Finding[], rules: IgnoreRules, now = Date.now()): IgnoreOutcome {
  const live = rules.entries.filter((e) => e.expires === undefined || expiryTime(e.expires) >= now);
  const expired = rules.entries.filter((e) => !live.includes(e));
  const used = new Set<IgnoreEntry>();
  const out = findings.map((f) => {
    const hit = live.find((e) => covers(e, f));
    if (!hit) return f;
    used.add(hit);
    return { ...f, ignored: { reason: hit.reason, ...(hit.expires ? { expires: hit.expires } : {}) } };
  });
  return { findings: out, expired, unused: live.filter((e) => !used.has(e)) };
}
