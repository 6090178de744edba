/** PEP 440: the ordering and normalisation examples of the PEP itself, and a live comparison with Python's packaging. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { comparePep440, normalizePep440, pep440Order } from '../../src/scan/versions/pep440.js';
import { BerthError } from '../../src/common/errors.js';

test('the PEP\'s summary of permitted suffixes and relative ordering, in order', () => {
  const chain = [
    '1.dev0', '1.0.dev456', '1.0a1', '1.0a2.dev456', '1.0a12.dev456', '1.0a12', '1.0b1.dev456', '1.0b2',
    '1.0b2.post345.dev456', '1.0b2.post345', '1.0rc1.dev456', '1.0rc1', '1.0', '1.0+abc.5', '1.0+abc.7', '1.0+5',
    '1.0.post456.dev34', '1.0.post456', '1.0.15', '1.1.dev1',
  ];
  for (let i = 0; i < chain.length; i++) {
    for (let j = 0; j < chain.length; j++) {
      const expected = Math.sign(i - j);
      assert.equal(Math.sign(comparePep440(chain[i]!, chain[j]!)), expected, `${chain[i]} vs ${chain[j]}`);
    }
  }
});

test('epochs, release padding and local labels', () => {
  assert.ok(comparePep440('1!1.0', '2.0') > 0);
  assert.ok(comparePep440('2013.10', '1!1.0') < 0);
  assert.equal(comparePep440('1.0', '1.0.0'), 0);
  assert.equal(comparePep440('1.0', '1.0.0.0'), 0);
  assert.ok(comparePep440('1.0+local', '1.0') > 0);
  assert.ok(comparePep440('1.0+ubuntu-1', '1.0+ubuntu.2') < 0);
  assert.ok(comparePep440('1.0+1', '1.0+abc') > 0, 'numeric local segments sort after alphanumeric ones');
  assert.ok(comparePep440('1.0+abc', '1.0+abc.1') < 0);
  assert.ok(comparePep440('1.0.post1', '1.0.1') < 0);
  assert.ok(comparePep440('1.0a1', '1.0.dev1') > 0);
  assert.ok(comparePep440('1.0.post1.dev1', '1.0.post1') < 0);
  assert.ok(comparePep440('1.0.post1.dev1', '1.0') > 0);
});

test('normalisation as the PEP spells it out', () => {
  const cases: Array<[string, string]> = [
    ['1.0ALPHA1', '1.0a1'], ['1.1RC1', '1.1rc1'], ['1.0.0-alpha.1', '1.0.0a1'], ['1.0a.1', '1.0a1'], ['1.0-a1', '1.0a1'],
    ['1.0alpha1', '1.0a1'], ['1.0beta2', '1.0b2'], ['1.0c1', '1.0rc1'], ['1.0pre1', '1.0rc1'], ['1.0preview1', '1.0rc1'],
    ['1.0a', '1.0a0'], ['1.0-post2', '1.0.post2'], ['1.0post2', '1.0.post2'], ['1.0.post', '1.0.post0'],
    ['1.0-r4', '1.0.post4'], ['1.0rev4', '1.0.post4'], ['1.0-1', '1.0.post1'], ['1.0-dev2', '1.0.dev2'],
    ['1.0dev', '1.0.dev0'], ['1.0+ubuntu-1', '1.0+ubuntu.1'], ['1.0+Ubuntu_1', '1.0+ubuntu.1'], ['v1.0', '1.0'],
    ['  1.0  ', '1.0'], ['00.01', '0.1'], ['1.0a01', '1.0a1'], ['0!1.0', '1.0'], ['1!2.0', '1!2.0'],
    ['1.0.DEV2', '1.0.dev2'], ['1.0_a_1', '1.0a1'],
  ];
  for (const [input, normal] of cases) {
    assert.equal(normalizePep440(input), normal, input);
    assert.equal(comparePep440(input, normal), 0, `${input} = ${normal}`);
  }
});

test('what PEP 440 does not accept is refused with ERR_VERSION_INVALID', () => {
  for (const v of ['', 'french toast', '1.0+', '1.0+ubuntu!', '1..0', '1.0-', 'dev', '1.0.dev1.post1', '1.0a1b2']) {
    assert.equal(pep440Order.valid(v), false, v);
    assert.throws(() => comparePep440(v, '1.0'), (e: unknown) => e instanceof BerthError && e.code === 'ERR_VERSION_INVALID', v);
  }
});

const hasPackaging = ((): boolean => {
  try { execFileSync('python3', ['-c', 'import packaging.version'], { stdio: 'ignore', timeout: 30_000 }); return true; } catch { return false; }
})();

test('the ordering against Python\'s own `packaging` (what pip runs) on 1,000 generated pairs',
  { skip: !hasPackaging && 'python3 with packaging not installed' }, () => {
    const releases = ['1', '1.0', '1.0.0', '2', '0.9', '1.1', '10.0', '1!1.0', '1!0.1'];
    const suffixes = ['', 'a1', 'a2', 'b1', 'rc1', 'rc2', '.post1', '.post2', '.dev1', '.dev2', 'a1.dev1', 'a1.post1', '.post1.dev1', 'rc1.post1.dev3'];
    const locals = ['', '+abc', '+5', '+abc.5', '+abc.7', '+1.a', '+a.1', '+00.2'];
    let seed = 11;
    const pick = <T>(xs: T[]): T => { seed = (seed * 1103515245 + 12345) % 2147483648; return xs[seed % xs.length]!; };
    const version = (): string => pick(releases) + pick(suffixes) + pick(locals);
    const pairs = Array.from({ length: 1000 }, () => [version(), version()] as const);
    const script = 'import sys\nfrom packaging.version import Version\nfor line in sys.stdin:\n'
      + '    a, b = line.rstrip("\\n").split("\\t")\n    x, y = Version(a), Version(b)\n    print((x > y) - (x < y))\n';
    const answers = execFileSync('python3', ['-c', script], {
      input: pairs.map(([a, b]) => `${a}\t${b}\n`).join(''), timeout: 60_000,
    }).toString().trim().split('\n').map(Number);
    assert.equal(answers.length, pairs.length);
    const wrong = pairs.map(([a, b], i) => ({ a, b, packaging: answers[i], ours: Math.sign(comparePep440(a, b)) }))
      .filter((r) => r.packaging !== r.ours);
    assert.deepEqual(wrong, []);
  });
