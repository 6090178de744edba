/** RPM's ordering: rpmvercmp's rules (rpm's tests/rpmvercmp.at cases as remembered) and epoch:version-release. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRpm, rpmOrder, rpmvercmp } from '../../src/scan/versions/rpm.js';
import { BerthError } from '../../src/common/errors.js';

const CASES: Array<[string, string, number]> = [
  ['1.0', '1.0', 0], ['1.0', '2.0', -1], ['2.0.1', '2.0.1', 0], ['2.0', '2.0.1', -1], ['2.0.1a', '2.0.1a', 0],
  ['2.0.1a', '2.0.1', 1], ['5.5p1', '5.5p1', 0], ['5.5p1', '5.5p2', -1], ['5.5p10', '5.5p10', 0], ['5.5p1', '5.5p10', -1],
  ['10xyz', '10.1xyz', -1], ['xyz10', 'xyz10', 0], ['xyz10', 'xyz10.1', -1], ['xyz.4', 'xyz.4', 0], ['xyz.4', '8', -1],
  ['xyz.4', '2', -1], ['5.5p2', '5.6p1', -1], ['5.6p1', '6.5p1', -1], ['6.0.rc1', '6.0', 1], ['10b2', '10a1', 1],
  ['1.0aa', '1.0aa', 0], ['1.0a', '1.0aa', -1], ['10.0001', '10.0001', 0], ['10.0001', '10.1', 0], ['10.0001', '10.0039', -1],
  ['4.999.9', '5.0', -1], ['20101121', '20101121', 0], ['20101121', '20101122', -1], ['2_0', '2_0', 0], ['2.0', '2_0', 0],
  ['a', 'a', 0], ['a+', 'a+', 0], ['a+', 'a_', 0], ['+a', '+a', 0], ['+a', '_a', 0], ['+_', '_+', 0],
  ['1.0~rc1', '1.0~rc1', 0], ['1.0~rc1', '1.0', -1], ['1.0~rc1', '1.0~rc2', -1], ['1.0~rc1~git123', '1.0~rc1', -1],
  ['1.0^', '1.0^', 0], ['1.0^', '1.0', 1], ['1.0^git1', '1.0', 1], ['1.0^git1', '1.0^git2', -1], ['1.0^git1', '1.01', -1],
  ['1.0^20160101', '1.0.1', -1], ['1.0~rc1^git1', '1.0~rc1', 1], ['1.0^git1~pre', '1.0^git1', -1],
];

test('rpmvercmp follows rpm on its own kinds of cases, both ways round', () => {
  for (const [a, b, expected] of CASES) {
    assert.equal(Math.sign(rpmvercmp(a, b)), expected, `${a} vs ${b}`);
    assert.equal(Math.sign(rpmvercmp(b, a)), expected === 0 ? 0 : -expected, `${b} vs ${a}`);
  }
});

test('epoch:version-release: epoch first, then version, then release; no release is older', () => {
  assert.ok(compareRpm('1:1.0-1', '2.0-1') > 0);
  assert.equal(compareRpm('0:1.0-1.el8', '1.0-1.el8'), 0);
  assert.ok(compareRpm('1.0-1.el8', '1.0-2.el8') < 0);
  assert.ok(compareRpm('1.0-1.el8_4.1', '1.0-1.el8_4') > 0);
  assert.ok(compareRpm('3.0.7-16.el9_2', '3.0.7-24.el9') < 0);
  assert.ok(compareRpm('1.0', '1.0-1') < 0);
  assert.throws(() => compareRpm('x:1.0', '1.0'), (e: unknown) => e instanceof BerthError && e.code === 'ERR_VERSION_INVALID');
  assert.equal(rpmOrder.valid('1.0-'), false);
  assert.equal(rpmOrder.valid('2:4.18.0-1.fc39'), true);
});
