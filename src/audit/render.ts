/**
 * How `berth audit` prints a report: Docker Bench's text (one line per check with its worst status,
 * the objects it concerns below, then the fix), and SARIF 2.1.0 for code-scanning tools.
 * Pure functions over the report, so the CLI imports them without the engine.
 */
import { sarifLog, type SarifLevel, type SarifResult, type SarifRule } from '../common/sarif.js';
import { BERTH_VERSION } from '../common/version.js';
import type { AuditFinding, AuditReport, AuditStatus } from './types.js';

const RANK: Record<AuditStatus, number> = { PASS: 0, INFO: 1, NOTE: 2, WARN: 3 };

export const SECTION_TITLES: Record<number, string> = {
  1: 'Host Configuration', 2: 'Daemon Configuration', 3: 'Daemon Configuration Files',
  4: 'Container Images and Build File', 5: 'Container Runtime', 6: 'Operations',
};

/** The findings grouped by check ID, in the report's order. */
export function groupById(findings: AuditFinding[]): AuditFinding[][] {
  const groups = new Map<string, AuditFinding[]>();
  for (const f of findings) (groups.get(f.id) ?? groups.set(f.id, []).get(f.id)!).push(f);
  return [...groups.values()];
}

export function worstStatus(fs: AuditFinding[]): AuditStatus {
  return fs.reduce<AuditStatus>((w, f) => (RANK[f.status] > RANK[w] ? f.status : w), 'PASS');
}

export function renderText(report: AuditReport): string {
  const lines: string[] = [];
  let section = 0;
  for (const group of groupById(report.findings)) {
    const first = group[0];
    if (first.section !== section) {
      section = first.section;
      if (lines.length) lines.push('');
      lines.push(`[INFO] ${section} - ${SECTION_TITLES[section] ?? `Section ${section}`}`);
    }
    const status = worstStatus(group);
    lines.push(`[${status}] ${first.id} - ${first.title}`);
    // a single host-level verdict prints its details; per-object checks list the objects that are not PASS
    const shown = group.length === 1 && !first.target ? (first.details ? group : []) : group.filter((f) => f.status !== 'PASS');
    for (const f of shown) lines.push(`     * ${f.details ?? f.target ?? ''}`);
    if (status === 'WARN' && first.remediation) lines.push(`     Remediation: ${first.remediation}`);
  }
  for (const e of report.errors) lines.push(`[ERROR] ${e.id} - ${e.message}`);
  const counts = countByStatus(report.findings);
  lines.push('', `Checks: ${groupById(report.findings).length}, findings: ${report.findings.length} (PASS ${counts.PASS}, WARN ${counts.WARN}, INFO ${counts.INFO}, NOTE ${counts.NOTE}), errors: ${report.errors.length}`);
  return lines.join('\n') + '\n';
}

export function countByStatus(findings: AuditFinding[]): Record<AuditStatus, number> {
  const c: Record<AuditStatus, number> = { PASS: 0, WARN: 0, INFO: 0, NOTE: 0 };
  for (const f of findings) c[f.status]++;
  return c;
}

const LEVEL: Record<AuditStatus, SarifLevel> = { WARN: 'warning', NOTE: 'note', INFO: 'note', PASS: 'none' };

/** A SARIF log: one rule per check, one result per finding that is not PASS. */
export function renderSarif(report: AuditReport): Record<string, unknown> {
  const rules: SarifRule[] = groupById(report.findings).map((g) => ({
    id: g[0].id,
    shortDescription: g[0].title,
    ...(g[0].remediation ? { help: g[0].remediation } : {}),
    defaultLevel: 'warning',
    properties: { section: g[0].section, sectionTitle: SECTION_TITLES[g[0].section] ?? '' },
  }));
  const results: SarifResult[] = report.findings.filter((f) => f.status !== 'PASS').map((f) => ({
    ruleId: f.id,
    level: LEVEL[f.status],
    message: `${f.title}: ${f.details ?? f.target ?? f.status}`,
    ...(f.target ? { locations: [{ uri: locationUri(f) }] } : {}),
    partialFingerprints: { auditTarget: `${f.id}/${f.target ?? ''}` },
    properties: { status: f.status },
  }));
  const log = sarifLog({ name: 'berth audit', version: BERTH_VERSION, informationUri: 'https://www.cisecurity.org/benchmark/docker', rules }, results);
  // checks that could not look are the run's notifications, so a reader knows the log is incomplete
  const run = (log.runs as Array<Record<string, unknown>>)[0];
  run.invocations = [{
    executionSuccessful: report.errors.length === 0,
    toolExecutionNotifications: report.errors.map((e) => ({ level: 'error', message: { text: e.message }, descriptor: { id: e.id } })),
  }];
  return log;
}

/** Files are file URIs; containers, images and listeners get their own schemes. */
function locationUri(f: AuditFinding): string {
  const t = f.target!;
  if (t.startsWith('/')) return `file://${encodeURI(t)}`;
  if (/^[a-z]+:\/\//.test(t)) return t;
  if (f.section === 4) return `image://${encodeURIComponent(t)}`;
  if (f.section === 5) return `container://${encodeURIComponent(t)}`;
  return encodeURIComponent(t);
}
