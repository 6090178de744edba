/**
 * The severity of an advisory for one package, as scanners report it: from a CVSS vector when the
 * advisory has one (the base score computed from the vector, through `ae-cvss-calculator`, which
 * implements CVSS 2.0, 3.0, 3.1 and 4.0 from FIRST's specifications), else from the severity word a
 * database gives (GHSA's `database_specific.severity`, Debian's urgency, Ubuntu's priority, Red Hat's
 * impact), else UNKNOWN.
 *
 * A package's own `affected[].severity` wins over the advisory's. Among vectors, CVSS v3 is preferred
 * (what NVD, Trivy and grype report), then v4, then v2. Score bands are CVSS's qualitative ratings:
 * 0.1–3.9 LOW, 4.0–6.9 MEDIUM, 7.0–8.9 HIGH, 9.0–10.0 CRITICAL; CVSS's "None" (0.0) is reported as LOW.
 */
import cvss from 'ae-cvss-calculator';
import type { OsvAdvisory, OsvAffected, OsvSeverity } from './osv/types.js';
import type { Severity } from './types.js';

export interface SeverityResult { severity: Severity; score?: number; vector?: string }

export function severityOfScore(score: number): Severity {
  if (score >= 9) return 'CRITICAL';
  if (score >= 7) return 'HIGH';
  if (score >= 4) return 'MEDIUM';
  return 'LOW';
}

const VECTOR_SHAPE: Record<string, RegExp> = {
  CVSS_V2: /^(?:CVSS:2\.0\/)?AV:[LAN]\/AC:[HML]\/Au:[MSN]\/C:[NPC]\/I:[NPC]\/A:[NPC](?:\/[A-Za-z]+:[A-Za-z]+)*$/,
  CVSS_V3: /^CVSS:3\.[01]\/(?:[A-Za-z]+:[A-Za-z]+\/)*[A-Za-z]+:[A-Za-z]+$/,
  CVSS_V4: /^CVSS:4\.0\/(?:[A-Za-z]+:[A-Za-z]+\/)*[A-Za-z]+:[A-Za-z]+$/,
};

/** The CVSS base score of a vector, or undefined when the vector is not a complete one of its type. */
export function cvssBaseScore(type: string, vector: string): number | undefined {
  const shape = VECTOR_SHAPE[type];
  // NVD writes v2 vectors in parentheses
  const v = vector.trim().replace(/^\((.*)\)$/, '$1');
  if (!shape?.test(v)) return undefined;
  try {
    const parsed = type === 'CVSS_V2' && !v.startsWith('CVSS:') ? new cvss.Cvss2(v) : cvss.fromVector(v);
    if (!parsed || !parsed.isBaseFullyDefined()) return undefined;
    const base = parsed.calculateScores(false).base;
    return typeof base === 'number' && Number.isFinite(base) && base >= 0 && base <= 10 ? base : undefined;
  } catch {
    // the library throws on unknown metric values (`A:Q`): not a vector we can score
    return undefined;
  }
}

const PREFERENCE = ['CVSS_V3', 'CVSS_V4', 'CVSS_V2'];

function fromVectors(list: OsvSeverity[] | undefined): SeverityResult | undefined {
  for (const type of PREFERENCE) {
    for (const s of list ?? []) {
      if (s.type !== type || typeof s.score !== 'string') continue;
      const score = cvssBaseScore(type, s.score);
      if (score !== undefined) return { severity: severityOfScore(score), score, vector: s.score.trim() };
    }
  }
  return undefined;
}

/** Severity words of the databases OSV data comes from, lower-cased; Debian marks some with `*`. */
const WORDS: Record<string, Severity> = {
  'critical': 'CRITICAL',
  'high': 'HIGH',
  'important': 'HIGH',
  'medium': 'MEDIUM',
  'moderate': 'MEDIUM',
  'low': 'LOW',
  'negligible': 'LOW',
  'unimportant': 'LOW',
  'not yet assigned': 'UNKNOWN',
  'unknown': 'UNKNOWN',
  'untriaged': 'UNKNOWN',
};

export function severityOfWord(word: string): Severity | undefined {
  return WORDS[word.trim().replace(/\*+$/, '').trim().toLowerCase()];
}

function fromWords(records: Array<Record<string, unknown> | undefined>, list: OsvSeverity[] | undefined): Severity | undefined {
  for (const s of list ?? []) {
    if (!s.type.startsWith('CVSS') && typeof s.score === 'string') {
      const w = severityOfWord(s.score);
      if (w) return w;
    }
  }
  for (const rec of records) {
    for (const key of ['severity', 'urgency', 'priority', 'impact']) {
      const value = rec?.[key];
      if (typeof value !== 'string') continue;
      const w = severityOfWord(value);
      if (w) return w;
    }
  }
  return undefined;
}

export function severityOf(advisory: OsvAdvisory, affected?: OsvAffected): SeverityResult {
  const scored = fromVectors(affected?.severity) ?? fromVectors(advisory.severity);
  if (scored) return scored;
  const word = fromWords([affected?.ecosystem_specific, affected?.database_specific], affected?.severity)
    ?? fromWords([advisory.database_specific], advisory.severity);
  return { severity: word ?? 'UNKNOWN' };
}
