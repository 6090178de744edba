/**
 * SBOM packages → the advisories that affect them. Each package type names its OSV ecosystem and the
 * name advisories use: Debian's advisories name SOURCE packages (so `libc6`, built from `glibc`, is
 * looked up as `glibc` at its source version, and every binary of an affected source is reported),
 * Alpine's name the origin, Maven's `group:artifact`, Go's the module path without its `v`.
 * Whether a version is affected, and which version fixes it, is the ecosystem's own ordering over the
 * advisory's ranges (osv/affected.ts); the severity is from CVSS where present (severity.ts).
 */
import { PackageURL } from 'packageurl-js';
import type { OsvDatabase, StoredAdvisory } from './db/osv-db.js';
import { ecosystemBase, packageKey } from './db/keys.js';
import { affectedBy } from './osv/affected.js';
import type { OsvAdvisory } from './osv/types.js';
import { severityOf } from './severity.js';
import { SEVERITIES, type Finding, type ScanWarning } from './types.js';
import { versionOrder } from './versions/index.js';
import type { Ecosystem, VersionOrder } from './versions/types.js';
import type { DistroInfo, Sbom, SbomPackage } from '../sbom/types.js';

/** How one installed package is looked up: the OSV ecosystem it belongs to, the name and version advisories use. */
export interface PackageQuery {
  /** the exact OSV ecosystem (`Debian:12`, `Alpine:v3.19`, `npm`) */
  ecosystem: string;
  name: string;
  version: string;
  order: Ecosystem;
}

export interface MatchResult { findings: Finding[]; warnings: ScanWarning[]; packagesScanned: number }

/** `12.5` → `12`; `3.19.1` → `v3.19` as Alpine's OSV names its releases. */
function debianRelease(distro: DistroInfo | undefined, pkg: SbomPackage): string | undefined {
  if (distro?.id === 'debian' && distro.versionId) return distro.versionId.split('.')[0];
  // no os-release (a distroless layer without one): the purl's distro qualifier, `debian-12`
  const q = /[?&]distro=debian-(\d+)/.exec(pkg.purl);
  return q?.[1];
}

function alpineRelease(distro: DistroInfo | undefined, pkg: SbomPackage): string | undefined {
  const v = distro?.id === 'alpine' ? distro.versionId : /[?&]distro=alpine-([\d.]+)/.exec(pkg.purl)?.[1];
  const m = v ? /^(\d+)\.(\d+)/.exec(v) : null;
  return m ? `v${m[1]}.${m[2]}` : undefined;
}

/** The RPM distributions OSV publishes, by os-release ID. */
const RPM_ECOSYSTEMS: Record<string, string> = { rocky: 'Rocky Linux', almalinux: 'AlmaLinux', rhel: 'Red Hat', 'opensuse-leap': 'openSUSE', sles: 'SUSE' };

