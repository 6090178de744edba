/** Severity order and the failure threshold. */
import type { LintConfig, LintFinding, LintSeverity } from '../types.js';

export const SEVERITY_RANK: Record<LintSeverity, number> = { error: 3, warning: 2, info: 1, style: 0 };

export function reachesThreshold(f: LintFinding, threshold: LintConfig['failureThreshold']): boolean {
  return threshold !== 'none' && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold];
}

export function isSeverity(s: string): s is LintSeverity {
  return Object.hasOwn(SEVERITY_RANK, s);
}
