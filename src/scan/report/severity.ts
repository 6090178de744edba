/** How each report format spells a finding's severity. */
import type { SarifLevel } from '../../common/sarif.js';
import type { Severity } from '../types.js';

/** SARIF levels as Trivy and grype map them: CRITICAL and HIGH fail a code-scanning check. */
export function sarifLevel(s: Severity): SarifLevel {
  switch (s) {
    case 'CRITICAL': case 'HIGH': return 'error';
    case 'MEDIUM': return 'warning';
    case 'LOW': case 'UNKNOWN': return 'note';
  }
}

/** GitHub code scanning sorts alerts by `security-severity`, a CVSS score as text; only real scores go there. */
export function securitySeverity(score?: number): string | undefined {
  return score === undefined ? undefined : score.toFixed(1);
}
