/** Validation against the compose-spec schema: every error of a file, each with file:line:column and key. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { load, loadError, projectDir } from './loader-helpers.js';

test('the product carries its own copy of the compose-spec schema, the same as the shared one', () => {
  const ours = JSON.parse(readFileSync(new URL('../../src/compose/loader/compose-spec.json', import.meta.url), 'utf8'));
  const shared = JSON.parse(readFileSync(new URL('../../../shared/specs/compose-spec/compose-spec.json', import.meta.url), 'utf8'));
  assert.deepEqual(ours, shared);
});

test('an unknown key, a wrong type and a bad nested key are all reported with positions', async (t) => {
  const dir = projectDir(t, {
    'compose.yaml': [
      'services:',
      '  web:',
      '    image: busybox',
      '    imagee: typo',
      '    ports:',
      '      - targe: 80',
      '    restart: 3',
      'volumes:',
      '  data:',
      '    drivr: local',
      '',
    ].join('\n'),
  });
  const e = await loadError(dir);
  assert.equal(e.code, 'ERR_COMPOSE_INVALID');
  assert.equal(e.exitCode, 15);
  const file = `${dir}/compose.yaml`;
  assert.equal(e.message, [
    `validating ${file}:`,
    `${file}:4:5: services.web additional properties 'imagee' not allowed`,
    `${file}:6:9: services.web.ports.0 additional properties 'targe' not allowed`,
    `${file}:7:14: services.web.restart must be a string`,
    `${file}:10:5: volumes.data additional properties 'drivr' not allowed`,
  ].join('\n'));
});

test('one error: one line; alternatives that all fail on the type say what is allowed', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': 'services:\n  web:\n    image: busybox\n    environment: 3\n' });
  const e = await loadError(dir);
  assert.equal(e.message, `validating ${dir}/compose.yaml: ${dir}/compose.yaml:4:18: services.web.environment must be a array or mapping`);
});

test('a top-level unknown key and a bad service name', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': 'service:\n  web:\n    image: busybox\n' });
  const e = await loadError(dir);
  assert.match(e.message, /compose\.yaml:1:1: \(root\) additional properties 'service' not allowed/);
});

test('x- extensions are allowed anywhere the spec allows them', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': 'x-top: 1\nservices:\n  web:\n    image: busybox\n    x-mine: {a: 1}\nnetworks:\n  n:\n    x-n: 2\n' });
  const { project } = await load(dir, { allResources: true });
  assert.deepEqual(project.services.web!.extensions, { 'x-mine': { a: 1 } });
  assert.deepEqual(project.networks.n!.extensions, { 'x-n': 2 });
});

test('the built CLI uses the precompiled validator and reports the same errors', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const { existsSync } = await import('node:fs');
  const repo = new URL('../../', import.meta.url).pathname;
  assert.ok(existsSync(`${repo}dist/compose/loader/compose-spec-validator.cjs`), 'npm run build precompiles the validator');
  const dir = projectDir(t, { 'compose.yaml': 'services:\n  web:\n    imagee: x\n    ports: [{targe: 1}]\n    restart: 3\n' });
  const fromSrc = await loadError(dir);
  const script = `import('${repo}dist/compose/loader/load.js').then((m) => m.loadProject({ files: [], profiles: [], envFiles: [], env: {}, cwd: ${JSON.stringify(dir)} }))` +
    '.then(() => process.exit(3), (e) => { process.stdout.write(e.message); process.exit(e.exitCode); })';
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 15, r.stderr);
  assert.equal(r.stdout, fromSrc.message);
});

test('an alternative that matched the shape reports its own error only (depends_on long form)', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': 'services:\n  a:\n    image: x\n    depends_on:\n      b:\n        condition: bogus\n  b:\n    image: x\n' });
  const e = await loadError(dir);
  assert.equal(e.message, `validating ${dir}/compose.yaml: ${dir}/compose.yaml:6:20: services.a.depends_on.b.condition value must be one of "service_started", "service_healthy", "service_completed_successfully"`);
});
