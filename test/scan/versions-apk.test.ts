/**
 * Alpine's ordering against a table written from apk-tools' version.c rules (2.14): digits, one
 * letter, `_alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p`, `-rN`, and the
 * leading-zero rule after a dot.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { apkOrder, compareApk, validApk } from '../../src/scan/versions/apk.js';
import { BerthError } from '../../src/common/errors.js';

const TABLE: Array<[string, '<' | '=' | '>', string]> = [
  ['1.0', '=', '1.0'],
  ['1.0', '<', '1.1'],
  ['1.2', '<', '1.10'],
  ['1.9.9', '<', '1.10'],
  ['1', '<', '1.0'],
  ['1.0', '<', '1.0.1'],
  ['1.01', '<', '1.1'],
  ['1.001', '<', '1.01'],
  ['1.0a', '>', '1.0'],
  ['1.0a', '<', '1.0b'],
  ['1.0z', '<', '1.0.1'],
  ['1.0_alpha', '<', '1.0_beta'],
  ['1.0_beta', '<', '1.0_pre'],
  ['1.0_pre', '<', '1.0_rc'],
  ['1.0_rc1', '<', '1.0'],
  ['6.0_pre1', '<', '6.0'],
  ['1.1_alpha1', '<', '1.1'],
  ['1.0', '<', '1.0_cvs'],
  ['1.0_cvs', '<', '1.0_svn'],
  ['1.0_svn', '<', '1.0_git'],
  ['1.0_git', '<', '1.0_hg'],
  ['1.0_hg', '<', '1.0_p'],
  ['1.0_alpha', '<', '1.0_alpha1'],
  ['1.0_alpha1', '<', '1.0_alpha2'],
  ['1.0_rc9', '<', '1.0_rc10'],
  ['1.0_p9', '<', '1.0_p10'],
  ['1.0_alpha_pre2', '<', '1.0_alpha'],
  ['1.0', '<', '1.0-r1'],
  ['1.0-r0', '<', '1.0-r1'],
  ['1.0-r9', '<', '1.0-r10'],
  ['1.0-r1', '<', '1.0_p1'],
  ['1.0-r5', '<', '1.0.1'],
  ['1.0_rc3-r5', '<', '1.0-r0'],
  ['2.9.11_pre20051101-r2', '<', '2.9.11_pre20051101-r3'],
  ['1.0.0_pre20191002222144-r0', '<', '1.0.0_pre20210530193627-r0'],
  ['3.1.4-r5', '=', '3.1.4-r5'],
  ['1.1.1k-r0', '<', '1.1.1l-r0'],
  ['1.1.1t-r2', '<', '3.0.8-r0'],
  ['20230101', '>', '3.0'],
  ['0.9.8c-r1', '<', '0.9.8d'],
];

test('apk ordering follows apk-tools on a hand-checked table, both ways round', () => {
  for (const [a, op, b] of TABLE) {
    const expected = op === '<' ? -1 : op === '>' ? 1 : 0;
    assert.equal(Math.sign(compareApk(a, b)), expected, `${a} ${op} ${b}`);
    assert.equal(Math.sign(compareApk(b, a)), expected === 0 ? 0 : -expected, `${b} reversed ${a}`);
  }
});

test('apk validity: what apk-tools refuses is refused with ERR_VERSION_INVALID', () => {
  for (const v of ['1.0', '1.2.3_rc1-r0', '2.4.46-r0', '1.1.1k-r0', '0.1_pre20060810']) assert.ok(validApk(v), v);
  for (const v of ['', 'abc', '1.0-x', '1.0_foo', '1.0bc', '1.0--r1', '1.123456789012345678']) {
    assert.equal(apkOrder.valid(v), false, v);
    assert.throws(() => compareApk(v, '1.0'), (e: unknown) => e instanceof BerthError && e.code === 'ERR_VERSION_INVALID', v);
  }
});

test('a corpus judged by apk-tools itself: 1,479 generated pairs, each as apk_version_compare orders it', () => {
  // data/apk-corpus.tsv: versions built from apk's tokens, ordered by apk-tools 2.14's version.c compiled
  // with a small harness (apk itself is not a Debian package, so this cannot run live here)
  const rows = readFileSync(new URL('./data/apk-corpus.tsv', import.meta.url), 'utf8').split('\n')
    .filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split('\t') as [string, string, string]);
  assert.ok(rows.length > 1000);
  const verdict = (c: number): string => (c < 0 ? '<' : c > 0 ? '>' : '=');
  assert.deepEqual(rows.filter(([a, b, expected]) => verdict(compareApk(a, b)) !== expected), []);
});
