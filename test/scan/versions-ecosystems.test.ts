/** The mapping from OSV ecosystem names to orderings, and one ordering per ecosystem. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ecosystemOfOsv, versionOrder } from '../../src/scan/versions/index.js';
import type { Ecosystem } from '../../src/scan/versions/types.js';

test('OSV ecosystem names map to the ordering their versions use', () => {
  const cases: Array<[string, Ecosystem | undefined]> = [
    ['Debian', 'Debian'], ['Debian:12', 'Debian'], ['Debian:11', 'Debian'], ['Ubuntu:22.04:LTS', 'Debian'],
    ['Alpine', 'Alpine'], ['Alpine:v3.19', 'Alpine'], ['Wolfi', 'Alpine'], ['Chainguard', 'Alpine'],
    ['npm', 'npm'], ['PyPI', 'PyPI'], ['Go', 'Go'], ['Maven', 'Maven'], ['crates.io', 'SemVer'],
    ['Red Hat', 'RPM'], ['Red Hat:enterprise_linux:9::appstream', 'RPM'], ['Rocky Linux:9', 'RPM'], ['AlmaLinux:8', 'RPM'],
    ['openSUSE:Tumbleweed', 'RPM'], ['SUSE:Linux Enterprise Server 15 SP5', 'RPM'], ['Mageia:9', 'RPM'],
    ['RubyGems', undefined], ['NuGet', undefined], ['Packagist', undefined], ['', undefined], ['GIT', undefined],
  ];
  for (const [name, expected] of cases) assert.equal(ecosystemOfOsv(name), expected, name);
});

test('every ecosystem has an ordering that names it', () => {
  for (const e of ['Debian', 'Alpine', 'npm', 'Go', 'PyPI', 'Maven', 'RPM', 'SemVer'] as Ecosystem[]) {
    const order = versionOrder(e);
    assert.equal(order.ecosystem, e);
    assert.equal(typeof order.compare, 'function');
  }
  assert.ok(versionOrder('Debian').compare('1.0~rc1', '1.0') < 0);
  assert.ok(versionOrder('RPM').compare('1.0~rc1', '1.0') < 0);
  assert.ok(versionOrder('PyPI').compare('1.0rc1', '1.0') < 0);
  assert.ok(versionOrder('Maven').compare('1.0-rc1', '1.0') < 0);
  assert.ok(versionOrder('Alpine').compare('1.0_rc1', '1.0') < 0);
  assert.ok(versionOrder('npm').compare('1.0.0-rc.1', '1.0.0') < 0);
  assert.ok(versionOrder('Go').compare('v1.0.0-rc.1', 'v1.0.0') < 0);
  assert.ok(versionOrder('SemVer').compare('1.0.0-rc.1', '1.0.0') < 0);
});
