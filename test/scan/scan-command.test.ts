/**
 * `berth scan` and `berth scan db` against a real daemon, a real Debian image (BERTH_TEST_DEBIAN_TAR, a bootstrap
 * rootfs, else one made from the host's dpkg database), and a small OSV database written here (real schema, validated) for packages that
 * dpkg-query inside the image reports: a fix above the installed version (found, fixed-in right), a
 * fix equal to it (not found), a withdrawn advisory (not found), one keyed by the source package
 * (glibc → libc6), one with no fix (--ignore-unfixed drops it). Filters, the ignore file, exit codes,
 * SARIF and CycloneDX VEX (schema-valid), bad input, and the API.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, truncateSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BERTH_BIN, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { cycloneDxErrors, sarifErrors } from '../helpers/supply-chain-schemas.js';
import { osv, rangeAdvisory, writeAdvisories } from './osv-fixtures.js';
import { hostDpkgImageTar } from '../sbom/host-dpkg-image.js';

let d: TestDaemon;
let tmp: string;
const LONG = { timeoutMs: 300_000 };
const CRIT = [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }];
const LOW = [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:N' }];

interface Installed { name: string; version: string; source: string; sourceVersion: string }
let pkgs: Map<string, Installed>;
/** the package whose source and version are its own (fixed == installed is then unambiguous) */
let plain: Installed;

before(async () => {
  tmp = mkdtempSync('/tmp/bt-scan-');
  d = await startDaemon();
  // BERTH_TEST_DEBIAN_TAR: a root filesystem tar as `mmdebstrap --format=tar` writes it (what `berth image
  // bootstrap debian` imports; the suite's network namespace cannot reach a mirror to bootstrap), else a
  // real Debian image made offline from the host's dpkg database and binaries
  const tar = process.env.BERTH_TEST_DEBIAN_TAR || hostDpkgImageTar(join(tmp, 'debian.tar'));
  await d.ok(['import', tar, 'debian:latest'], LONG);
  const out = await d.ok(['run', '--rm', '--network', 'none', 'debian', 'dpkg-query', '-W', '-f', '${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${source:Package}\\t${source:Version}\\n'], LONG);
  pkgs = new Map(out.trim().split('\n').filter((l) => l.startsWith('ii')).map((l) => {
    const [, name, version, source, sourceVersion] = l.split('\t') as [string, string, string, string, string];
    return [name, { name, version, source, sourceVersion }];
  }));
  assert.equal(pkgs.get('libc6')?.source, 'glibc', 'libc6 is built from glibc');
  plain = ['coreutils', 'tar', 'sed', 'grep', 'dash'].map((n) => pkgs.get(n)).find((p) => p && p.source === p.name && p.sourceVersion === p.version)!;
  assert.ok(plain, 'a package whose source version is its own');
  const glibc = pkgs.get('libc6')!.sourceVersion;
  const zlib = pkgs.get('zlib1g')!;
  const withdrawnTarget = [...pkgs.values()].find((p) => p.source !== plain.name && p.source !== 'glibc' && p.source !== zlib.source)!;
  // appending to a Debian version makes a later one (dpkg orders "2.36-9" before "2.36-9.1")
  writeAdvisories(join(tmp, 'osv'), [
    rangeAdvisory('DSA-9001-1', 'Debian:12', 'glibc', [{ introduced: '0' }, { fixed: `${glibc}.1` }], { aliases: ['CVE-2099-0001'], severity: CRIT, summary: 'glibc: test overflow' }),
    rangeAdvisory('DSA-9002-1', 'Debian:12', plain.name, [{ introduced: '0' }, { fixed: plain.version }], { severity: CRIT }),
    osv({ id: 'DSA-9003-1', modified: '2026-02-01T00:00:00Z', withdrawn: '2026-02-01T00:00:00Z', severity: CRIT, affected: [{ package: { ecosystem: 'Debian:12', name: withdrawnTarget.source }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }] }),
    rangeAdvisory('CVE-2099-0004', 'Debian:12', zlib.source, [{ introduced: '0' }], { severity: LOW }),
    rangeAdvisory('DLA-9005-1', 'Debian:11', 'glibc', [{ introduced: '0' }, { fixed: `${glibc}.1` }], { severity: CRIT }),
  ]);
  writeFileSync(join(tmp, 'osv', 'corrupt.json'), '{"id": "DSA-9006-1", "modified": "2026-01-01T00:00:00Z", "affected": [');
}, { timeout: 600_000 });

