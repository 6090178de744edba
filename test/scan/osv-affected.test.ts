/** OSV's evaluation of `affected` entries (https://ossf.github.io/osv-schema/#evaluation) with each ecosystem's ordering. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { affectedBy } from '../../src/scan/osv/affected.js';
import type { OsvAdvisory, OsvAffected } from '../../src/scan/osv/types.js';
import { versionOrder } from '../../src/scan/versions/index.js';
import { BerthError } from '../../src/common/errors.js';

const debian = versionOrder('Debian');
const npm = versionOrder('npm');

// The shape of a Debian advisory as OSV publishes it (DSA for openssl in bookworm)
const openssl: OsvAffected = {
  package: { ecosystem: 'Debian:12', name: 'openssl' },
  ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u1' }] }],
};

test('introduced "0": every version before the fix is affected, and fixedIn names the fix', () => {
  assert.deepEqual(affectedBy(openssl, '3.0.9-1', debian), { affected: true, fixedIn: '3.0.11-1~deb12u1' });
  assert.deepEqual(affectedBy(openssl, '0.9.8', debian), { affected: true, fixedIn: '3.0.11-1~deb12u1' });
  assert.deepEqual(affectedBy(openssl, '3.0.11-1~deb12u0', debian), { affected: true, fixedIn: '3.0.11-1~deb12u1' });
});

test('the installed version equal to fixed is not affected; later ones neither', () => {
  assert.deepEqual(affectedBy(openssl, '3.0.11-1~deb12u1', debian), { affected: false });
  assert.deepEqual(affectedBy(openssl, '3.0.11-1~deb12u2', debian), { affected: false });
  assert.deepEqual(affectedBy(openssl, '3.0.11-1', debian), { affected: false });
  assert.deepEqual(affectedBy(openssl, '1:1.0', debian), { affected: false }, 'a higher epoch is later');
});

test('introduced and fixed bound the range on both sides', () => {
  const a: OsvAffected = { ranges: [{ type: 'SEMVER', events: [{ introduced: '1.2.0' }, { fixed: '1.4.1' }] }] };
  assert.equal(affectedBy(a, '1.1.9', npm).affected, false);
  assert.deepEqual(affectedBy(a, '1.2.0', npm), { affected: true, fixedIn: '1.4.1' });
  assert.deepEqual(affectedBy(a, '1.4.1-rc.1', npm), { affected: true, fixedIn: '1.4.1' });
  assert.equal(affectedBy(a, '1.4.1', npm).affected, false);
});

test('last_affected is inclusive and gives no fix', () => {
  const a: OsvAffected = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.0.0' }, { last_affected: '2.3.4' }] }] };
  assert.deepEqual(affectedBy(a, '2.3.4', npm), { affected: true });
  assert.deepEqual(affectedBy(a, '2.0.0', npm), { affected: true });
  assert.equal(affectedBy(a, '2.3.5', npm).affected, false);
  assert.equal(affectedBy(a, '1.9.9', npm).affected, false);
});

test('several introduced/fixed pairs in one range, and several ranges OR\'ed: fixedIn is the next fix up', () => {
  const a: OsvAffected = {
    ranges: [
      { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0.5' }, { introduced: '2.0.0' }, { fixed: '2.1.3' }] },
      { type: 'ECOSYSTEM', events: [{ introduced: '3.0.0' }, { fixed: '3.0.2' }] },
    ],
  };
  assert.deepEqual(affectedBy(a, '1.0.0', npm), { affected: true, fixedIn: '1.0.5' });
  assert.deepEqual(affectedBy(a, '1.5.0', npm), { affected: false });
  assert.deepEqual(affectedBy(a, '2.1.0', npm), { affected: true, fixedIn: '2.1.3' });
  assert.deepEqual(affectedBy(a, '2.1.3', npm), { affected: false });
  assert.deepEqual(affectedBy(a, '3.0.1', npm), { affected: true, fixedIn: '3.0.2' });
  assert.deepEqual(affectedBy(a, '3.0.2', npm), { affected: false });
  // events listed out of order are sorted by the ordering first
  const shuffled: OsvAffected = { ranges: [{ type: 'ECOSYSTEM', events: [{ fixed: '2.1.3' }, { introduced: '2.0.0' }, { fixed: '1.0.5' }, { introduced: '0' }] }] };
  assert.deepEqual(affectedBy(shuffled, '2.0.1', npm), { affected: true, fixedIn: '2.1.3' });
  assert.deepEqual(affectedBy(shuffled, '1.2.0', npm), { affected: false });
});

test('the smallest fix above the installed version wins across matching ranges (backports)', () => {
  const a: OsvAffected = {
    ranges: [
      { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.17.1' }] },
      { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.12.4' }] },
    ],
  };
  const maven = versionOrder('Maven');
  assert.deepEqual(affectedBy(a, '2.12.1', maven), { affected: true, fixedIn: '2.12.4' });
  assert.deepEqual(affectedBy(a, '2.14.0', maven), { affected: true, fixedIn: '2.17.1' });
});

test('a versions list alone: exact membership', () => {
  const a: OsvAffected = { versions: ['1.0.0', '1.0.1', '1.1.0'] };
  assert.deepEqual(affectedBy(a, '1.0.1', npm), { affected: true });
  assert.deepEqual(affectedBy(a, '1.0.2', npm), { affected: false });
  assert.deepEqual(affectedBy({ versions: ['2.0'] }, '2.0', versionOrder('PyPI')), { affected: true });
  assert.deepEqual(affectedBy({ versions: ['2.0'] }, '2.0.0', versionOrder('PyPI')), { affected: false }, 'membership is by string');
});

test('limit caps a range; "*" is no limit', () => {
  const a: OsvAffected = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { limit: '2.0.0' }] }] };
  assert.equal(affectedBy(a, '1.9.0', npm).affected, true);
  assert.equal(affectedBy(a, '2.0.0', npm).affected, false);
  const b: OsvAffected = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0.0' }, { limit: '*' }] }] };
  assert.equal(affectedBy(b, '9.0.0', npm).affected, true);
});

test('GIT ranges are skipped; no ranges and no versions means not affected', () => {
  const a: OsvAffected = { ranges: [{ type: 'GIT', repo: 'https://github.com/x/y', events: [{ introduced: '0' }, { fixed: 'abc123' }] }] };
  assert.deepEqual(affectedBy(a, '1.0.0', npm), { affected: false });
  assert.deepEqual(affectedBy({}, '1.0.0', npm), { affected: false });
});

test('each ecosystem\'s ordering decides: PyPI pre-releases, Alpine revisions, Go pseudo-versions', () => {
  const py: OsvAffected = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }] };
  assert.equal(affectedBy(py, '2.0.0rc1', versionOrder('PyPI')).affected, true);
  assert.equal(affectedBy(py, '2.0.0.post1', versionOrder('PyPI')).affected, false);
  const apk: OsvAffected = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.36.1-r2' }] }] };
  assert.equal(affectedBy(apk, '1.36.1-r1', versionOrder('Alpine')).affected, true);
  assert.equal(affectedBy(apk, '1.36.1-r2', versionOrder('Alpine')).affected, false);
  const go: OsvAffected = { ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '0.17.0' }] }] };
  assert.deepEqual(affectedBy(go, 'v0.0.0-20220722155217-630584e8d5aa', versionOrder('Go')), { affected: true, fixedIn: '0.17.0' });
  assert.equal(affectedBy(go, 'v0.17.0', versionOrder('Go')).affected, false);
  // the Go standard library comes as toolchain versions; SEMVER ranges read them with Go's ordering
  const stdlib: OsvAffected = { ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.21.11' }, { introduced: '1.22.0-0' }, { fixed: '1.22.4' }] }] };
  assert.deepEqual(affectedBy(stdlib, 'go1.22rc1', versionOrder('Go')), { affected: true, fixedIn: '1.22.4' });
  assert.deepEqual(affectedBy(stdlib, 'go1.21', versionOrder('Go')), { affected: true, fixedIn: '1.21.11' });
  assert.deepEqual(affectedBy(stdlib, 'go1.21.11', versionOrder('Go')), { affected: false });
});

test('a version the ordering cannot read throws ERR_VERSION_INVALID', () => {
  const isInvalid = (e: unknown): boolean => e instanceof BerthError && e.code === 'ERR_VERSION_INVALID';
  assert.throws(() => affectedBy(openssl, 'not a version!', debian), isInvalid);
  const bad: OsvAffected = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: 'a:b' }] }] };
  assert.throws(() => affectedBy(bad, '1.0', debian), isInvalid);
});

test('advisories in the OSV schema (validated against osv-1.6.7): evaluation and severity per package', async () => {
  const { osvErrors } = await import('../helpers/supply-chain-schemas.js');
  const { readFileSync } = await import('node:fs');
  const { ecosystemOfOsv } = await import('../../src/scan/versions/index.js');
  const { severityOf } = await import('../../src/scan/severity.js');
  const advisories = JSON.parse(readFileSync(new URL('./data/osv-advisories.json', import.meta.url), 'utf8')) as OsvAdvisory[];
  for (const a of advisories) assert.deepEqual(osvErrors(a), [], a.id);
  const byId = new Map(advisories.map((a) => [a.id, a]));
  /** affectedBy on the advisory's entry for one package, with the ordering its ecosystem names */
  const check = (id: string, name: string, version: string) => {
    const entry = byId.get(id)!.affected!.find((x) => x.package?.name === name)!;
    return affectedBy(entry, version, versionOrder(ecosystemOfOsv(entry.package!.ecosystem)!));
  };
  const log4j = 'org.apache.logging.log4j:log4j-core';
  assert.deepEqual(check('GHSA-jfh8-c2jp-5v3q', log4j, '2.14.1'), { affected: true, fixedIn: '2.15.0' });
  assert.deepEqual(check('GHSA-jfh8-c2jp-5v3q', log4j, '2.12.1'), { affected: true, fixedIn: '2.12.2' });
  assert.deepEqual(check('GHSA-jfh8-c2jp-5v3q', log4j, '2.3'), { affected: true, fixedIn: '2.3.1' });
  assert.deepEqual(check('GHSA-jfh8-c2jp-5v3q', log4j, '2.0-beta9'), { affected: true, fixedIn: '2.3.1' });
  assert.deepEqual(check('GHSA-jfh8-c2jp-5v3q', log4j, '2.0-beta8'), { affected: false });
  assert.deepEqual(check('GHSA-jfh8-c2jp-5v3q', log4j, '2.12.2'), { affected: false });
  assert.deepEqual(check('GHSA-jfh8-c2jp-5v3q', log4j, '2.15.0'), { affected: false });
  assert.deepEqual(check('GHSA-jfh8-c2jp-5v3q', log4j, '2.17.1'), { affected: false });
  assert.deepEqual(check('DSA-5514-1', 'glibc', '2.36-9+deb12u1'), { affected: true, fixedIn: '2.36-9+deb12u3' });
  assert.deepEqual(check('DSA-5514-1', 'glibc', '2.36-9+deb12u3'), { affected: false });
  assert.deepEqual(check('DSA-5514-1', 'glibc', '2.36-9+deb12u10'), { affected: false });
  assert.deepEqual(check('CVE-2023-5363', 'openssl', '3.1.3-r0'), { affected: true, fixedIn: '3.1.4-r0' });
  assert.deepEqual(check('CVE-2023-5363', 'openssl', '3.1.4-r0'), { affected: false });
  assert.deepEqual(check('PYSEC-2023-74', 'requests', '2.28.1'), { affected: true, fixedIn: '2.31.0' });
  assert.deepEqual(check('PYSEC-2023-74', 'requests', '2.31.0'), { affected: false });
  assert.deepEqual(check('PYSEC-2023-74', 'requests', '2.2.1'), { affected: false });
  assert.deepEqual(check('GO-2023-2102', 'stdlib', 'go1.21.1'), { affected: true, fixedIn: '1.21.3' });
  assert.deepEqual(check('GO-2023-2102', 'stdlib', '1.20.10'), { affected: false });
  assert.deepEqual(check('GO-2023-2102', 'golang.org/x/net', 'v0.15.0'), { affected: true, fixedIn: '0.17.0' });
  assert.deepEqual(check('GHSA-test-only-versions', 'left-pad', '1.1.1'), { affected: true });
  assert.deepEqual(check('GHSA-test-only-versions', 'left-pad', '1.2.0'), { affected: false });

  const sev = (id: string) => { const a = byId.get(id)!; return severityOf(a, a.affected![0]); };
  assert.deepEqual(sev('GHSA-jfh8-c2jp-5v3q'), { severity: 'CRITICAL', score: 10, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' });
  assert.deepEqual(sev('DSA-5514-1'), { severity: 'HIGH' }, 'Debian\'s urgency');
  assert.deepEqual(sev('CVE-2023-5363'), { severity: 'UNKNOWN' });
  assert.equal(sev('PYSEC-2023-74').severity, 'MEDIUM');
  assert.equal(sev('PYSEC-2023-74').score, 6.1);
  assert.deepEqual(sev('GHSA-test-only-versions'), { severity: 'MEDIUM', score: 5.1, vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N' });
});
