/** The text (Docker Bench's layout) and SARIF 2.1.0 outputs, the latter validated against the OASIS schema. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderSarif, renderText } from '../../src/audit/render.js';
import { runAudit } from '../../src/audit/run.js';
import type { AuditReport } from '../../src/audit/types.js';
import { facts, fakeEngine, goodContainer, image } from './fixtures.js';
import { sarifValidator } from './sarif-schema.js';

async function sample(): Promise<AuditReport> {
  const r = await runAudit(fakeEngine({
    containers: [goodContainer('web', { Privileged: true }), goodContainer('db')],
    images: [image('busybox:latest', {})],
    root: '/', runRoot: '/',
  }), facts({ configFile: '/nonexistent/daemon.json', listeners: [] }));
  return r;
}

test('text: one line per check with its worst status, the objects below, the fix after a WARN', async () => {
  const text = renderText(await sample());
  assert.match(text, /^\[WARN\] 5\.4 - Ensure that privileged containers are not used\n {5}\* Privileged: web\n {5}Remediation: run without --privileged/m);
  assert.doesNotMatch(text, /\* .*db is not privileged/, 'passing objects are not listed');
  assert.match(text, /^\[INFO\] 5 - Container Runtime$/m);
  assert.match(text, /^\[PASS\] 2\.6 - Ensure aufs storage driver is not used\n {5}\* the storage driver is overlay$/m);
  assert.match(text, /^\[ERROR\] 3\.17 - cannot read \/nonexistent\/daemon\.json: ENOENT$/m);
  assert.match(text, /^Checks: \d+, findings: \d+ \(PASS \d+, WARN \d+, INFO \d+, NOTE \d+\), errors: \d+$/m);
});

test('SARIF: valid against the SARIF 2.1.0 schema; WARN is a warning, PASS is left out, errors are notifications', async () => {
  const report = await sample();
  const log = renderSarif(report) as any;
  const validate = sarifValidator();
  assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5)));
  const run = log.runs[0];
  assert.equal(run.tool.driver.name, 'berth audit');
  const priv = run.results.find((r: any) => r.ruleId === '5.4');
  assert.equal(priv.level, 'warning');
  assert.equal(priv.locations[0].physicalLocation.artifactLocation.uri, 'container://web');
  assert.equal(run.tool.driver.rules[priv.ruleIndex].id, '5.4');
  assert.ok(!run.results.some((r: any) => r.ruleId === '5.4' && r.message.text.includes('db')));
  assert.equal(run.results.length, report.findings.filter((f) => f.status !== 'PASS').length);
  assert.equal(run.invocations[0].executionSuccessful, false);
  assert.deepEqual(run.invocations[0].toolExecutionNotifications.map((n: any) => n.descriptor.id), ['3.17', '3.18']);
  const img = run.results.find((r: any) => r.ruleId === '4.1');
  assert.equal(img.locations[0].physicalLocation.artifactLocation.uri, 'image://busybox%3Alatest');
});
