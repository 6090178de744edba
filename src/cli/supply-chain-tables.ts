/**
 * The tables people read for SBOMs and scan results, and the rows that `--format` templates see
 * (one per package or finding, like `docker ps` rows): columns modelled on syft's and Trivy's/grype's.
 * They live with the CLI because the tabwriter and templates are the client's (src/client/format).
 */
import { renderItems } from '../client/format/formatter.js';
import type { SbomPackage } from '../sbom/types.js';
import { sortFindings } from '../scan/report/json.js';
import type { Finding } from '../scan/types.js';

function shortLayer(digest: string | undefined): string {
  if (!digest) return '';
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return hex.slice(0, 12);
}

/** A package as templates see it: `{{.Name}} {{.Version}} {{.Purl}}`; `{{json .}}` gives the whole package. */
export class PackageRow {
  constructor(private readonly p: SbomPackage) {}
  get Name(): string { return this.p.name; }
  get Version(): string { return this.p.version; }
  get Type(): string { return this.p.type; }
  get Purl(): string { return this.p.purl; }
  get License(): string { return this.p.licenses.join(', '); }
  get Licenses(): string[] { return this.p.licenses; }
  get Layer(): string { return shortLayer(this.p.locations[0]?.layerDigest); }
  get LayerDigest(): string { return this.p.locations[0]?.layerDigest ?? ''; }
  get Path(): string { return this.p.locations[0]?.path ?? ''; }
  get Locations(): SbomPackage['locations'] { return this.p.locations; }
  get SourceName(): string { return this.p.sourceName ?? ''; }
  get SourceVersion(): string { return this.p.sourceVersion ?? ''; }
  get Arch(): string { return this.p.arch ?? ''; }
  toJSON(): SbomPackage { return this.p; }
}

export const PACKAGE_TABLE = 'table {{.Name}}\t{{.Version}}\t{{.Type}}\t{{.License}}\t{{.Layer}}';
const PACKAGE_HEADERS = {
  Name: 'NAME', Version: 'VERSION', Type: 'TYPE', Purl: 'PURL', License: 'LICENSE', Licenses: 'LICENSES', Layer: 'LAYER',
  LayerDigest: 'LAYER DIGEST', Path: 'PATH', Locations: 'LOCATIONS', SourceName: 'SOURCE', SourceVersion: 'SOURCE VERSION', Arch: 'ARCH',
};

/** `format`: '' or 'table' for the default table, `table …` or a template for others. */
export function renderPackages(format: string, packages: SbomPackage[]): string {
  return renderItems({ format, defaultTable: PACKAGE_TABLE, headers: PACKAGE_HEADERS }, packages.map((p) => new PackageRow(p)));
}

/** A finding as templates see it: `{{.Name}} {{.Vulnerability}} {{.Severity}}`. */
export class FindingRow {
  constructor(private readonly f: Finding) {}
  get Name(): string { return this.f.package.name; }
  get Installed(): string { return this.f.installed; }
  get FixedIn(): string { return this.f.fixedIn ?? ''; }
  get Type(): string { return this.f.package.type; }
  get Vulnerability(): string { return this.f.id; }
  get Aliases(): string { return this.f.aliases.join(', '); }
  get Severity(): string { return this.f.severity; }
  get Score(): string { return this.f.cvssScore === undefined ? '' : this.f.cvssScore.toFixed(1); }
  get Summary(): string { return this.f.summary ?? ''; }
  get Layer(): string { return shortLayer(this.f.package.locations[0]?.layerDigest); }
  get Path(): string { return this.f.package.locations[0]?.path ?? ''; }
  get Purl(): string { return this.f.package.purl; }
  get Source(): string { return this.f.source; }
  get Ignored(): string { return this.f.ignored ? this.f.ignored.reason : ''; }
  toJSON(): Finding { return this.f; }
}

export const FINDING_TABLE = 'table {{.Name}}\t{{.Installed}}\t{{.FixedIn}}\t{{.Type}}\t{{.Vulnerability}}\t{{.Severity}}\t{{.Layer}}';
const FINDING_HEADERS = {
  Name: 'NAME', Installed: 'INSTALLED', FixedIn: 'FIXED-IN', Type: 'TYPE', Vulnerability: 'VULNERABILITY', Aliases: 'ALIASES',
  Severity: 'SEVERITY', Score: 'SCORE', Summary: 'SUMMARY', Layer: 'LAYER', Path: 'PATH', Purl: 'PURL', Source: 'SOURCE', Ignored: 'IGNORED',
};

/** Findings most severe first (the JSON report's order). */
export function renderFindings(format: string, findings: Finding[]): string {
  return renderItems({ format, defaultTable: FINDING_TABLE, headers: FINDING_HEADERS }, sortFindings(findings).map((f) => new FindingRow(f)));
}
