/** include (a project split over files) and extends (same file, other file, loops). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, loadError, projectDir } from './loader-helpers.js';

test('include: string and long forms, their own project directory and .env, local definitions win', async (t) => {
  const dir = projectDir(t, {
    'compose.yaml': [
      'include:',
      '  - db/compose.yaml',
      '  - path: [cache/compose.yaml, cache/extra.yaml]',
      '    project_directory: cache',
      '    env_file: cache/custom.env',
      'services:',
      '  web:',
      '    image: busybox',
      '    depends_on: [db, cache]',
      '  cache:',
      '    environment: [LOCAL=1]',
      '',
    ].join('\n'),
    'db/compose.yaml': 'services:\n  db:\n    image: "busybox:${DB_TAG}"\n    volumes: ["./data:/data", "dbdata:/var"]\nvolumes:\n  dbdata: {}\n',
    'db/.env': 'DB_TAG=from-db-dotenv\n',
    'cache/compose.yaml': 'services:\n  cache:\n    image: "busybox:${CACHE_TAG}"\n    build: ./ctx\n',
    'cache/extra.yaml': 'services:\n  cache:\n    labels: [extra=1]\n',
    'cache/custom.env': 'CACHE_TAG=custom\n',
  });
  const { project } = await load(dir);
  assert.deepEqual(Object.keys(project.services).sort(), ['cache', 'db', 'web']);
  assert.equal(project.services.db!.image, 'busybox:from-db-dotenv');
  assert.equal(project.services.db!.volumes[0]!.source, `${dir}/db/data`);
  assert.equal(project.volumes.dbdata!.name, 'proj_dbdata');
  assert.equal(project.services.cache!.image, 'busybox:custom');
  assert.equal(project.services.cache!.build!.context, `${dir}/cache/ctx`);
  assert.deepEqual(project.services.cache!.labels, { extra: '1' });
  assert.deepEqual(project.services.cache!.environment, { LOCAL: '1' });
});

test('include: a loop is an error that names the chain', async (t) => {
  const dir = projectDir(t, {
    'compose.yaml': 'include: [a.yaml]\nservices:\n  web:\n    image: busybox\n',
    'a.yaml': 'include: [b.yaml]\n',
    'b.yaml': 'include: [a.yaml]\n',
  });
  const e = await loadError(dir);
  assert.equal(e.code, 'ERR_COMPOSE_CYCLE');
  assert.equal(e.message, `include cycle detected:\n${dir}/compose.yaml\n include ${dir}/a.yaml\n include ${dir}/b.yaml\n include ${dir}/a.yaml`);
});

test('extends: same file and another file, recursively, with the merge rules', async (t) => {
  const dir = projectDir(t, {
    'compose.yaml': [
      'services:',
      '  base:',
      '    image: busybox',
      '    environment: [A=1]',
      '    ports: ["80:80"]',
      '    command: base',
      '  mid:',
      '    extends: base',
      '    environment: [B=2]',
      '  web:',
      '    extends: {service: mid}',
      '    ports: ["81:81"]',
      '    command: web',
      '  remote:',
      '    extends:',
      '      file: common/base.yaml',
      '      service: tpl',
      '    labels: [own=1]',
      '',
    ].join('\n'),
    'common/base.yaml': 'services:\n  tpl:\n    image: "busybox:${TAG:-latest}"\n    build: ./ctx\n    volumes: ["./conf:/conf"]\n    labels: [tpl=1]\n',
  });
  const { project } = await load(dir);
  const web = project.services.web!;
  assert.equal(web.image, 'busybox');
  assert.deepEqual(web.environment, { A: '1', B: '2' });
  assert.deepEqual(web.ports.map((p) => p.target), [80, 81]);
  assert.deepEqual(web.command, ['web']);
  assert.equal((web as unknown as Record<string, unknown>).extends, undefined);
  const remote = project.services.remote!;
  assert.equal(remote.image, 'busybox:latest');
  assert.equal(remote.build!.context, `${dir}/common/ctx`);
  assert.equal(remote.volumes[0]!.source, `${dir}/common/conf`);
  assert.deepEqual(remote.labels, { tpl: '1', own: '1' });
});

test('extends: an unknown service and a loop', async (t) => {
  const unknown = projectDir(t, { 'compose.yaml': 'services:\n  web:\n    extends: nope\n    image: busybox\n' });
  let e = await loadError(unknown);
  assert.equal(e.code, 'ERR_COMPOSE_UNDEFINED');
  assert.match(e.message, /compose\.yaml:3:5: cannot extend service "web" in .*compose\.yaml: service "nope" not found/);
  const loop = projectDir(t, { 'compose.yaml': 'services:\n  a:\n    extends: b\n    image: busybox\n  b:\n    extends: a\n' });
  e = await loadError(loop);
  assert.equal(e.code, 'ERR_COMPOSE_CYCLE');
  assert.equal(e.message, `Circular reference:\n  a in ${loop}/compose.yaml\n  extends b in ${loop}/compose.yaml\n  extends a in ${loop}/compose.yaml`);
});