/** The lookup for a package, or why it cannot be looked up (then it is reported, never silently skipped). */
export function queryOf(pkg: SbomPackage, distro: DistroInfo | undefined): PackageQuery | { unsupported: string } {
  switch (pkg.type) {
    case 'deb': {
      const rel = debianRelease(distro, pkg);
      if (!rel) return { unsupported: `deb packages of ${distro?.prettyName ?? distro?.id ?? 'an unknown distribution'} are not matched: berth maps Debian releases to OSV's Debian:<release>` };
      return { ecosystem: `Debian:${rel}`, name: pkg.sourceName ?? pkg.name, version: pkg.sourceVersion ?? pkg.version, order: 'Debian' };
    }
    case 'apk': {
      const rel = alpineRelease(distro, pkg);
      if (!rel) return { unsupported: `apk packages of ${distro?.prettyName ?? distro?.id ?? 'an unknown distribution'} are not matched: berth maps Alpine releases to OSV's Alpine:v<major.minor>` };
      return { ecosystem: `Alpine:${rel}`, name: pkg.sourceName ?? pkg.name, version: pkg.version, order: 'Alpine' };
    }
    case 'rpm': {
      const eco = distro ? RPM_ECOSYSTEMS[distro.id] : undefined;
      const major = distro?.versionId?.split('.')[0];
      if (!eco || !major) return { unsupported: `rpm packages of ${distro?.prettyName ?? distro?.id ?? 'an unknown distribution'} are not matched: OSV has no ecosystem for it` };
      return { ecosystem: `${eco}:${major}`, name: pkg.name, version: pkg.version, order: 'RPM' };
    }
    case 'npm': return { ecosystem: 'npm', name: pkg.name, version: pkg.version, order: 'npm' };
    case 'python': return { ecosystem: 'PyPI', name: pkg.name, version: pkg.version, order: 'PyPI' };
    // Go's versions are v1.2.3 (modules) and go1.22.4 (stdlib); OSV writes 1.2.3
    case 'go-module': return { ecosystem: 'Go', name: pkg.name, version: pkg.version.replace(/^(v|go)(?=\d)/, ''), order: 'Go' };
    case 'java-archive': {
      let group = typeof pkg.metadata?.groupId === 'string' ? pkg.metadata.groupId : undefined;
      let artifact = typeof pkg.metadata?.artifactId === 'string' ? pkg.metadata.artifactId : pkg.name;
      try {
        const p = PackageURL.fromString(pkg.purl);
        if (p.type === 'maven' && p.namespace) { group = p.namespace; artifact = p.name; }
      } catch { /* keep the metadata's */ }
      if (!group) return { unsupported: `${pkg.name} ${pkg.version} has no Maven group id, so Maven advisories cannot name it` };
      return { ecosystem: 'Maven', name: `${group}:${artifact}`, version: pkg.version, order: 'Maven' };
    }
  }
}

/** What one advisory says about one installed version: affected or not, the fix above it. */
function evaluate(a: OsvAdvisory, q: PackageQuery, order: VersionOrder, key: (n: string) => string): { affected: boolean; fixedIn?: string; affectedEntry?: NonNullable<OsvAdvisory['affected']>[number] } {
  let fixedIn: string | undefined;
  let entry: NonNullable<OsvAdvisory['affected']>[number] | undefined;
  for (const aff of a.affected ?? []) {
    if (!aff.package || aff.package.ecosystem !== q.ecosystem || key(aff.package.name) !== key(q.name)) continue;
    const r = affectedBy(aff, q.version, order); // throws ERR_VERSION_INVALID on an unreadable version
    if (!r.affected) continue;
    entry ??= aff;
    if (r.fixedIn !== undefined && (fixedIn === undefined || order.compare(r.fixedIn, fixedIn) < 0)) fixedIn = r.fixedIn;
  }
  return entry ? { affected: true, fixedIn, affectedEntry: entry } : { affected: false };
}

function findingOf(s: StoredAdvisory, pkg: SbomPackage, q: PackageQuery, fixedIn: string | undefined, entry: NonNullable<OsvAdvisory['affected']>[number]): Finding {
  const a = s.advisory;
  const sev = severityOf(a, entry);
  return {
    id: a.id,
    aliases: [...new Set(a.aliases ?? [])].filter((x) => x !== a.id),
    ...(a.summary ? { summary: a.summary } : {}),
    severity: sev.severity,
    ...(sev.score !== undefined ? { cvssScore: sev.score } : {}),
    ...(sev.vector !== undefined ? { cvssVector: sev.vector } : {}),
    package: pkg,
    installed: pkg.version,
    ...(fixedIn !== undefined ? { fixedIn } : {}),
    source: s.source,
    references: (a.references ?? []).map((r) => r.url),
  };
}

/** Prefer a CVE ID as the name of merged findings (what Trivy and grype print), else the first ID. */
function primaryOf(group: Finding[]): Finding {
  return [...group].sort((x, y) => Number(!x.id.startsWith('CVE-')) - Number(!y.id.startsWith('CVE-')) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))[0]!;
}

