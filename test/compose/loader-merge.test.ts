/** The compose-spec merge rules across -f files and override files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, projectDir } from './loader-helpers.js';

const base = `services:
  web:
    image: busybox
    command: ["sh", "-c", "base"]
    entrypoint: /base
    environment:
      A: "1"
      B: "1"
    labels: [l1=a]
    ports: ["8080:80", "9090:90"]
    expose: ["1000"]
    volumes: ["./one:/data", "logs:/logs"]
    dns: [1.1.1.1]
    depends_on: [db]
    networks: [front]
    healthcheck:
      test: ["CMD", "true"]
      interval: 10s
  db:
    image: busybox
networks:
  front: {}
volumes:
  logs: {}
`;
const override = `services:
  web:
    command: echo override
    environment:
      - B=2
      - C=3
    labels:
      l2: b
    ports: ["8080:80", "7070:70"]
    expose: ["1000", "2000"]
    volumes: ["./two:/data"]
    dns: 8.8.8.8
    depends_on:
      db:
        condition: service_healthy
    networks:
      back:
        aliases: [w]
    healthcheck:
      test: ["CMD", "false"]
networks:
  back: {}
`;

test('two -f files: maps merge, sequences merge by their keys, command/entrypoint replace', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': base, 'override.yaml': override });
  const { project } = await load(dir, { files: ['compose.yaml', 'override.yaml'] });
  const web = project.services.web!;
  assert.deepEqual(web.command, ['echo', 'override']);
  assert.deepEqual(web.entrypoint, ['/base']);
  assert.deepEqual(web.environment, { A: '1', B: '2', C: '3' });
  assert.deepEqual(web.labels, { l1: 'a', l2: 'b' });
  assert.deepEqual(web.ports.map((p) => `${p.published}:${p.target}`), ['8080:80', '9090:90', '7070:70']);
  assert.deepEqual(web.expose, ['1000', '2000']);
  assert.deepEqual(web.volumes.map((v) => `${v.source}:${v.target}`), [`${dir}/two:/data`, 'logs:/logs']);
  assert.deepEqual(web.dns, ['1.1.1.1', '8.8.8.8']);
  assert.deepEqual(web.depends_on, { db: { condition: 'service_healthy', required: true, restart: false } });
  assert.deepEqual(web.networks, { front: {}, back: { aliases: ['w'] } });
  assert.deepEqual(web.healthcheck, { test: ['CMD', 'false'], interval: '10s' });
  assert.deepEqual(Object.keys(project.networks).sort(), ['back', 'default', 'front']); // db uses the default network
});

test('compose.override.yaml is applied over compose.yaml', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': base, 'compose.override.yaml': override });
  const { project } = await load(dir);
  assert.deepEqual(project.services.web!.command, ['echo', 'override']);
});

test('!reset removes and !override replaces what earlier files gave', async (t) => {
  const dir = projectDir(t, {
    'compose.yaml': base,
    'reset.yaml': 'services:\n  web:\n    ports: !reset []\n    environment: !override\n      ONLY: "1"\n    dns: !reset null\n    depends_on: !reset {}\n',
  });
  const { project } = await load(dir, { files: ['compose.yaml', 'reset.yaml'] });
  const web = project.services.web!;
  assert.deepEqual(web.ports, []);
  assert.deepEqual(web.environment, { ONLY: '1' });
  assert.equal(web.dns, undefined);
  assert.deepEqual(web.depends_on, {});
});

test('paths in later files are relative to the project directory', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': base, 'sub/extra.yaml': 'services:\n  web:\n    build: ./ctx\n    env_file: e.env\n', 'e.env': 'E=1\n' });
  const { project } = await load(dir, { files: ['compose.yaml', 'sub/extra.yaml'] });
  assert.equal(project.services.web!.build!.context, `${dir}/ctx`);
  assert.equal(project.services.web!.environment.E, '1');
});
