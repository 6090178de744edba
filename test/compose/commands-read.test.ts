/**
 * berth compose's commands that read and reach into a running project (ps, ls, images, port, top,
 * exec, cp, wait, events, version), on a project brought up by docker-compose 1.29: the commands
 * find it by compose's labels alone, as compose v2 finds a project another client made.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BERTH_BIN } from '../helpers/daemon.js';
import { daemonForClients, eventually, runOk, runProgram } from '../compat/helpers.js';

const COMPOSE = '/usr/bin/docker-compose';

const FILE = `version: "2.4"
services:
  web:
    image: busybox
    ports:
      - "18080:80"
    environment:
      GREETING: hi
    command: sh -c 'trap "exit 0" TERM; while true; do sleep 0.2; done'
  worker:
    image: busybox
    network_mode: none
    command: sh -c 'trap "exit 0" TERM; while true; do sleep 0.2; done'
  job:
    image: busybox
    network_mode: none
    command: sh -c 'sleep 5; exit 3'
`;

test('compose ps, ls, images, port, top, exec, cp, wait, events on a running project', { skip: !existsSync(COMPOSE) && 'docker-compose not installed', timeout: 240_000 }, async (t) => {
  const { d, env } = await daemonForClients(t, { COMPOSE_INTERACTIVE_NO_CLI: '1', BERTH_NO_AUTOSTART: '1' });
  const dir = mkdtempSync('/tmp/bt-compose-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'docker-compose.yml'), FILE);
  const berthEnv = { ...env };
  delete berthEnv.DOCKER_HOST;
  const berth = (args: string[], o: { input?: string } = {}) => runProgram(BERTH_BIN, ['-H', `unix://${d.socket}`, 'compose', '-p', 'proj', ...args], { env: berthEnv, cwd: dir, timeoutMs: 60_000, ...o });
  const ok = async (args: string[]) => {
    const r = await berth(args);
    assert.equal(r.code, 0, `compose ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  await runOk(COMPOSE, ['--no-ansi', '-p', 'proj', 'up', '-d', '--scale', 'worker=2', 'web', 'worker'], { env, cwd: dir, timeoutMs: 120_000 });

  // ps: compose v2's columns, sorted by name; one-offs and stopped containers only with -a
  const ps = await ok(['ps']);
  const [header, ...rows] = ps.trimEnd().split('\n');
  assert.match(header, /^NAME\s+IMAGE\s+COMMAND\s+SERVICE\s+CREATED\s+STATUS\s+PORTS$/);
  assert.deepEqual(rows.map((r) => r.split(/\s+/)[0]), ['proj_web_1', 'proj_worker_1', 'proj_worker_2']);
  assert.match(rows[0], /^proj_web_1\s+busybox\s+"sh -c trap \\"exit 0\\"…"\s+web\s+.* ago\s+Up .*\s0\.0\.0\.0:18080->80\/tcp$/);
  const json = (await ok(['ps', '--format', 'json'])).trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(json.length, 3);
  assert.equal(json[0].Name, 'proj_web_1');
  assert.equal(json[0].Service, 'web');
  assert.equal(json[0].Project, 'proj');
  assert.equal(json[0].State, 'running');
  assert.deepEqual(json[0].Publishers, [{ URL: '0.0.0.0', TargetPort: 80, PublishedPort: 18080, Protocol: 'tcp' }]);
  assert.equal(json[0].ExitCode, 0);
  assert.equal(await ok(['ps', '--services']), 'web\nworker\n');
  assert.equal(await ok(['ps', '--format', '{{.Service}}:{{.Label "com.docker.compose.container-number"}}', 'worker']), 'worker:1\nworker:2\n');
  const ids = (await ok(['ps', '-q'])).trim().split('\n');
  assert.ok(ids.every((id) => /^[0-9a-f]{64}$/.test(id)), ids.join(','));
  assert.equal(await ok(['ps', '--status', 'exited', '-q']), '');
  const badFilter = await berth(['ps', '--filter', 'color=red']);
  assert.equal(badFilter.code, 1);
  assert.match(badFilter.stderr, /unknown filter color/);

  // ls: projects by label, with their states counted
  const ls = await ok(['ls']);
  assert.match(ls, /^NAME\s+STATUS\s+CONFIG FILES\n/);
  // (docker-compose 1.29 labels the file by its name; compose v2 by its path)
  assert.match(ls, /\nproj\s+running\(3\)\s+docker-compose\.yml\n$/);
  assert.deepEqual(JSON.parse(await ok(['ls', '--format', 'json'])), [{ Name: 'proj', Status: 'running(3)', ConfigFiles: 'docker-compose.yml' }]);
  assert.equal(await ok(['ls', '-q', '--filter', 'name=^pr']), 'proj\n');
  assert.equal(await ok(['ls', '-q', '--filter', 'name=nothing']), '');

  // images: one row per container
  const images = await ok(['images']);
  assert.match(images, /^CONTAINER\s+REPOSITORY\s+TAG\s+PLATFORM\s+IMAGE ID\s+SIZE\s+CREATED\n/);
  assert.match(images, /proj_web_1\s+busybox\s+latest\s+linux\/\S+\s+[0-9a-f]{12}\s/);
  assert.equal((await ok(['images', '-q'])).trim().split('\n').length, 1);

  // port
  assert.equal(await ok(['port', 'web', '80']), '0.0.0.0:18080\n');
  const noPort = await berth(['port', 'web', '81']);
  assert.equal(noPort.code, 1);
  assert.match(noPort.stderr, /no port 81\/tcp for container proj_web_1: 80\/tcp/);

  // top: one table, SERVICE and # first, CMD last
  const top = await ok(['top', 'worker']);
  const topHeader = top.split('\n')[0].split(/\s+/);
  assert.deepEqual(topHeader.slice(0, 2), ['SERVICE', '#']);
  assert.equal(topHeader.at(-1), 'CMD');
  assert.match(top, /\nworker\s+1\s/);
  assert.match(top, /\nworker\s+2\s/);

  // exec: the command's exit code, -e, --index, -T
  assert.equal(await ok(['exec', '-T', 'web', 'sh', '-c', 'echo $GREETING $EXTRA', '--']), 'hi\n');
  assert.equal(await ok(['exec', '-T', '-e', 'EXTRA=there', 'web', 'sh', '-c', 'echo $GREETING $EXTRA']), 'hi there\n');
  const failed = await berth(['exec', '-T', 'web', 'sh', '-c', 'exit 7']);
  assert.equal(failed.code, 7);
  assert.equal(await ok(['exec', '-T', '--index', '2', 'worker', 'hostname']), `${(await d.api('GET', '/containers/proj_worker_2/json')).body.Config.Hostname}\n`);
  const notRunning = await berth(['exec', '-T', 'job', 'true']);
  assert.equal(notRunning.code, 1);
  assert.match(notRunning.stderr, /service "job" is not running/);

  // cp both ways
  mkdirSync(join(dir, 'in'));
  writeFileSync(join(dir, 'in', 'a.txt'), 'from the host\n');
  await ok(['cp', 'in', 'web:/tmp/in']);
  assert.equal(await ok(['exec', '-T', 'web', 'cat', '/tmp/in/a.txt']), 'from the host\n');
  await ok(['exec', '-T', 'web', 'sh', '-c', 'echo from the container > /tmp/b.txt']);
  await ok(['cp', 'web:/tmp/b.txt', join(dir, 'b.txt')]);
  assert.equal(readFileSync(join(dir, 'b.txt'), 'utf8'), 'from the container\n');
  // a copy into a service goes to each of its containers
  await ok(['cp', join(dir, 'b.txt'), 'worker:/tmp/b.txt']);
  assert.equal(await ok(['exec', '-T', '--index', '2', 'worker', 'cat', '/tmp/b.txt']), 'from the container\n');

  // events --json: the project's container events, compose's attributes left out
  const events = spawn(BERTH_BIN, ['-H', `unix://${d.socket}`, 'compose', '-p', 'proj', 'events', '--json'], { env: berthEnv, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let evOut = '';
  events.stdout.on('data', (c) => { evOut += c; });
  t.after(() => { if (events.exitCode === null) events.kill('SIGKILL'); });
  await new Promise((r) => setTimeout(r, 500));
  await runOk(COMPOSE, ['--no-ansi', '-p', 'proj', 'up', '-d', 'job'], { env, cwd: dir, timeoutMs: 60_000 });
  await eventually(() => /"action":"start"/.test(evOut), 15_000, 'a start event');
  const start = evOut.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.action === 'start');
  assert.equal(start.service, 'job');
  assert.equal(start.type, 'container');
  assert.match(start.id, /^[0-9a-f]{64}$/);
  assert.equal(start.attributes.name, 'proj_job_1');
  assert.ok(!Object.keys(start.attributes).some((k) => k.startsWith('com.docker.compose.')));
  events.kill('SIGTERM');

  // wait: the exit status of the service's container
  const waited = await berth(['wait', 'job']);
  assert.equal(waited.code, 3, waited.stderr);
  assert.match(waited.stdout, /^container "[0-9a-f]{64}" exited with status code 3\n$/);
  assert.match(await ok(['ps', '-a', '--status', 'exited']), /proj_job_1 .*Exited \(3\)/);
  assert.match(await ok(['ls', '-a']), /proj\s+exited\(1\), running\(3\)/);
});

test('compose version', async () => {
  const r = await runProgram(BERTH_BIN, ['compose', 'version'], { env: { ...process.env, BERTH_NO_AUTOSTART: '1' } });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^berth compose version v2\.\d+\.\d+\S*\n$/);
  const short = await runProgram(BERTH_BIN, ['compose', 'version', '--short'], { env: process.env });
  assert.match(short.stdout, /^2\.\d+\.\d+\S*\n$/);
  const json = await runProgram(BERTH_BIN, ['compose', 'version', '--format', 'json'], { env: process.env });
  assert.match(JSON.parse(json.stdout).version, /^v2\./);
});
