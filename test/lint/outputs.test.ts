/** `--format sarif` (validated against the OASIS SARIF 2.1.0 schema) and `--format checkstyle`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { lintSarif, artifactUri } from '../../src/lint/output/sarif.js';
import { lintCheckstyle, xmlAttr } from '../../src/lint/output/checkstyle.js';
import { BERTH_RULES } from '../../src/lint/rules/berth/index.js';
import type { LintResult } from '../../src/lint/types.js';
import { berthFindings } from './berth-rules-helper.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;

function sarifValidator(): (doc: unknown) => string[] {
  // the schema is draft-04; it uses nothing that differs from draft-07 but `id` for `$id`
  const schema = JSON.parse(readFileSync(new URL('../../../shared/specs/supply-chain/sarif-schema-2.1.0.json', import.meta.url), 'utf8'));
  schema.$id = schema.id; delete schema.id; delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const v = ajv.compile(schema);
  return (doc) => (v(doc) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}

const BAD = 'FROM node:latest\nENV DB_PASSWORD="p&<ss>"\nRUN curl -fsSL https://x | sh\nRUN apt-get install -y gcc\nEXPOSE 22 80\nCMD ["node", "a.js"]\n';

function results(): LintResult[] {
  return [
    { file: 'app/Dockerfile', findings: berthFindings(BAD, { file: 'app/Dockerfile' }) },
    { file: 'dir with space/Dockerfile.dev', findings: [{ code: 'SC2086', severity: 'info', message: 'Double quote to prevent globbing and word splitting.', file: 'dir with space/Dockerfile.dev', line: 3, column: 9, url: 'https://www.shellcheck.net/wiki/SC2086' }] },
    { file: 'broken/Dockerfile', findings: [], parseError: { message: 'unknown instruction: FORM', line: 1 } },
  ];
}

test('SARIF: valid against the 2.1.0 schema, every reported rule described, levels and locations right', () => {
  const log = lintSarif(results(), BERTH_RULES) as any;
  assert.deepEqual(sarifValidator()(log), []);
  assert.equal(log.version, '2.1.0');
  const run = log.runs[0];
  const ids = run.tool.driver.rules.map((r: any) => r.id);
  for (const res of run.results) {
    assert.ok(ids.includes(res.ruleId), res.ruleId);
    assert.equal(run.tool.driver.rules[res.ruleIndex].id, res.ruleId);
  }
  const secret = run.results.find((r: any) => r.ruleId === 'BL4001');
  assert.equal(secret.level, 'warning');
  assert.deepEqual(secret.locations[0].physicalLocation, { artifactLocation: { uri: 'app/Dockerfile' }, region: { startLine: 2, startColumn: 5 } });
  assert.match(secret.message.text, /Fix: /);
  const bl1001 = run.tool.driver.rules.find((r: any) => r.id === 'BL1001');
  assert.match(bl1001.help.text, /docs\/lint\/BL1001\.md/);
  assert.equal(bl1001.properties.docs, 'docs/lint/BL1001.md');
  assert.equal(bl1001.defaultConfiguration.level, 'warning');
  const sc = run.results.find((r: any) => r.ruleId === 'SC2086');
  assert.equal(sc.level, 'note');
  assert.equal(sc.locations[0].physicalLocation.artifactLocation.uri, 'dir%20with%20space/Dockerfile.dev');
  assert.equal(run.tool.driver.rules.find((r: any) => r.id === 'SC2086').helpUri, 'https://www.shellcheck.net/wiki/SC2086');
  const parse = run.results.find((r: any) => r.ruleId === 'DockerfileParseError');
  assert.equal(parse.level, 'error');
  assert.equal(artifactUri('/abs/Dockerfile'), 'file:///abs/Dockerfile');
});

test('SARIF: no findings is still a valid log with an empty run', () => {
  const log = lintSarif([{ file: 'Dockerfile', findings: [] }], BERTH_RULES) as any;
  assert.deepEqual(sarifValidator()(log), []);
  assert.deepEqual(log.runs[0].results, []);
});

test('checkstyle: one <file> per Dockerfile, an <error> per finding, markup escaped', () => {
  const xml = lintCheckstyle(results());
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3">'));
  assert.equal((xml.match(/<file /g) ?? []).length, 3);
  const errors = [...xml.matchAll(/<error line="(\d+)" column="(\d+)" severity="(\w+)" message="([^"]*)" source="([^"]*)"\/>/g)];
  const total = results().reduce((n, r) => n + r.findings.length + (r.parseError ? 1 : 0), 0);
  assert.equal(errors.length, total);
  // the markup is well formed: every attribute value is free of raw <, > and &
  for (const m of xml.matchAll(/="([^"]*)"/g)) assert.doesNotMatch(m[1], /[<>]|&(?!(amp|lt|gt|quot|apos|#\d+);)/);
  assert.ok(errors.some((e) => e[5] === 'BL4001' && e[3] === 'warning' && e[1] === '2'));
  assert.ok(errors.some((e) => e[5] === 'SC2086' && e[3] === 'info'));
  assert.ok(errors.some((e) => e[5] === 'BL6003' && e[3] === 'info'), 'style becomes info');
  assert.equal(xmlAttr(`a<b>&"c'\n\u0001`), 'a&lt;b&gt;&amp;&quot;c&apos;&#10;');
});
