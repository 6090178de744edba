/**
 * The scan report as SARIF 2.1.0 (through the shared writer in src/common/sarif.ts): one rule per
 * advisory, one result per affected package, located at the package database file inside the image
 * (`var/lib/dpkg/status`), so code-scanning tools group alerts by advisory and show where it was found.
 */
import { createHash } from 'node:crypto';
import { BERTH_VERSION } from '../../common/version.js';
import { sarifLog, type SarifResult, type SarifRule } from '../../common/sarif.js';
import type { Finding, ScanReport } from '../types.js';
import { sortFindings } from './json.js';
import { sarifLevel, securitySeverity } from './severity.js';

export interface SarifReportOptions { toolName?: string; toolVersion?: string; informationUri?: string }

/** SARIF rule names are PascalCase identifiers: `DSA-5000-1` -> `Dsa50001`. */
function ruleName(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase()).join('');
}

function fixText(f: Finding): string {
  return f.fixedIn ? `Upgrade ${f.package.name} to ${f.fixedIn} or later.` : `No fixed version of ${f.package.name} is known yet.`;
}

function ruleOf(f: Finding): SarifRule {
  const score = securitySeverity(f.cvssScore);
  return {
    id: f.id,
    name: ruleName(f.id),
    shortDescription: f.summary ?? `${f.id} in ${f.package.name}`,
    fullDescription: [f.summary, f.aliases.length ? `Aliases: ${f.aliases.join(', ')}.` : undefined].filter(Boolean).join(' ') || f.id,
    ...(f.references[0] ? { helpUri: f.references[0] } : {}),
    help: `${f.id} (${f.severity}) affects ${f.package.name} ${f.installed}. ${fixText(f)}`,
    defaultLevel: sarifLevel(f.severity),
    properties: {
      tags: ['security', 'vulnerability', f.severity],
      ...(score ? { 'security-severity': score } : {}),
      ...(f.cvssVector ? { cvssVector: f.cvssVector } : {}),
    },
  };
}

function resultOf(f: Finding): SarifResult {
  const paths = [...new Set(f.package.locations.map((l) => l.path.replace(/^\/+/, '')))];
  return {
    ruleId: f.id,
    level: sarifLevel(f.severity),
    message: `${f.package.name} ${f.installed} is affected by ${f.id} (${f.severity}). ${fixText(f)}`,
    locations: paths.map((uri) => ({ uri })),
    partialFingerprints: {
      'berthFinding/v1': createHash('sha256').update(`${f.id}\n${f.package.purl}`).digest('hex'),
    },
    properties: {
      package: f.package.name,
      purl: f.package.purl,
      type: f.package.type,
      installed: f.installed,
      ...(f.fixedIn ? { fixed: f.fixedIn } : {}),
      severity: f.severity,
      ...(f.cvssScore !== undefined ? { cvssScore: f.cvssScore } : {}),
      layers: [...new Set(f.package.locations.map((l) => l.layerDigest).filter(Boolean))],
      source: f.source,
    },
  };
}

export function toSarif(report: ScanReport, opts: SarifReportOptions = {}): Record<string, unknown> {
  const findings = sortFindings(report.findings);
  const rules = new Map<string, SarifRule>();
  for (const f of findings) if (!rules.has(f.id)) rules.set(f.id, ruleOf(f));
  const log = sarifLog({
    name: opts.toolName ?? 'berth',
    version: opts.toolVersion ?? BERTH_VERSION,
    // berth has no public home page yet: a reserved, never-resolving name rather than an invented one
    informationUri: opts.informationUri ?? 'https://berth.invalid/docs/sbom',
    rules: [...rules.values()],
  }, findings.map(resultOf));
  // An ignore-file entry is a suppression kept outside the scanned artifact (SARIF's `external`);
  // the shared writer has no suppressions, so they are added here, result for result.
  const run = (log.runs as Array<{ results: Array<Record<string, unknown>>; invocations?: unknown; properties?: unknown }>)[0]!;
  findings.forEach((f, i) => {
    if (f.ignored) {
      run.results[i]!.suppressions = [{
        kind: 'external',
        justification: f.ignored.expires ? `${f.ignored.reason} (until ${f.ignored.expires})` : f.ignored.reason,
      }];
    }
  });
  run.invocations = [{
    executionSuccessful: !report.incomplete,
    ...(report.warnings.length ? {
      toolExecutionNotifications: report.warnings.map((w) => ({
        level: 'warning',
        message: { text: w.path ? `${w.path}: ${w.message}` : w.message },
      })),
    } : {}),
  }];
  run.properties = { target: report.target, packagesScanned: report.packagesScanned, db: report.db };
  return log;
}
