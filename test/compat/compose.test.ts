/**
 * docker-compose 1.29 (Debian) against `berth serve`: up -d, ps, logs, exec, stop, start, down -v
 * for image-only services (one with a named volume). Services use network_mode none: compose
 * would otherwise create a project network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { daemonForClients, runOk, runProgram } from './helpers.js';

const COMPOSE = '/usr/bin/docker-compose';

const COMPOSE_FILE = `version: "2.4"
services:
  web:
    image: busybox
    network_mode: none
    labels:
      role: front
    environment:
      GREETING: hi
    volumes:
      - data:/data
    command: sh -c 'trap "exit 0" TERM; echo "web $$GREETING"; while true; do sleep 0.2; done'
  worker:
    image: busybox
    network_mode: none
    command: sh -c 'trap "exit 0" TERM; echo worker up; while true; do sleep 0.2; done'
volumes:
  data: {}
`;

test('docker-compose: up -d, ps, logs, exec, stop, start, down', { skip: !existsSync(COMPOSE) && 'docker-compose not installed' }, async (t) => {
  const { d, env } = await daemonForClients(t, { COMPOSE_INTERACTIVE_NO_CLI: '1' });
  const dir = mkdtempSync('/tmp/bt-compose-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'docker-compose.yml'), COMPOSE_FILE);
  const compose = (args: string[], timeoutMs = 90_000) => runOk(COMPOSE, ['--no-ansi', '-p', 'proj', ...args], { env, cwd: dir, timeoutMs });

  await compose(['up', '-d']);
  const running = async () => (await d.api('GET', '/containers/json')).body.map((c: any) => c.Names[0]).sort();
  assert.deepEqual(await running(), ['/proj_web_1', '/proj_worker_1']);
  const web = (await d.api('GET', '/containers/proj_web_1/json')).body;
  assert.equal(web.Config.Labels['com.docker.compose.project'], 'proj');
  assert.equal(web.Config.Labels.role, 'front');
  assert.equal(web.HostConfig.NetworkMode, 'none');

  const ps = (await compose(['ps'])).stdout;
  assert.match(ps, /proj_web_1 .* Up/);
  assert.match(ps, /proj_worker_1 .* Up/);

  // logs are read after the services have printed their first line
  const logs = (await compose(['logs', '--no-color'])).stdout;
  assert.match(logs, /web_1\s+\| web hi/);
  assert.match(logs, /worker_1\s+\| worker up/);

  assert.equal((await compose(['exec', '-T', 'web', 'sh', '-c', 'echo $GREETING from exec'])).stdout, 'hi from exec\n');
  // exec into a service with a named volume (it once failed with "named volumes are not supported yet")
  assert.equal((await compose(['exec', '-T', 'web', 'sh', '-c', 'echo kept > /data/f && cat /data/f'])).stdout, 'kept\n');
  const failing = await runProgram(COMPOSE, ['--no-ansi', '-p', 'proj', 'exec', '-T', 'web', 'sh', '-c', 'exit 4'], { env, cwd: dir, timeoutMs: 60_000 });
  assert.equal(failing.code, 4);

  await compose(['stop']);
  assert.deepEqual(await running(), []);
  assert.equal((await d.api('GET', '/containers/proj_web_1/json')).body.State.ExitCode, 0, 'stopped by SIGTERM, not killed');
  await compose(['start']);
  assert.deepEqual(await running(), ['/proj_web_1', '/proj_worker_1']);

  await compose(['down', '-v']);
  assert.deepEqual((await d.api('GET', '/containers/json?all=1')).body, []);
  assert.deepEqual((await d.api('GET', '/volumes')).body.Volumes, []);
});
