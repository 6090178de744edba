/**
 * Debian's ordering against dpkg itself: the committed corpus of real version pairs (made by
 * data/make-dpkg-corpus.ts from this machine's dpkg status and apt lists, judged by
 * `dpkg --compare-versions`), a live re-check of a sample against the dpkg binary, and the rules'
 * corner cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { compareDpkg, dpkgOrder, parseDpkg } from '../../src/scan/versions/dpkg.js';
import { BerthError } from '../../src/common/errors.js';

type Pair = [string, string, '<' | '=' | '>'];

const corpus: Pair[] = readFileSync(new URL('./data/dpkg-corpus.tsv', import.meta.url), 'utf8')
  .split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split('\t') as Pair);

const verdict = (c: number): string => (c < 0 ? '<' : c > 0 ? '>' : '=');

test('the corpus: at least 1,000 real pairs, every one ordered as dpkg does', () => {
  assert.ok(corpus.length >= 1000, `${corpus.length} pairs`);
  const wrong = corpus.filter(([a, b, expected]) => verdict(compareDpkg(a, b)) !== expected);
  assert.deepEqual(wrong, []);
  // and the reverse of every pair
  const flip = { '<': '>', '>': '<', '=': '=' } as const;
  assert.deepEqual(corpus.filter(([a, b, expected]) => verdict(compareDpkg(b, a)) !== flip[expected]), []);
});

test('a sample of the corpus and the rules\' corner cases re-checked against the dpkg binary now',
  { skip: !existsSync('/usr/bin/dpkg') && 'dpkg not installed' }, () => {
    const sample = corpus.filter((_, i) => i % 50 === 0).map(([a, b]) => [a, b]);
    const corners = [
      ['1.0~rc1', '1.0'], ['1.0~~', '1.0~'], ['1.0~', '1.0'], ['1.0', '1.0-0'], ['1.0', '1.0+'], ['1.0a', '1.0+'],
      ['1.0a', '1.0.'], ['1.0', '1.0a'], ['1:0.1', '2.0'], ['0:1.0', '1.0'], ['1.01', '1.1'], ['1.001', '1.1'],
      ['1.2.3-1', '1.2.3-1.1'], ['1.2.3-1~bpo1', '1.2.3-1'], ['2.30-1+b1', '2.30-1'], ['1.0-1ubuntu1', '1.0-1'],
      ['9.9', '10'], ['1.0-a', '1.0-1'], ['1.0+dfsg', '1.0.1'], ['1.0+dfsg', '1.0~dfsg'], ['1:1.0-1-2', '1:1.0-1-1'],
      ['1.0.0~git20200101', '1.0.0~rc1'], ['10000000000000000000001', '10000000000000000000002'], ['0', '00'],
    ];
    const pairs = [...sample, ...corners];
    const script = 'while IFS="\t" read -r a b; do if dpkg --compare-versions "$a" lt "$b"; then echo "<"; '
      + 'elif dpkg --compare-versions "$a" eq "$b"; then echo "="; else echo ">"; fi; done';
    const answers = execFileSync('bash', ['-c', script], {
      input: pairs.map(([a, b]) => `${a}\t${b}\n`).join(''), timeout: 120_000,
    }).toString().trim().split('\n');
    assert.equal(answers.length, pairs.length);
    const wrong = pairs.map(([a, b], i) => ({ a, b, dpkg: answers[i], ours: verdict(compareDpkg(a!, b!)) }))
      .filter((r) => r.dpkg !== r.ours);
    assert.deepEqual(wrong, []);
  });

test('parsing: epoch, upstream with hyphens and colons, revision', () => {
  assert.deepEqual(parseDpkg('1:2.3-4-5'), { epoch: 1, upstream: '2.3-4', revision: '5' });
  assert.deepEqual(parseDpkg('2.3'), { epoch: 0, upstream: '2.3', revision: '' });
  assert.deepEqual(parseDpkg('1:2:3-1'), { epoch: 1, upstream: '2:3', revision: '1' });
  assert.equal(compareDpkg('1.0', '1.0-0'), 0, 'a missing revision equals "0"');
  assert.equal(compareDpkg('0:1.0', '1.0'), 0);
});

test('versions dpkg refuses are refused with ERR_VERSION_INVALID', () => {
  for (const v of ['', 'a:1.0', ':1.0', '1.0-', '1.0 1', '1.0_1', '1.0-1_2', '-1']) {
    assert.equal(dpkgOrder.valid(v), false, JSON.stringify(v));
    assert.throws(() => compareDpkg(v, '1.0'), (e: unknown) => e instanceof BerthError && e.code === 'ERR_VERSION_INVALID', v);
  }
});

test('the rules\' corner cases, with the verdicts dpkg 1.21.22 gave (tilde, end of string, letters, epochs, zeros)', () => {
  const table: Array<[string, '<' | '=' | '>', string]> = [
    ['1.0~rc1', '<', '1.0'], ['1.0~~', '<', '1.0~'], ['1.0~', '<', '1.0'], ['1.0', '=', '1.0-0'], ['1.0', '<', '1.0+'],
    ['1.0a', '<', '1.0+'], ['1.0a', '<', '1.0.'], ['1.0', '<', '1.0a'], ['1:0.1', '>', '2.0'], ['0:1.0', '=', '1.0'],
    ['1.01', '=', '1.1'], ['1.001', '=', '1.1'], ['1.2.3-1', '<', '1.2.3-1.1'], ['1.2.3-1~bpo1', '<', '1.2.3-1'],
    ['2.30-1+b1', '>', '2.30-1'], ['1.0-1ubuntu1', '>', '1.0-1'], ['9.9', '<', '10'], ['1.0-a', '>', '1.0-1'],
    ['1.0+dfsg', '<', '1.0.1'], ['1.0+dfsg', '>', '1.0~dfsg'], ['1:1.0-1-2', '>', '1:1.0-1-1'],
    ['1.0.0~git20200101', '<', '1.0.0~rc1'], ['0', '=', '00'], ['1.0-0', '=', '1.0-00'], ['a', '>', '1'],
    ['1.0a~', '<', '1.0a'], ['1.0~a', '<', '1.0~b'], ['2:1', '>', '1:9'],
  ];
  for (const [a, op, b] of table) assert.equal(verdict(compareDpkg(a, b)), op, `${a} ${op} ${b}`);
});
