/** SemVer 2.0 orderings: npm, OSV's SEMVER ranges and Go module versions (pseudo-versions, +incompatible). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goOrder, npmOrder, semverRangeOrder } from '../../src/scan/versions/semver.js';
import { BerthError } from '../../src/common/errors.js';

const isInvalid = (e: unknown): boolean => e instanceof BerthError && e.code === 'ERR_VERSION_INVALID';

test('npm: SemVer 2.0 precedence, the example chain of semver.org section 11', () => {
  const chain = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11',
    '1.0.0-rc.1', '1.0.0', '2.0.0', '2.1.0', '2.1.1'];
  for (let i = 0; i + 1 < chain.length; i++) {
    assert.ok(npmOrder.compare(chain[i]!, chain[i + 1]!) < 0, `${chain[i]} < ${chain[i + 1]}`);
    assert.ok(npmOrder.compare(chain[i + 1]!, chain[i]!) > 0);
  }
  assert.equal(npmOrder.compare('1.0.0+build.1', '1.0.0+build.2'), 0, 'build metadata does not count');
  assert.ok(npmOrder.compare('1.2.9', '1.2.10') < 0);
});

test('npm: what is not SemVer is refused', () => {
  for (const v of ['1.2', '01.2.3', '1.2.3-01', '=1.2.3', '1.2.3 ', 'latest', '']) {
    assert.equal(npmOrder.valid(v), false, v);
    assert.throws(() => npmOrder.compare(v, '1.0.0'), isInvalid, v);
  }
});

test('Go: a leading v, +incompatible and pseudo-versions order as SemVer', () => {
  assert.equal(goOrder.compare('v1.2.3', '1.2.3'), 0);
  assert.equal(goOrder.compare('v2.0.0+incompatible', 'v2.0.0'), 0);
  assert.ok(goOrder.compare('v2.0.0+incompatible', 'v2.0.1') < 0);
  // pseudo-versions: v0.0.0-<time>-<commit> sorts before v0.0.0... no: after nothing, before the first release
  assert.ok(goOrder.compare('v0.0.0-20191109021931-daa7c04131f5', 'v0.0.1') < 0);
  assert.ok(goOrder.compare('v0.0.0-20191109021931-daa7c04131f5', 'v0.0.0-20200101000000-0123456789ab') < 0);
  // vX.Y.(Z+1)-0.<time>-<commit> comes after vX.Y.Z and before vX.Y.(Z+1)
  assert.ok(goOrder.compare('v1.2.3', 'v1.2.4-0.20210101000000-abcdefabcdef') < 0);
  assert.ok(goOrder.compare('v1.2.4-0.20210101000000-abcdefabcdef', 'v1.2.4') < 0);
  // vX.Y.Z-pre.0.<time>-<commit> comes after vX.Y.Z-pre
  assert.ok(goOrder.compare('v1.2.4-rc.1', 'v1.2.4-rc.1.0.20210101000000-abcdefabcdef') < 0);
  assert.ok(goOrder.compare('v1.2.4-rc.1.0.20210101000000-abcdefabcdef', 'v1.2.4') < 0);
  assert.throws(() => goOrder.compare('v1.2.x', 'v1.2.0'), isInvalid);
  assert.throws(() => goOrder.compare('latest', 'v1.2.0'), isInvalid);
});

test('Go shorthands: v1.2 = v1.2.0 (x/mod/semver), toolchain names go1.20, go1.21rc2, go1.22.4', () => {
  assert.equal(goOrder.compare('v1.2', 'v1.2.0'), 0);
  assert.equal(goOrder.compare('v1', '1.0.0'), 0);
  assert.equal(goOrder.compare('go1.22.4', '1.22.4'), 0);
  assert.equal(goOrder.compare('go1.20', '1.20.0'), 0);
  assert.equal(goOrder.compare('go1.21rc2', '1.21.0-rc.2'), 0);
  assert.ok(goOrder.compare('go1.21rc2', 'go1.21.0') < 0);
  assert.ok(goOrder.compare('go1.21beta1', 'go1.21rc1') < 0);
  assert.ok(goOrder.compare('go1.21.13', 'go1.22rc1') < 0);
  assert.equal(goOrder.valid('go1.22.4'), true);
  assert.equal(npmOrder.valid('1.2'), false, 'npm takes no shorthand');
});

test('SEMVER ranges accept an optional v', () => {
  assert.equal(semverRangeOrder.compare('v1.0.0', '1.0.0'), 0);
  assert.ok(semverRangeOrder.compare('1.0.0-rc.1', 'v1.0.0') < 0);
});
