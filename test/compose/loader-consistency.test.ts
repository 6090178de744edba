/** The whole-project checks, in compose v2's words, with the place in the file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, loadError, projectDir } from './loader-helpers.js';

test('a depends_on cycle is named in full', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': 'services:\n  a:\n    image: busybox\n    depends_on: [b]\n  b:\n    image: busybox\n    depends_on: [c]\n  c:\n    image: busybox\n    depends_on: [a]\n' });
  const e = await loadError(dir);
  assert.equal(e.code, 'ERR_COMPOSE_CYCLE');
  assert.equal(e.message, `${dir}/compose.yaml:4:18: dependency cycle detected: a -> b -> c -> a`);
  const self = projectDir(t, { 'compose.yaml': 'services:\n  a:\n    image: busybox\n    depends_on: [a]\n' });
  assert.equal((await loadError(self)).message, `${self}/compose.yaml:4:18: dependency cycle detected: a -> a`);
});

test('undefined network, volume, secret, config and service', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['services:\n  web:\n    image: busybox\n    networks: [front]\n', /compose\.yaml:4:16: service "web" refers to undefined network front: invalid compose project/],
    ['services:\n  web:\n    image: busybox\n    volumes: ["data:/data"]\n', /compose\.yaml:4:15: service "web" refers to undefined volume data: invalid compose project/],
    ['services:\n  web:\n    image: busybox\n    secrets: [token]\n', /compose\.yaml:4:15: service "web" refers to undefined secret token: invalid compose project/],
    ['services:\n  web:\n    image: busybox\n    configs: [conf]\n', /compose\.yaml:4:15: service "web" refers to undefined config conf: invalid compose project/],
    ['services:\n  web:\n    image: busybox\n    depends_on:\n      db:\n        condition: service_healthy\n', /compose\.yaml:5:7: service "web" depends on undefined service "db": invalid compose project/],
  ];
  for (const [yaml, want] of cases) {
    const dir = projectDir(t, { 'compose.yaml': yaml });
    const e = await loadError(dir);
    assert.equal(e.code, 'ERR_COMPOSE_UNDEFINED', yaml);
    assert.match(e.message, want);
  }
});

test('a service with neither image nor build', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': 'services:\n  web:\n    command: ["true"]\n' });
  const e = await loadError(dir);
  assert.equal(e.code, 'ERR_COMPOSE_INVALID');
  assert.match(e.message, /compose\.yaml:2:3: service "web" has neither an image nor a build context specified: invalid compose project/);
});

test('the error is reported once the files are merged: an override may add the missing piece', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': 'services:\n  web:\n    networks: [front]\n', 'compose.override.yaml': 'services:\n  web:\n    image: busybox\nnetworks:\n  front: {}\n' });
  const { project } = await load(dir);
  assert.equal(project.networks.front!.name, 'proj_front');
});