after(async () => {
  await d?.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

test('scanning before any import refuses with ERR_SCAN_DB_EMPTY and says what to do', { timeout: 120_000 }, async () => {
  const r = await d.berth(['scan', 'debian'], LONG);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /vulnerability database is empty.*berth scan db import/);
});

test('scan db import uploads a directory; a corrupt file is a warning naming it, the rest imported, exit 3; status shows it', { timeout: 120_000 }, async () => {
  const r = await d.berth(['scan', 'db', 'import', join(tmp, 'osv')], LONG);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /WARNING: .*corrupt\.json: not valid JSON/);
  assert.match(r.stderr, /import is incomplete: 1 file was rejected/);
  assert.match(r.stdout, /osv: 5 advisories \(5 added, 0 updated, 0 unchanged, 1 withdrawn\), 1 files rejected/);
  // again: idempotent
  const again = await d.berth(['scan', 'db', 'import', join(tmp, 'osv')], LONG);
  assert.match(again.stdout, /5 advisories \(0 added, 0 updated, 5 unchanged/);

  const status = await d.ok(['scan', 'db', 'status'], LONG);
  assert.match(status, /Advisories:\s+5 \(1 withdrawn\)/);
  assert.match(status, /Debian:12\s+3/);
  assert.match(status, /Debian:11\s+1/);
  assert.match(status, new RegExp(`osv\\s+5\\s+1\\s+\\S+\\s+${join(tmp, 'osv')}`));
  const st = JSON.parse(await d.ok(['scan', 'db', 'status', '--format', 'json'], LONG));
  assert.equal(st.advisories, 5);
  assert.ok(st.ageSeconds < 120);
  assert.equal(await d.ok(['scan', 'db', 'status', '--format', '{{.Advisories}}'], LONG), '5\n');
});

test('scan debian: source-keyed, fixed-above found with the right fix; fixed == installed and withdrawn not found; no-fix found', { timeout: 120_000 }, async () => {
  const report = JSON.parse(await d.ok(['scan', 'debian', '--format', 'json'], LONG));
  assert.equal(report.incomplete, false);
  assert.equal(report.target.name, 'debian:latest');
  assert.match(report.target.distro, /Debian GNU\/Linux 12/);
  assert.equal(report.packagesScanned, pkgs.size);
  const got = report.findings.map((f: any) => `${f.package.name} ${f.id} ${f.fixedIn ?? '-'} ${f.severity}`).sort();
  const glibcBins = [...pkgs.values()].filter((p) => p.source === 'glibc').map((p) => p.name);
  const zlibBins = [...pkgs.values()].filter((p) => p.source === pkgs.get('zlib1g')!.source).map((p) => p.name);
  const glibcFix = `${pkgs.get('libc6')!.sourceVersion}.1`;
  assert.deepEqual(got, [
    ...glibcBins.map((n) => `${n} DSA-9001-1 ${glibcFix} CRITICAL`),
    ...zlibBins.map((n) => `${n} CVE-2099-0004 - LOW`),
  ].sort());
  assert.ok(glibcBins.includes('libc6'));

  const table = await d.ok(['scan', 'debian'], LONG);
  assert.match(table, /Total: \d+ \(CRITICAL: \d+, HIGH: 0, MEDIUM: 0, LOW: \d+, UNKNOWN: 0\)/);
  assert.match(table, /NAME\s+INSTALLED\s+FIXED-IN\s+TYPE\s+VULNERABILITY\s+SEVERITY\s+LAYER/);
  assert.match(table, new RegExp(`libc6\\s+${pkgs.get('libc6')!.version.replace(/[+.]/g, '\\$&')}\\s+${glibcFix.replace(/[+.]/g, '\\$&')}\\s+deb\\s+DSA-9001-1\\s+CRITICAL\\s+[0-9a-f]{12}`));

  const unfixed = JSON.parse(await d.ok(['scan', 'debian', '--format', 'json', '--ignore-unfixed'], LONG));
  assert.ok(unfixed.findings.length > 0 && unfixed.findings.every((f: any) => f.id === 'DSA-9001-1'));
});

test('--exit-code 1 --severity HIGH,CRITICAL fails only while a HIGH or CRITICAL remains; the ignore file (reason, expiry) decides', { timeout: 180_000 }, async () => {
  const failing = await d.berth(['scan', 'debian', '--exit-code', '1', '--severity', 'HIGH,CRITICAL'], LONG);
  assert.equal(failing.code, 1);
  assert.match(failing.stdout, /DSA-9001-1/);
  assert.doesNotMatch(failing.stdout, /CVE-2099-0004/);

  // accepted via its alias, until a date in the future: nothing HIGH/CRITICAL remains
  const ignore = join(tmp, 'ignore.yaml');
  writeFileSync(ignore, 'vulnerabilities:\n  - id: CVE-2099-0001\n    reason: test image, not shipped\n    expires: 2999-01-01\n');
  const ok = await d.berth(['scan', 'debian', '--exit-code', '1', '--severity', 'HIGH,CRITICAL', '--ignorefile', ignore], LONG);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /Total: 0 .*, \d+ ignored/);
  // LOW findings still fail a job that asks for every severity
  assert.equal((await d.berth(['scan', 'debian', '--exit-code', '1', '--ignorefile', ignore], LONG)).code, 1);
  // the JSON keeps the ignored findings, marked
  const json = JSON.parse(await d.ok(['scan', 'debian', '--format', 'json', '--ignorefile', ignore], LONG));
  assert.ok(json.findings.some((f: any) => f.id === 'DSA-9001-1' && f.ignored?.reason === 'test image, not shipped'));

  // expired: not applied, and said
  writeFileSync(ignore, 'vulnerabilities:\n  - id: DSA-9001-1\n    reason: was fine once\n    expires: 2020-01-01\n');
  const expired = await d.berth(['scan', 'debian', '--exit-code', '1', '--severity', 'CRITICAL', '--ignorefile', ignore], LONG);
  assert.equal(expired.code, 1);
  assert.match(expired.stderr, /ignore entry DSA-9001-1 .* expired on 2020-01-01: not applied/);

  // the default file in the working directory applies without a flag; a broken one is refused
  const cwd = mkdtempSync(join(tmp, 'cwd-'));
  writeFileSync(join(cwd, '.berthscanignore.yaml'), 'vulnerabilities:\n  - id: DSA-9001-1\n    reason: ok\n');
  const viaDefault = spawnSync(BERTH_BIN, ['-H', `unix://${d.socket}`, 'scan', 'debian', '--exit-code', '1', '--severity', 'CRITICAL'],
    { cwd, env: { ...process.env, BERTH_NO_AUTOSTART: '1' }, encoding: 'utf8', timeout: 120_000 });
  assert.equal(viaDefault.status, 0, viaDefault.stderr);
  writeFileSync(ignore, 'vulnerabilities:\n  - reason: no id\n');
  const broken = await d.berth(['scan', 'debian', '--ignorefile', ignore], LONG);
  assert.equal(broken.code, 125);
  assert.match(broken.stderr, /ignore file .*ignore\.yaml: vulnerabilities\[0\]: id is required/);
  assert.match((await d.berth(['scan', 'debian', '--severity', 'SEVERE'], LONG)).stderr, /invalid severity "SEVERE"/);
});

