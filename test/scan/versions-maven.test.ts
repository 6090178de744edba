/**
 * Maven's ComparableVersion: the orders and equalities of Maven's ComparableVersionTest as known, the spec's
 * examples, and a live comparison with maven-artifact itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { canonicalMaven, compareMaven, mavenOrder } from '../../src/scan/versions/maven.js';
import { BerthError } from '../../src/common/errors.js';

function assertOrder(chain: string[]): void {
  for (let i = 0; i < chain.length; i++) {
    for (let j = i + 1; j < chain.length; j++) {
      assert.ok(compareMaven(chain[i]!, chain[j]!) < 0, `${chain[i]} < ${chain[j]}`);
      assert.ok(compareMaven(chain[j]!, chain[i]!) > 0, `${chain[j]} > ${chain[i]}`);
    }
  }
}

test('qualifier order: alpha < beta < milestone < rc = cr < snapshot < release < sp < unknown < numbers', () => {
  assertOrder(['1-alpha2snapshot', '1-alpha2', '1-alpha-123', '1-beta-2', '1-beta123', '1-m2', '1-m11', '1-rc', '1-cr2',
    '1-rc123', '1-SNAPSHOT', '1', '1-sp', '1-sp2', '1-sp123', '1-abc', '1-def', '1-pom-1', '1-1-snapshot', '1-1', '1-2', '1-123']);
});

test('number order with dots, dashes and transitions', () => {
  assertOrder(['2.0', '2.0.a', '2-1', '2.0.2', '2.0.123', '2.1.0', '2.1-a', '2.1b', '2.1-c', '2.1-1', '2.1.0.1', '2.2', '2.123',
    '11.a2', '11.a11', '11.b2', '11.b11', '11.m2', '11.m11', '11', '11.a', '11b', '11c', '11m']);
});

test('equal versions: padding, aliases, case, separators', () => {
  const equal: Array<[string, string]> = [
    ['1', '1'], ['1', '1.0'], ['1', '1.0.0'], ['1.0', '1.0.0'], ['1', '1-0'], ['1', '1.0-0'], ['1.0', '1.0-0'],
    ['1a', '1-a'], ['1a', '1.0-a'], ['1a', '1.0.0-a'], ['1.0a', '1-a'], ['1.0.0a', '1-a'], ['1x', '1-x'], ['1x', '1.0-x'],
    ['1x', '1.0.0-x'], ['1.0x', '1-x'], ['1.0.0x', '1-x'], ['1ga', '1'], ['1release', '1'], ['1final', '1'], ['1cr', '1rc'],
    ['1a1', '1-alpha-1'], ['1b2', '1-beta-2'], ['1m3', '1-milestone-3'], ['1X', '1x'], ['1A', '1a'], ['1B', '1b'],
    ['1M', '1m'], ['1Ga', '1'], ['1GA', '1'], ['1RELEASE', '1'], ['1Final', '1'], ['1FinaL', '1'], ['1FINAL', '1'],
    ['1Cr', '1Rc'], ['1cR', '1rC'], ['1m3', '1Milestone3'], ['1m3', '1MileStone3'], ['1m3', '1MILESTONE3'],
    ['1.ga', '1'], ['1.final', '1'], ['1-ga', '1-0'], ['1.0.0-foo.0.0', '1-foo'], ['1.0.0-0.0.0', '1'],
    ['1.foo', '1-foo'], ['2.0.0.Final', '2.0.0'], ['5.3.RELEASE', '5.3'],
  ];
  for (const [a, b] of equal) {
    assert.equal(compareMaven(a, b), 0, `${a} = ${b}`);
    assert.equal(compareMaven(b, a), 0, `${b} = ${a}`);
  }
});

test('the version order specification\'s examples', () => {
  assertOrder(['1', '1.1']);
  assertOrder(['1-snapshot', '1', '1-sp']);
  assertOrder(['1-foo2', '1-foo10']);
  assertOrder(['1-foo', '1-1', '1.1']);
  assertOrder(['1-ga', '1-sp']);
  assertOrder(['1-ga.1', '1-sp.1']);
  assertOrder(['1-sp-1', '1-ga-1']);
  // the page also says 1-ga-1 = 1-1; ComparableVersion, which Maven runs, keeps the empty qualifier's list: 1-ga-1 < 1-1
  assertOrder(['1-ga-1', '1-1']);
  assert.equal(canonicalMaven('1-1.foo-bar1baz-.1'), '1-1.foo-bar-1-baz-0.1');
  assert.equal(canonicalMaven('1.0.0'), '1');
});

test('MNG-5568 and MNG-6572: transitive order, numbers beyond int and long', () => {
  assertOrder(['6.1.0rc3', '6.1.0', '6.1H.5-beta']);
  assertOrder(['20190126.230843', '1234567890.12345', '123456789012345.1H.5-beta', '12345678901234567890.1H.5-beta']);
  assert.equal(compareMaven('000000000000000000000000001', '1'), 0);
});

test('MNG-7644: .X before a qualifier is read as -X', () => {
  assertOrder(['1.0.0.RC1', '1.0.0-RC2']);
  assertOrder(['1.0.0.X1', '1.0.0-X2']);
  assertOrder(['5.3.0.RC1', '5.3.0.RC2', '5.3.0.RELEASE', '5.3.1']);
});

test('real Maven Central versions in release order', () => {
  assertOrder(['2.12.0-rc1', '2.12.0', '2.12.7', '2.12.7.1', '2.13.0']);
  assertOrder(['2.0-beta9', '2.0-rc1', '2.0', '2.14.1', '2.15.0', '2.16.0', '2.17.0', '2.17.1']);
  assertOrder(['31.0-android', '31.0-jre', '31.1-jre', '32.0.0-jre']);
  assertOrder(['9.4.43.v20210629', '9.4.44.v20210927', '10.0.0']);
});

test('empty and white-space versions are refused', () => {
  for (const v of ['', ' ', '1.0 beta']) {
    assert.equal(mavenOrder.valid(v), false, JSON.stringify(v));
    assert.throws(() => compareMaven(v, '1'), (e: unknown) => e instanceof BerthError && e.code === 'ERR_VERSION_INVALID');
  }
});

const JAR = '/usr/share/java/maven3-artifact.jar';
const hasMaven = existsSync(JAR) && ((): boolean => {
  try { execFileSync('java', ['-version'], { stdio: 'ignore', timeout: 30_000 }); return true; } catch { return false; }
})();

test('against Maven\'s own ComparableVersion (maven-artifact, run by java): 2,000 generated versions, order and canonical form',
  { skip: !hasMaven && 'java or maven-artifact (libmaven3-core-java) not installed', timeout: 120_000 }, () => {
    const atoms = ['1', '2', '10', '0', '00', '01', '.', '-', '.', '-', 'a', 'b', 'm', 'alpha', 'beta', 'milestone', 'rc', 'cr',
      'snapshot', 'SNAPSHOT', 'ga', 'final', 'release', 'sp', 'foo', 'x', 'RELEASE', 'Final', '123456789012', '_'];
    let seed = 5;
    const next = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const versions = Array.from({ length: 2000 }, () => Array.from({ length: 1 + next(6) }, () => atoms[next(atoms.length)]).join(''));
    // ComparableVersion's main prints each version's canonical form and compares each with the one before
    const out = execFileSync('java', ['-cp', JAR, 'org.apache.maven.artifact.versioning.ComparableVersion', ...versions], {
      timeout: 120_000, maxBuffer: 1 << 26,
    }).toString();
    const wrong: string[] = [];
    let compared = 0;
    for (const line of out.split('\n')) {
      const canonical = /^\d+\. (\S+) (?:->|==) (\S*)(?:;|$)/.exec(line);
      if (canonical && canonicalMaven(canonical[1]!) !== canonical[2]) wrong.push(`${canonical[1]} is ${canonical[2]}, not ${canonicalMaven(canonical[1]!)}`);
      const cmp = /^ {3}(\S+) (<|>|==) (\S+)$/.exec(line);
      if (!cmp) continue;
      compared++;
      const ours = Math.sign(compareMaven(cmp[1]!, cmp[3]!));
      if (ours !== (cmp[2] === '<' ? -1 : cmp[2] === '>' ? 1 : 0)) wrong.push(`${cmp[1]} ${cmp[2]} ${cmp[3]}, we say ${ours}`);
    }
    assert.equal(compared, versions.length - 1);
    assert.deepEqual(wrong, []);
  });
