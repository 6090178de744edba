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

/*
 * An independent check of the scoring library: the CVSS v3.0/v3.1 and v2 base equations written out here
 * from FIRST's specification documents, compared on every possible base vector.
 */
const V3 = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 }, AC: { L: 0.77, H: 0.44 }, UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const;

function roundup31(x: number): number {
  const i = Math.round(x * 100000);
  return i % 10000 === 0 ? i / 100000 : (Math.floor(i / 10000) + 1) / 10;
}

function v3Score(m: Record<string, string>, minor: '0' | '1'): number {
  const changed = m.S === 'C';
  const pr = m.PR === 'N' ? 0.85 : m.PR === 'L' ? (changed ? 0.68 : 0.62) : (changed ? 0.5 : 0.27);
  const cia = V3.CIA as Record<string, number>;
  const iss = 1 - (1 - cia[m.C!]!) * (1 - cia[m.I!]!) * (1 - cia[m.A!]!);
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 : 6.42 * iss;
  const exploitability = 8.22 * (V3.AV as Record<string, number>)[m.AV!]! * (V3.AC as Record<string, number>)[m.AC!]!
    * pr * (V3.UI as Record<string, number>)[m.UI!]!;
  if (impact <= 0) return 0;
  const raw = Math.min((changed ? 1.08 : 1) * (impact + exploitability), 10);
  return minor === '1' ? roundup31(raw) : Math.ceil(raw * 10) / 10;
}

function* combinations(metrics: Array<[string, string[]]>): Generator<Record<string, string>> {
  if (metrics.length === 0) { yield {}; return; }
  const [[name, values], ...rest] = metrics as [[string, string[]], ...Array<[string, string[]]>];
  for (const v of values) for (const tail of combinations(rest)) yield { [name]: v, ...tail };
}

test('CVSS v3.1 and v3.0: the library agrees with the specification\'s equations on all 2,592 base vectors each', () => {
  const metrics: Array<[string, string[]]> = [['AV', ['N', 'A', 'L', 'P']], ['AC', ['L', 'H']], ['PR', ['N', 'L', 'H']],
    ['UI', ['N', 'R']], ['S', ['U', 'C']], ['C', ['H', 'L', 'N']], ['I', ['H', 'L', 'N']], ['A', ['H', 'L', 'N']]];
  for (const minor of ['1', '0'] as const) {
    const wrong: string[] = [];
    let n = 0;
    for (const m of combinations(metrics)) {
      const vector = `CVSS:3.${minor}/${Object.entries(m).map(([k, v]) => `${k}:${v}`).join('/')}`;
      const expected = v3Score(m, minor);
      if (cvssBaseScore('CVSS_V3', vector) !== expected) wrong.push(`${vector} = ${expected}, got ${cvssBaseScore('CVSS_V3', vector)}`);
      n++;
    }
    assert.equal(n, 2592);
    assert.deepEqual(wrong, []);
  }
});

test('CVSS v2: the library agrees with the specification\'s equation on all 729 base vectors', () => {
  const AV: Record<string, number> = { L: 0.395, A: 0.646, N: 1.0 };
  const AC: Record<string, number> = { H: 0.35, M: 0.61, L: 0.71 };
  const AU: Record<string, number> = { M: 0.45, S: 0.56, N: 0.704 };
  const CIA: Record<string, number> = { N: 0, P: 0.275, C: 0.66 };
  const metrics: Array<[string, string[]]> = [['AV', ['L', 'A', 'N']], ['AC', ['H', 'M', 'L']], ['Au', ['M', 'S', 'N']],
    ['C', ['N', 'P', 'C']], ['I', ['N', 'P', 'C']], ['A', ['N', 'P', 'C']]];
  const wrong: string[] = [];
  for (const m of combinations(metrics)) {
    const impact = 10.41 * (1 - (1 - CIA[m.C!]!) * (1 - CIA[m.I!]!) * (1 - CIA[m.A!]!));
    const exploitability = 20 * AV[m.AV!]! * AC[m.AC!]! * AU[m.Au!]!;
    const expected = Math.round(((0.6 * impact) + (0.4 * exploitability) - 1.5) * (impact === 0 ? 0 : 1.176) * 10) / 10;
    const vector = Object.entries(m).map(([k, v]) => `${k}:${v}`).join('/');
    const got = cvssBaseScore('CVSS_V2', vector);
    if (got !== expected) wrong.push(`${vector} = ${expected}, got ${got}`);
  }
  assert.deepEqual(wrong, []);
});