test('SARIF 2.1.0 and CycloneDX VEX outputs validate against their schemas; -o writes the file', { timeout: 120_000 }, async () => {
  const sarifFile = join(tmp, 'out.sarif');
  await d.ok(['scan', 'debian', '--format', 'sarif', '-o', sarifFile], LONG);
  const sarif = JSON.parse(readFileSync(sarifFile, 'utf8'));
  assert.deepEqual(sarifErrors(sarif), []);
  assert.ok(sarif.runs[0].results.some((r: any) => r.ruleId === 'DSA-9001-1' && r.level === 'error'));
  const vex = JSON.parse(await d.ok(['scan', 'debian', '--format', 'cyclonedx-vex'], LONG));
  assert.deepEqual(cycloneDxErrors(vex), []);
  assert.ok(vex.vulnerabilities.some((v: any) => v.id === 'DSA-9001-1'));
});

test('the API: image and container scans, an uploaded zip, JSON paths; a missing image is Docker\'s "No such image"', { timeout: 180_000 }, async () => {
  const img = await d.api('GET', '/berth/images/debian/scan?severity=CRITICAL');
  assert.equal(img.status, 200);
  assert.equal(img.headers['x-berth-scan-incomplete'], '0');
  assert.ok(img.body.findings.length > 0 && img.body.findings.every((f: any) => f.severity === 'CRITICAL'));

  await d.ok(['create', '--name', 'scanme', '--network', 'none', 'debian', 'true'], LONG);
  const ctr = JSON.parse(await d.ok(['scan', '--container', 'scanme', '--format', 'json'], LONG));
  assert.equal(ctr.target.type, 'container');
  assert.ok(ctr.findings.some((f: any) => f.package.name === 'libc6'));

  const missing = await d.berth(['scan', 'nosuchimage:1'], LONG);
  assert.equal(missing.code, 125);
  assert.match(missing.stderr, /No such image: nosuchimage:1/);
  assert.equal((await d.api('GET', '/berth/images/nosuchimage:1/scan')).status, 404);

  const paths = await d.api('POST', '/berth/scan/db/import', { Paths: [join(tmp, 'osv', 'DSA-9001-1.json')] });
  assert.equal(paths.status, 200);
  assert.equal(paths.body.sources[0].unchanged, 1);
});

