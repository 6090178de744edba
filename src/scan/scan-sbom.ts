/** A scan report from an SBOM and the OSV database: matching, the SBOM's own gaps, and the database's identity. */
import { BerthError } from '../common/errors.js';
import type { Sbom } from '../sbom/types.js';
import type { OsvDatabase } from './db/osv-db.js';
import { filterFindings } from './filter.js';
import { matchSbom } from './match.js';
import type { ScanReport, ScanWarning, Severity } from './types.js';

export interface ScanSbomOptions {
  /** drop findings without a known fix (the API returns all unless asked) */
  ignoreUnfixed?: boolean;
  severities?: Set<Severity>;
}

/** Refuse to scan against nothing: an empty database would report every image clean. */
export function requireAdvisories(db: OsvDatabase): number {
  const n = db.count();
  if (n === 0) {
    throw new BerthError('the vulnerability database is empty: import OSV files first with `berth scan db import PATH...` (docs/scan.md says where to get them)',
      { code: 'ERR_SCAN_DB_EMPTY', status: 409 });
  }
  return n;
}

export function scanSbom(db: OsvDatabase, sbom: Sbom, opts: ScanSbomOptions = {}): ScanReport {
  const advisories = requireAdvisories(db);
  const status = db.sources();
  const matched = matchSbom(sbom, db);
  const warnings: ScanWarning[] = [
    // a package database the catalogers could not read: its packages were never checked
    ...sbom.warnings.map((w) => ({ path: w.path, message: `${w.cataloger}: ${w.message}${w.layerDigest ? ` (layer ${w.layerDigest})` : ''}` })),
    ...matched.warnings,
  ];
  return {
    target: {
      type: sbom.source.type,
      name: sbom.source.name,
      ...(sbom.source.imageId ? { imageId: sbom.source.imageId } : {}),
      ...(sbom.distro ? { distro: sbom.distro.prettyName ?? [sbom.distro.id, sbom.distro.versionId].filter(Boolean).join(' ') } : {}),
    },
    findings: filterFindings(matched.findings, { severities: opts.severities, ignoreUnfixed: opts.ignoreUnfixed }),
    packagesScanned: matched.packagesScanned,
    warnings,
    incomplete: warnings.length > 0,
    db: { advisories, sources: status.sources.map((s) => s.name), ...(status.updated ? { updated: status.updated } : {}) },
    created: new Date().toISOString(),
  };
}
