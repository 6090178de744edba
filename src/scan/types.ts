import type { SbomPackage } from '../sbom/types.js';

/** Severity as the scanners print it (Trivy and grype use the same five plus UNKNOWN). */
export type Severity = 'UNKNOWN' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export const SEVERITIES: readonly Severity[] = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** One advisory that applies to one installed package. */
export interface Finding {
  /** the OSV ID (`DSA-5000-1`, `GHSA-…`, `CVE-…`) */
  id: string;
  aliases: string[];
  summary?: string;
  severity: Severity;
  /** the CVSS base score when the advisory carries a vector */
  cvssScore?: number;
  cvssVector?: string;
  package: SbomPackage;
  installed: string;
  /** the first fixed version after the installed one; absent when no fix is known */
  fixedIn?: string;
  /** where the advisory came from (the imported source's name) */
  source: string;
  references: string[];
  /** set when an ignore file entry covers this finding (it is then not counted) */
  ignored?: { reason: string; expires?: string };
}

export interface ScanWarning { path?: string; message: string }

export interface ScanReport {
  target: { type: 'image' | 'container' | 'directory'; name: string; imageId?: string; distro?: string };
  findings: Finding[];
  /** packages looked at, and those whose ecosystem the database has no advisories for */
  packagesScanned: number;
  /** problems that make the result incomplete (an SBOM warning, a corrupt database entry) */
  warnings: ScanWarning[];
  /** true when warnings mean some packages were not checked */
  incomplete: boolean;
  db: { advisories: number; sources: string[]; updated?: string };
  created: string;
}
