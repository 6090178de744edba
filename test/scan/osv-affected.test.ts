/** OSV's evaluation of `affected` entries (https://ossf.github.io/osv-schema/#evaluation) with each ecosystem's ordering. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { affectedBy } from '../../src/scan/osv/affected.js';
import type { OsvAffected } from '../../src/scan/osv/types.js';
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
});

test('a version the ordering cannot read throws ERR_VERSION_INVALID', () => {
  const isInvalid = (e: unknown): boolean => e instanceof BerthError && e.code === 'ERR_VERSION_INVALID';
  assert.throws(() => affectedBy(openssl, 'not a version!', debian), isInvalid);
  const bad: OsvAffected = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: 'a:b' }] }] };
  assert.throws(() => affectedBy(bad, '1.0', debian), isInvalid);
});
