/**
 * Scanning hand-made apk, npm, Python and Java contents in an image built FROM busybox by `berth
 * build`, and the same files as a directory (`--dir`: catalogued by the CLI, matched by the daemon):
 * each ecosystem's advisories found by its own name and version ordering, a fix equal to the installed
 * version not reported, a `versions`-only advisory without fix dropped by --ignore-unfixed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { osv, rangeAdvisory, writeAdvisories } from './osv-fixtures.js';

let d: TestDaemon;
let tmp: string;
let rootfs: string;
const LONG = { timeoutMs: 300_000 };

function write(path: string, data: string | Uint8Array): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, data);
}

before(async () => {
  tmp = mkdtempSync('/tmp/bt-scanlang-');
  rootfs = join(tmp, 'ctx', 'rootfs');
  write(join(rootfs, 'etc/os-release'), 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n');
  write(join(rootfs, 'lib/apk/db/installed'), [
    'C:Q1abc=\nP:libcrypto3\nV:3.1.4-r2\nA:x86_64\nS:1\nI:2\nT:Crypto library from openssl\nU:https://www.openssl.org/\nL:Apache-2.0\no:openssl\nm:Ariadne\nt:1700000000\nc:abc\n',
    'C:Q1def=\nP:musl\nV:1.2.4_git20230717-r4\nA:x86_64\nS:1\nI:2\nT:the musl c library\nU:https://musl.libc.org/\nL:MIT\no:musl\nm:Ariadne\nt:1700000000\nc:def\n',
  ].join('\n'));
  write(join(rootfs, 'app/package-lock.json'), JSON.stringify({
    name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true,
    packages: {
      '': { name: 'app', version: '1.0.0', dependencies: { lodash: '^4.17.15', minimist: '1.2.5' } },
      'node_modules/lodash': { version: '4.17.15', resolved: 'https://registry.npmjs.org/lodash/-/lodash-4.17.15.tgz', license: 'MIT' },
      'node_modules/minimist': { version: '1.2.5', resolved: 'https://registry.npmjs.org/minimist/-/minimist-1.2.5.tgz', license: 'MIT' },
    },
  }, null, 2));
  write(join(rootfs, 'usr/lib/python3.11/site-packages/requests-2.28.1.dist-info/METADATA'), 'Metadata-Version: 2.1\nName: requests\nVersion: 2.28.1\nLicense: Apache 2.0\n');
  write(join(rootfs, 'opt/app/lib/log4j-core-2.14.1.jar'), zipSync({
    'META-INF/MANIFEST.MF': strToU8('Manifest-Version: 1.0\r\nImplementation-Title: Apache Log4j Core\r\nImplementation-Version: 2.14.1\r\n\r\n'),
    'META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties': strToU8('groupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n'),
  }));
  writeFileSync(join(tmp, 'ctx', 'Dockerfile'), 'FROM busybox\nCOPY rootfs/ /\n');

  writeAdvisories(join(tmp, 'osv'), [
    rangeAdvisory('CVE-2024-0727', 'Alpine:v3.19', 'openssl', [{ introduced: '0' }, { fixed: '3.1.4-r5' }]),
    rangeAdvisory('CVE-2024-0001', 'Alpine:v3.18', 'openssl', [{ introduced: '0' }, { fixed: '9.9.9-r0' }]), // another release
    rangeAdvisory('GHSA-p6mc-m468-83gw', 'npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.19' }], { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H' }] }),
    rangeAdvisory('GHSA-aaaa-bbbb-0002', 'npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.15' }]), // fixed == installed
    osv({ id: 'GHSA-vh95-rmgr-6w4m', affected: [{ package: { ecosystem: 'npm', name: 'minimist' }, versions: ['1.2.4', '1.2.5'] }] }),
    rangeAdvisory('PYSEC-2023-74', 'PyPI', 'Requests', [{ introduced: '2.3.0' }, { fixed: '2.31.0' }]),
    rangeAdvisory('GHSA-jfh8-c2jp-5v3q', 'Maven', 'org.apache.logging.log4j:log4j-core', [{ introduced: '2.0-beta9' }, { fixed: '2.15.0' }], { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' }] }),
  ]);
  d = await startDaemon();
  await d.ok(['image', 'bootstrap', 'busybox'], LONG);
  await d.ok(['build', '-t', 'langs:1', join(tmp, 'ctx')], LONG);
  await d.ok(['scan', 'db', 'import', join(tmp, 'osv')], LONG);
}, { timeout: 300_000 });

after(async () => {
  await d?.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

const EXPECTED = [
  'libcrypto3 apk CVE-2024-0727 3.1.4-r5',
  'lodash npm GHSA-p6mc-m468-83gw 4.17.19',
  'log4j-core java-archive GHSA-jfh8-c2jp-5v3q 2.15.0',
  'minimist npm GHSA-vh95-rmgr-6w4m -',
  'requests python PYSEC-2023-74 2.31.0',
];

const lines = (report: any): string[] => report.findings.map((f: any) => `${f.package.name} ${f.package.type} ${f.id} ${f.fixedIn ?? '-'}`).sort();

test('an image built FROM busybox: apk (by origin), npm, PyPI, Maven findings, each by its own ordering', { timeout: 120_000 }, async () => {
  const report = JSON.parse(await d.ok(['scan', 'langs:1', '--format', 'json'], LONG));
  assert.deepEqual(report.warnings, []);
  assert.equal(report.incomplete, false);
  assert.deepEqual(lines(report), EXPECTED);
  assert.equal(report.findings.find((f: any) => f.id === 'GHSA-jfh8-c2jp-5v3q').severity, 'CRITICAL');
  assert.match(report.findings.find((f: any) => f.id === 'GHSA-jfh8-c2jp-5v3q').package.locations[0].layerDigest, /^sha256:/);
  const fixedOnly = JSON.parse(await d.ok(['scan', 'langs:1', '--format', 'json', '--ignore-unfixed'], LONG));
  assert.deepEqual(lines(fixedOnly), EXPECTED.filter((l) => !l.startsWith('minimist')));
  // a template per finding
  assert.equal(await d.ok(['scan', 'langs:1', '--severity', 'CRITICAL', '--format', '{{.Name}} {{.Vulnerability}} {{.Score}}'], LONG), 'log4j-core GHSA-jfh8-c2jp-5v3q 10.0\n');
});

test('--dir: the same files as a local directory give the same findings', { timeout: 120_000 }, async () => {
  const report = JSON.parse(await d.ok(['scan', '--dir', rootfs, '--format', 'json'], LONG));
  assert.equal(report.target.type, 'directory');
  assert.deepEqual(lines(report), EXPECTED);
});

test('a package database the catalogers cannot parse: a warning naming it, the rest still scanned, exit 3 (or --exit-code N when findings give it)', { timeout: 120_000 }, async () => {
  const broken = join(tmp, 'broken');
  rmSync(broken, { recursive: true, force: true });
  mkdirSync(broken);
  // the good files plus a lock file that is not JSON
  for (const f of ['etc/os-release', 'lib/apk/db/installed', 'app/package-lock.json']) {
    write(join(broken, f), readFileSync(join(rootfs, f)));
  }
  write(join(broken, 'srv/web/package-lock.json'), '{"lockfileVersion": 3, "packages": {');
  const r = await d.berth(['scan', '--dir', broken, '--format', 'json'], LONG);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /WARNING: \/srv\/web\/package-lock\.json: /);
  assert.match(r.stderr, /the scan is incomplete/);
  const report = JSON.parse(r.stdout);
  assert.equal(report.incomplete, true);
  assert.deepEqual(lines(report), EXPECTED.filter((l) => / (apk|npm) /.test(l)));
  // findings that fail the job take precedence over the incomplete status
  assert.equal((await d.berth(['scan', '--dir', broken, '--exit-code', '7'], LONG)).code, 7);
});
