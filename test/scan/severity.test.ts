/** Severity from CVSS vectors (scores of real CVEs) and from the databases' severity words. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cvssBaseScore, severityOf, severityOfScore } from '../../src/scan/severity.js';
import type { OsvAdvisory } from '../../src/scan/osv/types.js';

const advisory = (extra: Partial<OsvAdvisory>): OsvAdvisory => ({ id: 'TEST-1', modified: '2024-01-01T00:00:00Z', ...extra });

test('CVSS v3.1/v3.0 base scores of real CVEs', () => {
  const known: Array<[string, number]> = [
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10.0], // CVE-2021-44228 (Log4Shell)
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 7.5], // CVE-2014-0160 (Heartbleed)
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8], // CVE-2021-3156 (sudo)
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8], // CVE-2022-22965 (Spring4Shell)
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1], // a typical reflected XSS
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H', 5.5],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N', 3.7],
    ['CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N', 1.6],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0.0],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C', 9.8], // temporal metrics do not change the base
  ];
  for (const [vector, score] of known) assert.equal(cvssBaseScore('CVSS_V3', vector), score, vector);
});

test('CVSS v2 and v4 base scores', () => {
  assert.equal(cvssBaseScore('CVSS_V2', 'AV:N/AC:L/Au:N/C:P/I:N/A:N'), 5.0); // CVE-2014-0160
  assert.equal(cvssBaseScore('CVSS_V2', 'AV:N/AC:L/Au:N/C:C/I:C/A:C'), 10.0); // CVE-2014-6271 (Shellshock)
  assert.equal(cvssBaseScore('CVSS_V2', '(AV:N/AC:L/Au:N/C:C/I:C/A:C)'), 10.0, 'NVD\'s parentheses');
  assert.equal(cvssBaseScore('CVSS_V4', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'), 9.3);
  assert.equal(cvssBaseScore('CVSS_V4', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'), 8.7);
  assert.equal(cvssBaseScore('CVSS_V4', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N'), 5.1);
});

test('broken or mislabelled vectors give no score', () => {
  for (const [type, v] of [
    ['CVSS_V3', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q'], ['CVSS_V3', 'CVSS:3.1/AV:N/AC:L'], ['CVSS_V3', 'garbage'],
    ['CVSS_V2', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'], ['CVSS_V4', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['CVSS_V3', ''], ['Ubuntu', 'high'],
  ]) assert.equal(cvssBaseScore(type!, v!), undefined, `${type} ${v}`);
});

test('rating bands', () => {
  assert.equal(severityOfScore(0), 'LOW');
  assert.equal(severityOfScore(0.1), 'LOW');
  assert.equal(severityOfScore(3.9), 'LOW');
  assert.equal(severityOfScore(4.0), 'MEDIUM');
  assert.equal(severityOfScore(6.9), 'MEDIUM');
  assert.equal(severityOfScore(7.0), 'HIGH');
  assert.equal(severityOfScore(8.9), 'HIGH');
  assert.equal(severityOfScore(9.0), 'CRITICAL');
  assert.equal(severityOfScore(10), 'CRITICAL');
});

test('severityOf: a vector gives severity, score and vector; v3 is preferred over v4 and v2', () => {
  const log4shell = advisory({ severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' }] });
  assert.deepEqual(severityOf(log4shell), { severity: 'CRITICAL', score: 10, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' });
  const both = advisory({
    severity: [
      { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N' },
      { type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:C/I:C/A:C' },
      { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N' },
    ],
  });
  assert.deepEqual(severityOf(both), { severity: 'MEDIUM', score: 6.1, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N' });
  const v4 = advisory({ severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' }] });
  assert.deepEqual(severityOf(v4), { severity: 'CRITICAL', score: 9.3, vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' });
  const v2 = advisory({ severity: [{ type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:N/A:N' }] });
  assert.deepEqual(severityOf(v2), { severity: 'MEDIUM', score: 5, vector: 'AV:N/AC:L/Au:N/C:P/I:N/A:N' });
});

test('severityOf: the package\'s own severity wins over the advisory\'s', () => {
  const a = advisory({ severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' }] });
  const pkg = { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H' }] };
  assert.equal(severityOf(a, pkg).score, 5.5);
  assert.equal(severityOf(a, {}).score, 10);
});

test('severityOf: database words when there is no usable vector', () => {
  assert.deepEqual(severityOf(advisory({ database_specific: { severity: 'MODERATE' } })), { severity: 'MEDIUM' }); // GHSA
  assert.deepEqual(severityOf(advisory({ database_specific: { severity: 'HIGH' } })), { severity: 'HIGH' });
  assert.deepEqual(severityOf(advisory({}), { ecosystem_specific: { urgency: 'unimportant' } }), { severity: 'LOW' }); // Debian
  assert.deepEqual(severityOf(advisory({}), { ecosystem_specific: { urgency: 'not yet assigned' } }), { severity: 'UNKNOWN' });
  assert.deepEqual(severityOf(advisory({}), { ecosystem_specific: { urgency: 'medium**' } }), { severity: 'MEDIUM' });
  assert.deepEqual(severityOf(advisory({}), { database_specific: { severity: 'low' } }), { severity: 'LOW' });
  assert.deepEqual(severityOf(advisory({ severity: [{ type: 'Ubuntu', score: 'negligible' }] })), { severity: 'LOW' });
  assert.deepEqual(severityOf(advisory({ database_specific: { impact: 'Important' } })), { severity: 'HIGH' }); // Red Hat
  assert.deepEqual(severityOf(advisory({ database_specific: { severity: 'CRITICAL' } })), { severity: 'CRITICAL' });
  // a broken vector falls through to the word
  const broken = advisory({ severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N' }], database_specific: { severity: 'LOW' } });
  assert.deepEqual(severityOf(broken), { severity: 'LOW' });
  assert.deepEqual(severityOf(advisory({})), { severity: 'UNKNOWN' });
  assert.deepEqual(severityOf(advisory({ database_specific: { severity: 'whatever' } })), { severity: 'UNKNOWN' });
});

test('CVSS v4: an incomplete vector is not scored (the word, if any, is used)', () => {
  const a = advisory({ severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L' }], database_specific: { severity: 'HIGH' } });
  assert.deepEqual(severityOf(a), { severity: 'HIGH' });
});
