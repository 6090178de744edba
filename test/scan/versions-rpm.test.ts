/**
 * RPM's ordering: rpmvercmp's rules (cases of the kinds rpm's own tests check), epoch:version-release, and a
 * live comparison with the rpm binary's rpm.vercmp.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

/** Asks the rpm binary for rpm.vercmp of every pair, in one process (a Lua macro). */
function rpmVercmp(pairs: Array<[string, string]>): number[] {
  const quote = (s: string): string => `[==[${s}]==]`;
  const lua = `%{lua: ${pairs.map(([a, b]) => `print(rpm.vercmp(${quote(a)}, ${quote(b)}) .. "\\n")`).join(' ')}}`;
  return execFileSync('rpm', ['--eval', lua], { timeout: 60_000 }).toString().split('\n').filter((l) => l !== '').map(Number);
}

test('rpmvercmp against the rpm binary: the table and 1,000 generated versions of rpm\'s alphabet',
  { skip: !existsSync('/usr/bin/rpm') && 'rpm not installed' }, () => {
    // versions built from the pieces the rules treat differently: digits (with leading zeros), letters, ~, ^, separators
    const atoms = ['1', '2', '10', '01', '0', 'a', 'b', 'rc', 'git', '~', '^', '.', '_', '+', '~rc', '^git', 'el8', 'p', '001', '9'];
    let seed = 7;
    const next = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const version = (): string => Array.from({ length: 1 + next(5) }, () => atoms[next(atoms.length)]).join('');
    const pairs: Array<[string, string]> = CASES.map(([a, b]) => [a, b]);
    for (let i = 0; i < 1000; i++) pairs.push([version(), version()]);
    const answers = rpmVercmp(pairs);
    assert.equal(answers.length, pairs.length);
    const wrong = pairs.map(([a, b], i) => ({ a, b, rpm: answers[i], ours: Math.sign(rpmvercmp(a, b)) }))
      .filter((r) => r.rpm !== r.ours);
    assert.deepEqual(wrong, []);
  });
