/**
 * The scan report as JSON: the ScanReport model with findings in a fixed order (most severe first,
 * then package, then advisory) and keys in a fixed order, so two scans of the same image diff cleanly.
 */
import { packageKey } from '../../sbom/format/package-refs.js';
import { SEVERITIES, type Finding, type ScanReport } from '../types.js';

const rank = (f: Finding): number => SEVERITIES.indexOf(f.severity);

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) =>
    rank(b) - rank(a)
    || a.package.name.localeCompare(b.package.name)
    || a.installed.localeCompare(b.installed)
    || a.id.localeCompare(b.id)
    || packageKey(a.package).localeCompare(packageKey(b.package)));
}

function findingJson(f: Finding): Record<string, unknown> {
  return {
    id: f.id,
    aliases: f.aliases,
    ...(f.summary !== undefined ? { summary: f.summary } : {}),
    severity: f.severity,
    ...(f.cvssScore !== undefined ? { cvssScore: f.cvssScore } : {}),
    ...(f.cvssVector !== undefined ? { cvssVector: f.cvssVector } : {}),
    package: {
      name: f.package.name,
      version: f.package.version,
      type: f.package.type,
      purl: f.package.purl,
      ...(f.package.sourceName !== undefined ? { sourceName: f.package.sourceName } : {}),
      ...(f.package.sourceVersion !== undefined ? { sourceVersion: f.package.sourceVersion } : {}),
      licenses: f.package.licenses,
      locations: f.package.locations,
    },
    installed: f.installed,
    ...(f.fixedIn !== undefined ? { fixedIn: f.fixedIn } : {}),
    source: f.source,
    references: f.references,
    ...(f.ignored ? { ignored: f.ignored } : {}),
  };
}

export function toJsonReport(report: ScanReport): Record<string, unknown> {
  return {
    target: report.target,
    created: report.created,
    db: report.db,
    packagesScanned: report.packagesScanned,
    incomplete: report.incomplete,
    warnings: report.warnings,
    findings: sortFindings(report.findings).map(findingJson),
  };
}
