/** The ignore file and the filters: parsing (berth's and Trivy's keys), expiry, aliases, purls, refusals. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyIgnore, expiryTime, parseIgnoreFile } from '../../src/scan/ignore.js';
import { filterFindings, parseSeverities } from '../../src/scan/filter.js';
import { isBerthError } from '../../src/common/errors.js';
import type { Finding } from '../../src/scan/types.js';

function finding(id: string, extra: Partial<Finding> = {}): Finding {
  return {
    id, aliases: [], severity: 'HIGH', installed: '1.0', source: 's', references: [],
    package: { name: 'libc6', version: '1.0', type: 'deb', purl: 'pkg:deb/debian/libc6@1.0?arch=amd64', licenses: [], locations: [] },
    ...extra,
  };
}

const NOW = Date.parse('2026-12-06T12:00:00Z');

test('entries match by id or alias, optionally only some purls; expired ones are reported and not applied; unused ones are listed', () => {
  const rules = parseIgnoreFile(`
vulnerabilities:
  - id: CVE-2023-4911
    reason: no setuid binaries
    expires: 2027-01-31
  - id: DSA-1-1
    reason: old
    expires: 2026-12-05
  - id: GHSA-x
    statement: Trivy's key
    expired_at: 2030-01-01T00:00:00Z
    purls: [pkg:npm/lodash]
  - id: CVE-0000-0000
`, 'f.yaml');
  assert.equal(rules.entries.length, 4);
  assert.equal(rules.entries[2]!.reason, "Trivy's key");
  const out = applyIgnore([
    finding('DSA-5514-1', { aliases: ['CVE-2023-4911'] }),
    finding('DSA-1-1'),
    finding('GHSA-x'), // libc6: the purls limit the entry to lodash
    finding('GHSA-x', { package: { name: 'lodash', version: '4', type: 'npm', purl: 'pkg:npm/lodash@4.17.15', licenses: [], locations: [] } }),
  ], rules, NOW);
  assert.deepEqual(out.findings.map((f) => f.ignored?.reason ?? null), ['no setuid binaries', null, null, "Trivy's key"]);
  assert.deepEqual(out.findings[0]!.ignored, { reason: 'no setuid binaries', expires: '2027-01-31' });
  assert.deepEqual(out.expired.map((e) => e.id), ['DSA-1-1']);
  assert.deepEqual(out.unused.map((e) => e.id), ['CVE-0000-0000']);
  // a date is the end of that day, UTC
  assert.equal(expiryTime('2026-12-06'), Date.parse('2026-12-06T23:59:59.999Z'));
  assert.equal(applyIgnore([finding('DSA-1-1')], parseIgnoreFile('vulnerabilities:\n  - id: DSA-1-1\n    expires: 2026-12-06\n', 'g'), NOW).findings[0]!.ignored?.expires, '2026-12-06');
});

test('a malformed ignore file is refused with ERR_SCAN_IGNORE_FILE naming the file and the entry; an empty one is no rules', () => {
  const bad = (text: string, re: RegExp) => assert.throws(() => parseIgnoreFile(text, 'x.yaml'), (e: unknown) => isBerthError(e) && e.code === 'ERR_SCAN_IGNORE_FILE' && /ignore file x\.yaml/.test(e.message) && re.test(e.message));
  bad('vulnerabilities: [', /not valid YAML/);
  bad('- id: X\n', /mapping/);
  bad('vulns:\n  - id: X\n', /unknown key "vulns"/);
  bad('vulnerabilities:\n  - reason: r\n', /vulnerabilities\[0\]: id is required/);
  bad('vulnerabilities:\n  - id: X\n    expires: soon\n', /vulnerabilities\[0\]: expires must be a date/);
  bad('vulnerabilities:\n  - id: X\n    paths: [/a]\n', /unknown key "paths"/);
  bad('vulnerabilities:\n  - id: X\n    purls: [lodash]\n', /purls must be a list of package URLs/);
  assert.deepEqual(parseIgnoreFile('', 'e').entries, []);
  assert.deepEqual(parseIgnoreFile('vulnerabilities:\n', 'e').entries, []);
});

test('--severity parses a list (any case) and refuses unknown words; --ignore-unfixed drops findings without a fix', () => {
  assert.deepEqual([...parseSeverities('high, Critical')], ['HIGH', 'CRITICAL']);
  assert.throws(() => parseSeverities('HIGH,SEVERE'), /invalid severity "SEVERE"/);
  assert.throws(() => parseSeverities(','), /at least one/);
  const fs = [finding('A', { severity: 'LOW', fixedIn: '2' }), finding('B', { severity: 'CRITICAL' }), finding('C', { severity: 'HIGH', fixedIn: '3' })];
  assert.deepEqual(filterFindings(fs, { severities: parseSeverities('HIGH,CRITICAL') }).map((f) => f.id), ['B', 'C']);
  assert.deepEqual(filterFindings(fs, { ignoreUnfixed: true }).map((f) => f.id), ['A', 'C']);
  assert.deepEqual(filterFindings(fs, { severities: parseSeverities('CRITICAL'), ignoreUnfixed: true }), []);
});
