/**
 * compose run: a one-off container with its dependencies started first (a healthy database, an init
 * job that must complete), -e, --rm, -d, the one-off label and name, ports only with --service-ports,
 * and the command's exit code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BERTH_BIN } from '../helpers/daemon.js';
import { daemonForClients, runProgram } from '../compat/helpers.js';

const FILE = `name: demo
services:
  db:
    image: busybox
    command: sh -c 'trap "exit 0" TERM; sleep 1; touch /tmp/ready; while true; do sleep 0.2; done'
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
      retries: 30
  init:
    image: busybox
    command: ["true"]
  web:
    image: busybox
    depends_on:
      db:
        condition: service_healthy
      init:
        condition: service_completed_successfully
    environment:
      FROM_FILE: x
    ports:
      - "18081:80"
    command: ["echo", "hi"]
`;

test('compose run with dependencies, --rm, -d and the exit code', { timeout: 240_000 }, async (t) => {
  const { d } = await daemonForClients(t);
  const dir = mkdtempSync('/tmp/bt-compose-run-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'compose.yaml'), FILE);
  const env: NodeJS.ProcessEnv = { ...process.env, BERTH_NO_AUTOSTART: '1' };
  delete env.NODE_TEST_CONTEXT;
  delete env.DOCKER_HOST;
  const compose = (args: string[]) => runProgram(BERTH_BIN, ['-H', `unix://${d.socket}`, 'compose', '-p', 'demo', ...args], { env, cwd: dir, timeoutMs: 120_000 });
  const list = async (all = true) => (await d.api('GET', `/containers/json?all=${all ? 1 : 0}`)).body as any[];

  const r = await compose(['run', '--rm', '-T', '-e', 'EXTRA=y', 'web', 'sh', '-c', 'echo $FROM_FILE $EXTRA; exit 5']);
  assert.equal(r.code, 5, r.stderr);
  assert.equal(r.stdout, 'x y\n');
  const byService = (s: string) => list().then((l) => l.filter((c) => c.Labels['com.docker.compose.service'] === s));
  const [db] = await byService('db');
  assert.equal(db.State, 'running');
  assert.match(db.Status, /healthy/);
  const [init] = await byService('init');
  assert.equal(init.State, 'exited');
  assert.match(init.Status, /Exited \(0\)/);
  assert.deepEqual(await byService('web'), [], '--rm removed the one-off container');

  // -d: the ID, a one-off named <project>-<service>-run-<slug>, no ports unless --service-ports
  const detached = await compose(['run', '-d', 'web', 'sleep', '30']);
  assert.equal(detached.code, 0, detached.stderr);
  const id = detached.stdout.trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  const info = (await d.api('GET', `/containers/${id}/json`)).body;
  assert.match(info.Name, /^\/demo-web-run-[0-9a-f]{12}$/);
  assert.equal(info.Config.Labels['com.docker.compose.oneoff'], 'True');
  assert.equal(info.Config.Labels['com.docker.compose.project'], 'demo');
  assert.equal(info.Config.Labels['com.docker.compose.container-number'], undefined);
  assert.deepEqual(Object.keys(info.HostConfig.PortBindings ?? {}), []);
  const ps = await compose(['ps', '--format', '{{.Name}}']);
  assert.doesNotMatch(ps.stdout, /web-run/, 'ps leaves one-offs out');
  assert.match((await compose(['ps', '-a', '--format', '{{.Name}}'])).stdout, /demo-web-run-/);

  const withPorts = await compose(['run', '-d', '--service-ports', '--name', 'demo-web-ports', 'web', 'sleep', '30']);
  assert.equal(withPorts.code, 0, withPorts.stderr);
  const ports = (await d.api('GET', '/containers/demo-web-ports/json')).body.HostConfig.PortBindings;
  assert.equal(ports['80/tcp'][0].HostPort, '18081');
  const published = await compose(['run', '-d', '-p', '18082:81', '--name', 'demo-web-p', 'web', 'sleep', '30']);
  assert.equal(published.code, 0, published.stderr);
  assert.deepEqual(Object.keys((await d.api('GET', '/containers/demo-web-p/json')).body.HostConfig.PortBindings), ['81/tcp']);

  // without -p: the project (and its name) from the file; ps checks the service names against it
  const unnamed = (args: string[]) => runProgram(BERTH_BIN, ['-H', `unix://${d.socket}`, 'compose', ...args], { env, cwd: dir, timeoutMs: 60_000 });
  assert.equal((await unnamed(['ps', '-a', '--services'])).stdout, 'db\ninit\nweb\n');
  const bad = await unnamed(['ps', 'nope']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /no such service: nope/);
  // exec -e KEY takes the value from the project's environment (.env)
  writeFileSync(join(dir, '.env'), 'FROM_DOTENV=dotenv\n');
  assert.equal((await unnamed(['exec', '-T', '-e', 'FROM_DOTENV', 'db', 'sh', '-c', 'echo $FROM_DOTENV'])).stdout, 'dotenv\n');

  const both = await compose(['run', '-P', '-p', '1:1', 'web']);
  assert.equal(both.code, 1);
  assert.match(both.stderr, /--service-ports and --publish are incompatible/);
  const noService = await compose(['run', 'nope']);
  assert.equal(noService.code, 1);
  assert.match(noService.stderr, /no such service: nope/);
});
