/** YAML reading: anchors, aliases, merge keys, x- fragments, syntax errors with positions, alias bombs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseComposeYaml, ResetTag, OverrideTag } from '../../src/compose/loader/yaml-source.js';
import { load, loadError, projectDir } from './loader-helpers.js';

test('anchors, aliases and merge keys (explicit keys win, first source wins)', async (t) => {
  const dir = projectDir(t, {
    'compose.yaml': [
      'x-base: &base',
      '  image: busybox',
      '  restart: always',
      '  environment: &env',
      '    A: "1"',
      'x-other: &other',
      '  restart: "no"',
      '  user: nobody',
      'services:',
      '  web:',
      '    <<: [*base, *other]',
      '    restart: on-failure',
      '  worker:',
      '    <<: *base',
      '    environment: *env',
      '',
    ].join('\n'),
  });
  const { project } = await load(dir);
  assert.equal(project.services.web!.image, 'busybox');
  assert.equal(project.services.web!.restart, 'on-failure');
  assert.equal(project.services.web!.user, 'nobody');
  assert.deepEqual(project.services.worker!.environment, { A: '1' });
  assert.deepEqual(project.extensions?.['x-base'], { image: 'busybox', restart: 'always', environment: { A: '1' } });
});

test('!reset and !override are read as markers', () => {
  const p = parseComposeYaml('f.yaml', 'services:\n  a:\n    ports: !reset []\n    command: !override [x]\n');
  const a = (p.value.services as Record<string, Record<string, unknown>>).a!;
  assert.ok(a.ports instanceof ResetTag);
  assert.ok(a.command instanceof OverrideTag);
  assert.deepEqual((a.command as OverrideTag).value, ['x']);
});

test('syntax errors and duplicate keys name file:line:column', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': 'services:\n  web:\n    image: busybox\n    image: other\n' });
  let e = await loadError(dir);
  assert.equal(e.code, 'ERR_COMPOSE_FILE');
  assert.match(e.message, /compose\.yaml:4:5: yaml: Map keys must be unique/);
  const bad = projectDir(t, { 'compose.yaml': 'services:\n  web:\n    image: [busybox\n' });
  e = await loadError(bad);
  assert.match(e.message, /compose\.yaml:\d+:\d+: yaml: /);
  assert.equal(e.exitCode, 15);
});

test('a billion-laughs file fails quickly with a clear error', async (t) => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lines.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(',')}]`);
  }
  lines.push('services:\n  web:\n    image: busybox\n    command: *i');
  const dir = projectDir(t, { 'compose.yaml': lines.join('\n') + '\n' });
  const started = Date.now();
  const e = await loadError(dir);
  assert.ok(Date.now() - started < 5000, 'fails fast');
  assert.equal(e.code, 'ERR_COMPOSE_FILE');
  assert.match(e.message, /expands aliases to more than \d+ nodes/);
});

test('an empty file and a non-mapping file', async (t) => {
  const empty = projectDir(t, { 'compose.yaml': '# nothing\n' });
  const { project } = await load(empty);
  assert.deepEqual(project.services, {});
  const list = projectDir(t, { 'compose.yaml': '- a\n- b\n' });
  const e = await loadError(list);
  assert.match(e.message, /top-level object must be a mapping/);
});

test('YAML 1.1 octals as compose-go reads them: mode 0400 is 256, 0o440 and 08 as YAML 1.2', () => {
  const { value: data } = parseComposeYaml('compose.yaml', 'a: 0400\nb: 0o440\nc: 08\nd: 400\ne: "0400"\nf: 0\n');
  assert.deepEqual(data, { a: 256, b: 288, c: 8, d: 400, e: '0400', f: 0 });
});