/**
 * One finding per vulnerability per package: advisories that name each other (`DSA-5000-1` with alias
 * `CVE-2023-1`, and `CVE-2023-1` itself from another source) merge, keeping every ID as an alias, the
 * most severe rating, and the lowest fix.
 */
export function dedupeByAliases(findings: Finding[], order: (f: Finding) => VersionOrder): Finding[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) ?? (parent.set(r, r), r);
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string) => { const ra = find(a); const rb = find(b); if (ra !== rb) parent.set(ra, rb); };
  for (const f of findings) { find(f.id); for (const al of f.aliases) union(f.id, al); }
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = find(f.id);
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(f);
  }
  return [...groups.values()].map((g) => {
    if (g.length === 1) return g[0]!;
    const p = primaryOf(g);
    const worst = [...g].sort((x, y) => SEVERITIES.indexOf(y.severity) - SEVERITIES.indexOf(x.severity) || (y.cvssScore ?? -1) - (x.cvssScore ?? -1))[0]!;
    const fixes = g.map((f) => f.fixedIn).filter((v): v is string => v !== undefined);
    const ord = order(p);
    const fixedIn = fixes.sort((x, y) => { try { return ord.compare(x, y); } catch { return 0; } })[0];
    const ids = new Set(g.flatMap((f) => [f.id, ...f.aliases]));
    ids.delete(p.id);
    const merged: Finding = {
      ...p,
      aliases: [...ids].sort(),
      severity: worst.severity,
      references: [...new Set(g.flatMap((f) => f.references))],
    };
    delete merged.cvssScore; delete merged.cvssVector; delete merged.fixedIn;
    if (worst.cvssScore !== undefined) merged.cvssScore = worst.cvssScore;
    if (worst.cvssVector !== undefined) merged.cvssVector = worst.cvssVector;
    if (fixedIn !== undefined) merged.fixedIn = fixedIn;
    if (!merged.summary) { const s = g.find((f) => f.summary)?.summary; if (s) merged.summary = s; }
    return merged;
  });
}

/** The findings for every package of an SBOM; unreadable versions and unmapped packages are warnings. */
export function matchSbom(sbom: Sbom, db: OsvDatabase): MatchResult {
  const warnings: ScanWarning[] = [];
  const warn = (w: ScanWarning) => warnings.push(w);
  const cache = new Map<string, StoredAdvisory[]>();
  const unsupported = new Map<string, number>();
  const findings: Finding[] = [];
  for (const pkg of sbom.packages) {
    const q = queryOf(pkg, sbom.distro);
    if ('unsupported' in q) { unsupported.set(q.unsupported, (unsupported.get(q.unsupported) ?? 0) + 1); continue; }
    const base = ecosystemBase(q.ecosystem);
    const ck = `${base}\0${q.name}`;
    let stored = cache.get(ck);
    if (!stored) { stored = db.lookup(base, q.name, warn); cache.set(ck, stored); }
    if (stored.length === 0) continue;
    const order = versionOrder(q.order);
    const key = (n: string) => packageKey(base, n);
    const own: Finding[] = [];
    for (const s of stored) {
      if (s.advisory.withdrawn) continue;
      try {
        const r = evaluate(s.advisory, q, order, key);
        if (r.affected) own.push(findingOf(s, pkg, q, r.fixedIn, r.affectedEntry!));
      } catch (e) {
        warn({ path: pkg.locations[0]?.path, message: `${pkg.name} ${q.version} was not checked against ${s.advisory.id}: ${(e as Error).message}` });
      }
    }
    findings.push(...dedupeByAliases(own, () => order));
  }
  for (const [message, n] of unsupported) warnings.push({ message: `${n} package${n === 1 ? '' : 's'}: ${message}` });
  return { findings, warnings, packagesScanned: sbom.packages.length };
}
