/**
 * The scan report as CycloneDX VEX: a CycloneDX 1.6 BOM whose components are the affected packages
 * and whose `vulnerabilities[]` say which advisory affects which component (by bom-ref), how severe
 * it is, and berth's verdict: `exploitable` (the installed version is in an affected range; berth does
 * no reachability analysis) or `not_affected` with the ignore file's reason for ignored findings.
 */
import { Enums, Models } from '@cyclonedx/cyclonedx-library';
import { bomMetadata, newSerialNumber, packageComponent, serializeBom } from '../../sbom/format/cyclonedx.js';
import { packageKey, packageRefs } from '../../sbom/format/package-refs.js';
import { BERTH_VERSION } from '../../common/version.js';
import type { Finding, ScanReport, Severity } from '../types.js';
import { sortFindings } from './json.js';

export interface VexOptions { serialNumber?: string; toolVersion?: string }

function cdxSeverity(s: Severity): Enums.Vulnerability.Severity {
  switch (s) {
    case 'CRITICAL': return Enums.Vulnerability.Severity.Critical;
    case 'HIGH': return Enums.Vulnerability.Severity.High;
    case 'MEDIUM': return Enums.Vulnerability.Severity.Medium;
    case 'LOW': return Enums.Vulnerability.Severity.Low;
    case 'UNKNOWN': return Enums.Vulnerability.Severity.Unknown;
  }
}

/** The CVSS version from the vector's prefix (`CVSS:3.1/…`; v2 vectors have none). */
function cvssMethod(vector: string): Enums.Vulnerability.RatingMethod {
  if (vector.startsWith('CVSS:4.0/')) return Enums.Vulnerability.RatingMethod.CVSSv4;
  if (vector.startsWith('CVSS:3.1/')) return Enums.Vulnerability.RatingMethod.CVSSv31;
  if (vector.startsWith('CVSS:3.0/')) return Enums.Vulnerability.RatingMethod.CVSSv3;
  if (/^\(?AV:[LAN]\//.test(vector)) return Enums.Vulnerability.RatingMethod.CVSSv2;
  return Enums.Vulnerability.RatingMethod.Other;
}

/** Where an alias is published, for its reference entry. */
function aliasSource(id: string): Models.Vulnerability.Source {
  if (id.startsWith('CVE-')) return new Models.Vulnerability.Source({ name: 'NVD', url: `https://nvd.nist.gov/vuln/detail/${id}` });
  if (id.startsWith('GHSA-')) return new Models.Vulnerability.Source({ name: 'GitHub', url: `https://github.com/advisories/${id}` });
  return new Models.Vulnerability.Source({ name: 'OSV', url: `https://osv.dev/vulnerability/${id}` });
}

function vulnerabilityOf(f: Finding, ref: Models.BomRef, index: number): Models.Vulnerability.Vulnerability {
  const ratings = new Models.Vulnerability.RatingRepository([new Models.Vulnerability.Rating({
    severity: cdxSeverity(f.severity),
    ...(f.cvssScore !== undefined ? { score: f.cvssScore } : {}),
    ...(f.cvssVector ? { vector: f.cvssVector, method: cvssMethod(f.cvssVector) } : {}),
  })]);
  const affects = new Models.Vulnerability.AffectRepository([new Models.Vulnerability.Affect(ref, {
    versions: new Models.Vulnerability.AffectedVersionRepository([
      new Models.Vulnerability.AffectedSingleVersion(f.installed, { status: Enums.Vulnerability.AffectStatus.Affected }),
    ]),
  })]);
  const analysis = f.ignored
    ? new Models.Vulnerability.Analysis({
      state: Enums.Vulnerability.AnalysisState.NotAffected,
      detail: f.ignored.expires ? `${f.ignored.reason} (ignored until ${f.ignored.expires})` : f.ignored.reason,
    })
    : new Models.Vulnerability.Analysis({
      state: Enums.Vulnerability.AnalysisState.Exploitable,
      ...(f.fixedIn ? { response: new Enums.Vulnerability.AnalysisResponseRepository([Enums.Vulnerability.AnalysisResponse.Update]) } : {}),
    });
  return new Models.Vulnerability.Vulnerability({
    bomRef: `vuln-${index}:${f.id}`,
    id: f.id,
    source: new Models.Vulnerability.Source({ name: f.source }),
    references: new Models.Vulnerability.ReferenceRepository(f.aliases.map((a) => new Models.Vulnerability.Reference(a, aliasSource(a)))),
    ratings,
    ...(f.summary ? { description: f.summary } : {}),
    ...(f.fixedIn ? { recommendation: `Upgrade ${f.package.name} to ${f.fixedIn} or later.` } : {}),
    advisories: new Models.Vulnerability.AdvisoryRepository(f.references.filter(isUrl).map((u) => new Models.Vulnerability.Advisory(u))),
    affects,
    analysis,
  });
}

function isUrl(s: string): boolean {
  try { return /^https?:$/.test(new URL(s).protocol); } catch { return false; }
}

export function toVex(report: ScanReport, opts: VexOptions = {}): Record<string, unknown> {
  const findings = sortFindings(report.findings);
  const bom = new Models.Bom({ serialNumber: opts.serialNumber ?? newSerialNumber() });
  bom.metadata = bomMetadata(
    { type: report.target.type, name: report.target.name, ...(report.target.imageId ? { imageId: report.target.imageId } : {}) },
    { name: 'berth', version: opts.toolVersion ?? BERTH_VERSION },
    report.created,
  );
  // one component per installed package that has findings, shared by its vulnerabilities
  const byKey = new Map<string, Finding['package']>();
  for (const f of findings) if (!byKey.has(packageKey(f.package))) byKey.set(packageKey(f.package), f.package);
  const packages = [...byKey.values()];
  const refs = packageRefs(packages);
  const components = new Map<string, Models.Component>();
  packages.forEach((p, i) => {
    const c = packageComponent(p, refs[i]!);
    components.set(packageKey(p), c);
    bom.components.add(c);
  });
  findings.forEach((f, i) => bom.vulnerabilities.add(vulnerabilityOf(f, components.get(packageKey(f.package))!.bomRef, i)));
  return serializeBom(bom);
}
