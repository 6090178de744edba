/** `berth lint --format json`: every file's findings (or parse error) and a summary by severity. */
import type { LintResult, LintSeverity } from '../types.js';

export interface LintJsonReport {
  results: Array<Pick<LintResult, 'file' | 'findings' | 'parseError'>>;
  summary: { files: number; findings: number; parseErrors: number } & Record<LintSeverity, number>;
}

export function lintJsonReport(results: LintResult[]): LintJsonReport {
  const summary: LintJsonReport['summary'] = { files: results.length, findings: 0, parseErrors: 0, error: 0, warning: 0, info: 0, style: 0 };
  for (const r of results) {
    if (r.parseError) summary.parseErrors++;
    for (const f of r.findings) { summary.findings++; summary[f.severity]++; }
  }
  return {
    results: results.map((r) => ({ file: r.file, findings: r.findings, ...(r.parseError ? { parseError: r.parseError } : {}) })),
    summary,
  };
}

export function formatJson(results: LintResult[]): string {
  return JSON.stringify(lintJsonReport(results), null, 2) + '\n';
}