test('a truncated database is a clear ERR_SCAN_DB naming the fix; import rebuilds it', { timeout: 180_000 }, async () => {
  const dbPath = join(d.root, 'scan', 'osv.db');
  assert.ok(existsSync(dbPath));
  // grow it past a few pages so that cutting it loses tables, then cut it with the daemon stopped
  const many = join(tmp, 'many');
  writeAdvisories(many, Array.from({ length: 200 }, (_, i) => rangeAdvisory(`CVE-2099-${2000 + i}`, 'npm', `p${i}`, [{ introduced: '0' }, { fixed: '1.0.0' }], { details: 'x'.repeat(3000) })));
  await d.ok(['scan', 'db', 'import', many], LONG);
  await d.crash();
  for (const s of ['-wal', '-shm']) rmSync(dbPath + s, { force: true });
  truncateSync(dbPath, Math.floor(statSync(dbPath).size / 3));
  await d.restart();
  const r = await d.berth(['scan', 'debian'], LONG);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /vulnerability database .*osv\.db is damaged.*berth scan db import/);
  const st = await d.berth(['scan', 'db', 'status'], LONG);
  assert.match(st.stderr, /damaged/);
  const re = await d.berth(['scan', 'db', 'import', join(tmp, 'osv', 'DSA-9001-1.json')], LONG);
  assert.equal(re.code, 3, 'the rebuild is reported as incomplete: earlier sources must be imported again');
  assert.match(re.stderr, /moved to .*osv\.db\.damaged-.* and rebuilt/);
  const after = JSON.parse(await d.ok(['scan', 'debian', '--format', 'json'], LONG));
  assert.ok(after.findings.some((f: any) => f.id === 'DSA-9001-1'));
});
