/**
 * Matching SBOM packages to advisories, over a real database file: Debian by source package and
 * source version, apk by origin, npm, PyPI (normalised), Go (v-less), Maven (group:artifact); fixed ==
 * installed is not a finding, withdrawn never matches, aliases merge, severity comes from CVSS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { OsvDatabase } from '../../src/scan/db/osv-db.js';
import { matchSbom, queryOf } from '../../src/scan/match.js';
import type { Sbom, SbomPackage } from '../../src/sbom/types.js';
import { rangeAdvisory, writeAdvisories, osv } from './osv-fixtures.js';

const CRIT = [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }]; // 9.8
const MED = [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:N' }]; // 6.5

function pkg(p: Partial<SbomPackage> & Pick<SbomPackage, 'name' | 'version' | 'type' | 'purl'>): SbomPackage {
  return { licenses: [], locations: [{ path: '/var/lib/dpkg/status', layerDigest: 'sha256:' + 'a'.repeat(64) }], ...p };
}

function sbomOf(packages: SbomPackage[], distro?: Sbom['distro']): Sbom {
  return { source: { type: 'directory', name: '/x' }, ...(distro ? { distro } : {}), packages, warnings: [], created: new Date().toISOString(), tool: { name: 'berth', version: 'test' } };
}

async function dbWith(t: { after(fn: () => void): void }, advisories: ReturnType<typeof osv>[]): Promise<OsvDatabase> {
  const d = mkdtempSync(join(tmpdir(), 'berth-match-'));
  writeAdvisories(join(d, 'src'), advisories);
  const db = OsvDatabase.open(join(d, 'osv.db'));
  t.after(() => { db.close(); rmSync(d, { recursive: true, force: true }); });
  const r = await db.import([join(d, 'src')]);
  assert.equal(r.incomplete, false);
  return db;
}

const DEB12 = { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' };

test('Debian: source-keyed advisories apply to every binary of the source, at the source version', async (t) => {
  const db = await dbWith(t, [
    rangeAdvisory('DSA-5514-1', 'Debian:12', 'glibc', [{ introduced: '0' }, { fixed: '2.36-9+deb12u3' }], { severity: CRIT, aliases: ['CVE-2023-4911'] }),
    rangeAdvisory('DLA-9999-1', 'Debian:11', 'glibc', [{ introduced: '0' }, { fixed: '2.99-1' }]), // another release
    rangeAdvisory('DSA-5001-1', 'Debian:12', 'bash', [{ introduced: '0' }, { fixed: '5.2.15-2+b2' }]), // fixed == installed
    rangeAdvisory('CVE-2026-1111', 'Debian:12', 'coreutils', [{ introduced: '0' }]), // no fix
    osv({ id: 'DSA-5002-1', withdrawn: '2026-01-02T00:00:00Z', affected: [{ package: { ecosystem: 'Debian:12', name: 'coreutils' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }] }),
  ]);
  const packages = [
    pkg({ name: 'libc6', version: '2.36-9+deb12u1', type: 'deb', purl: 'pkg:deb/debian/libc6@2.36-9+deb12u1?arch=amd64&distro=debian-12', sourceName: 'glibc', sourceVersion: '2.36-9+deb12u1' }),
    pkg({ name: 'libc-bin', version: '2.36-9+deb12u1', type: 'deb', purl: 'pkg:deb/debian/libc-bin@2.36-9+deb12u1?arch=amd64&distro=debian-12', sourceName: 'glibc', sourceVersion: '2.36-9+deb12u1' }),
    // a binNMU: the binary version differs, the source version is what advisories name
    pkg({ name: 'bash', version: '5.2.15-2+b2', type: 'deb', purl: 'pkg:deb/debian/bash@5.2.15-2+b2?arch=amd64&distro=debian-12', sourceName: 'bash', sourceVersion: '5.2.15-2' }),
    pkg({ name: 'coreutils', version: '9.1-1', type: 'deb', purl: 'pkg:deb/debian/coreutils@9.1-1?arch=amd64&distro=debian-12' }),
  ];
  const r = matchSbom(sbomOf(packages, DEB12), db);
  assert.deepEqual(r.warnings, []);
  const got = r.findings.map((f) => `${f.package.name} ${f.id} ${f.fixedIn ?? '-'} ${f.severity}`).sort();
  // bash: 5.2.15-2 (source) < 5.2.15-2+b2 (fixed) — found; coreutils: no fix; withdrawn DSA-5002-1 absent
  assert.deepEqual(got, [
    'bash DSA-5001-1 5.2.15-2+b2 UNKNOWN',
    'coreutils CVE-2026-1111 - UNKNOWN',
    'libc-bin DSA-5514-1 2.36-9+deb12u3 CRITICAL',
    'libc6 DSA-5514-1 2.36-9+deb12u3 CRITICAL',
  ]);
  const libc = r.findings.find((f) => f.package.name === 'libc6')!;
  assert.equal(libc.cvssScore, 9.8);
  assert.deepEqual(libc.aliases, ['CVE-2023-4911']);
  assert.equal(libc.installed, '2.36-9+deb12u1');

  // the same packages at the fixed versions: nothing
  const fixed = packages.map((p) => p.name === 'coreutils' ? p : { ...p, version: p.name === 'bash' ? '5.2.15-2+b2' : '2.36-9+deb12u3', sourceVersion: p.name === 'bash' ? '5.2.15-2+b2' : '2.36-9+deb12u3' });
  assert.deepEqual(matchSbom(sbomOf(fixed, DEB12), db).findings.map((f) => f.package.name), ['coreutils']);
});

test('aliases merge: the same CVE from two sources is one finding with every ID, the worst rating and the lowest fix', async (t) => {
  const db = await dbWith(t, [
    rangeAdvisory('DSA-6000-1', 'Debian:12', 'openssl', [{ introduced: '0' }, { fixed: '3.0.15-1~deb12u1' }], { aliases: ['CVE-2024-5535'], severity: MED }),
    rangeAdvisory('CVE-2024-5535', 'Debian:12', 'openssl', [{ introduced: '0' }, { fixed: '3.0.14-1~deb12u1' }], { severity: CRIT, summary: 'SSL_select_next_proto buffer overread' }),
  ]);
  const r = matchSbom(sbomOf([pkg({ name: 'libssl3', version: '3.0.11-1~deb12u2', type: 'deb', purl: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?distro=debian-12', sourceName: 'openssl' })], DEB12), db);
  assert.equal(r.findings.length, 1);
  const f = r.findings[0]!;
  assert.equal(f.id, 'CVE-2024-5535');
  assert.deepEqual(f.aliases, ['DSA-6000-1']);
  assert.equal(f.severity, 'CRITICAL');
  assert.equal(f.fixedIn, '3.0.14-1~deb12u1');
});

test('apk by origin, npm, PyPI (normalised), Go (v-less, stdlib), Maven (group:artifact); SEMVER ranges and versions lists', async (t) => {
  const db = await dbWith(t, [
    rangeAdvisory('CVE-2024-0727', 'Alpine:v3.19', 'openssl', [{ introduced: '0' }, { fixed: '3.1.4-r5' }]),
    rangeAdvisory('GHSA-p6mc-m468-83gw', 'npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.20' }], { severity: CRIT }),
    rangeAdvisory('PYSEC-2023-62', 'PyPI', 'requests', [{ introduced: '2.3.0' }, { fixed: '2.31.0' }]),
    osv({ id: 'GO-2024-2687', affected: [{ package: { ecosystem: 'Go', name: 'golang.org/x/net' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '0.23.0' }] }] }] }),
    osv({ id: 'GO-2024-2600', affected: [{ package: { ecosystem: 'Go', name: 'stdlib' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '1.22.0' }, { fixed: '1.22.1' }] }] }] }),
    rangeAdvisory('GHSA-jfh8-c2jp-5v3q', 'Maven', 'org.apache.logging.log4j:log4j-core', [{ introduced: '2.0-beta9' }, { fixed: '2.15.0' }]),
    osv({ id: 'GHSA-aaaa-bbbb-0001', affected: [{ package: { ecosystem: 'npm', name: 'minimist' }, versions: ['1.2.5'] }] }),
  ]);
  const packages = [
    pkg({ name: 'libcrypto3', version: '3.1.4-r2', type: 'apk', purl: 'pkg:apk/alpine/libcrypto3@3.1.4-r2?distro=alpine-3.19.1', sourceName: 'openssl' }),
    pkg({ name: 'lodash', version: '4.17.15', type: 'npm', purl: 'pkg:npm/lodash@4.17.15' }),
    pkg({ name: 'minimist', version: '1.2.5', type: 'npm', purl: 'pkg:npm/minimist@1.2.5' }),
    pkg({ name: 'Requests', version: '2.28.1', type: 'python', purl: 'pkg:pypi/requests@2.28.1' }),
    pkg({ name: 'golang.org/x/net', version: 'v0.17.0', type: 'go-module', purl: 'pkg:golang/golang.org/x/net@v0.17.0' }),
    pkg({ name: 'stdlib', version: 'go1.22.0', type: 'go-module', purl: 'pkg:golang/stdlib@1.22.0' }),
    pkg({ name: 'log4j-core', version: '2.14.1', type: 'java-archive', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', metadata: { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-core' } }),
    pkg({ name: 'log4j-api', version: '2.14.1', type: 'java-archive', purl: 'pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1' }),
  ];
  const r = matchSbom(sbomOf(packages, { id: 'alpine', versionId: '3.19.1' }), db);
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.findings.map((f) => `${f.package.name} ${f.id} ${f.fixedIn ?? '-'}`).sort(), [
    'Requests PYSEC-2023-62 2.31.0',
    'golang.org/x/net GO-2024-2687 0.23.0',
    'libcrypto3 CVE-2024-0727 3.1.4-r5',
    'lodash GHSA-p6mc-m468-83gw 4.17.20',
    'log4j-core GHSA-jfh8-c2jp-5v3q 2.15.0',
    'minimist GHSA-aaaa-bbbb-0001 -',
    'stdlib GO-2024-2600 1.22.1',
  ]);
  assert.equal(r.findings.find((f) => f.package.name === 'lodash')!.severity, 'CRITICAL');
});

test('packages berth cannot map, and versions an ordering cannot read, are warnings (the scan is incomplete), not silence', async (t) => {
  const db = await dbWith(t, [rangeAdvisory('CVE-2026-2222', 'npm', 'left-pad', [{ introduced: '0' }, { fixed: 'not-a-version' }])]);
  const r = matchSbom(sbomOf([
    pkg({ name: 'bash', version: '5.1-6ubuntu1', type: 'deb', purl: 'pkg:deb/ubuntu/bash@5.1-6ubuntu1' }),
    pkg({ name: 'left-pad', version: '1.0.0', type: 'npm', purl: 'pkg:npm/left-pad@1.0.0' }),
  ], { id: 'ubuntu', versionId: '22.04', prettyName: 'Ubuntu 22.04.4 LTS' }), db);
  assert.equal(r.findings.length, 0);
  assert.equal(r.warnings.length, 2);
  assert.match(r.warnings.find((w) => /Ubuntu/.test(w.message))!.message, /1 package: deb packages of Ubuntu 22.04.4 LTS are not matched/);
  assert.match(r.warnings.find((w) => /left-pad/.test(w.message))!.message, /not checked against CVE-2026-2222/);
  // no os-release: the purl's distro qualifier still names the release
  assert.deepEqual(queryOf(pkg({ name: 'x', version: '1', type: 'deb', purl: 'pkg:deb/debian/x@1?distro=debian-12' }), undefined), { ecosystem: 'Debian:12', name: 'x', version: '1', order: 'Debian' });
});
