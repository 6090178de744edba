/**
 * The lifecycle commands through the CLI and a real `berth serve`: logs (prefixes, --tail, -t,
 * --no-log-prefix, --index), stop/start/restart (order, progress lines), pause/unpause, kill -s, rm (prompt,
 * -f, -s), create, `-p` without a file, and attached `up` (--exit-code-from, --abort-on-container-exit,
 * Ctrl-C).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { composeHarness, until } from './up-harness.js';

const loop = (msg: string) => JSON.stringify(`sh -c 'trap "exit 0" TERM; echo ${msg}; while true; do sleep 0.2; done'`);

const LIFE = `name: life
services:
  app:
    image: busybox
    command: ${loop('app started')}
    network_mode: none
  side:
    image: busybox
    command: ${loop('side started')}
    network_mode: none
    depends_on: [app]
`;

let daemon: TestDaemon | undefined;
const shared = async () => (daemon ??= await startDaemon());
test.after(async () => { await daemon?.cleanup(); });

test('logs, stop/start/restart, pause/unpause, kill, rm, -p without a file', { timeout: 180_000 }, async (t) => {
  const h = await composeHarness(t, await shared());
  h.write('compose.yaml', LIFE);
  await h.ok(['up', '-d']);
  await until(async () => (await h.compose(['logs'])).stdout.includes('side started'), 15_000, 'side to log');

  const logs = (await h.ok(['logs'])).stdout;
  assert.match(logs, /^app-1 {3}\| app started$/m);
  assert.match(logs, /^side-1 {2}\| side started$/m);
  assert.equal((await h.ok(['logs', '--no-log-prefix', 'side'])).stdout, 'side started\n');
  assert.match((await h.ok(['logs', '-t', 'app'])).stdout, /^app-1 {2}\| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z app started$/m);
  assert.equal((await h.ok(['logs', '--tail', '0'])).stdout, '');
  assert.equal((await h.ok(['logs', '--index', '1', 'app'])).stdout, 'app-1  | app started\n');
  assert.match((await h.compose(['logs', '--index', '1'])).stderr, /--index requires one service to be selected/);

  // stop: dependants first
  const stop = await h.ok(['stop', '-t', '2']);
  assert.ok(stop.stderr.indexOf(' Container life-side-1  Stopped') < stop.stderr.indexOf(' Container life-app-1  Stopping'), stop.stderr);
  assert.deepEqual((await h.containers('life')).map((c) => c.State), ['exited', 'exited']);

  // start: dependencies first
  const start = await h.ok(['start']);
  assert.ok(start.stderr.indexOf(' Container life-app-1  Started') < start.stderr.indexOf(' Container life-side-1  Starting'), start.stderr);
  assert.deepEqual((await h.containers('life')).map((c) => c.State), ['running', 'running']);

  // restart of one service leaves the other alone (its dependency has no `restart: true`)
  const sideStarted = (await h.inspect('life-side-1')).State.StartedAt;
  const restart = await h.ok(['restart', 'app']);
  assert.ok(restart.stderr.includes(' Container life-app-1  Restarting\n') && restart.stderr.includes(' Container life-app-1  Started\n'), restart.stderr);
  assert.equal((await h.inspect('life-side-1')).State.StartedAt, sideStarted);

  const pause = await h.ok(['pause', 'app']);
  assert.ok(pause.stderr.includes(' Container life-app-1  Paused\n'), pause.stderr);
  assert.equal((await h.inspect('life-app-1')).State.Status, 'paused');
  const unpause = await h.ok(['unpause']);
  assert.ok(unpause.stderr.includes(' Container life-app-1  Unpaused\n'), unpause.stderr);
  assert.equal((await h.inspect('life-app-1')).State.Status, 'running');

  const kill = await h.ok(['kill', '-s', 'SIGKILL', 'side']);
  assert.ok(kill.stderr.includes(' Container life-side-1  Killed\n'), kill.stderr);
  await until(async () => (await h.inspect('life-side-1')).State.Status === 'exited', 10_000, 'side to die');
  assert.equal((await h.inspect('life-side-1')).State.ExitCode, 137);

  // rm asks first (no answer: nothing removed), -f does not ask
  const no = await h.compose(['rm'], { input: 'n\n' });
  assert.equal(no.code, 0);
  assert.equal(no.stdout, 'Going to remove life-side-1');
  assert.equal((await h.containers('life')).length, 2);
  const yes = await h.ok(['rm', '-f']);
  assert.equal(yes.stdout, 'Going to remove life-side-1\n');
  assert.ok(yes.stderr.includes(' Container life-side-1  Removed\n'), yes.stderr);
  assert.match((await h.ok(['rm', '-f'])).stderr, /No stopped containers/);

  // create makes without starting; `-p` without a file works from the labels
  const create = await h.ok(['create', 'side']);
  assert.ok(create.stderr.includes(' Container life-side-1  Created\n'), create.stderr);
  assert.equal((await h.inspect('life-side-1')).State.Status, 'created');
  h.write('compose.yaml', 'services: {}\n');
  const bare = await h.ok(['-p', 'life', 'stop', 'app']);
  assert.ok(bare.stderr.includes(' Container life-app-1  Stopped\n'), bare.stderr);
  await h.ok(['-p', 'life', 'rm', '-fs']);
  assert.deepEqual(await h.containers('life'), []);
  await h.ok(['-p', 'life', 'down']);
});

test('attached up: prefixed output, exit codes, --exit-code-from, --abort-on-container-exit, Ctrl-C', { timeout: 180_000 }, async (t) => {
  const h = await composeHarness(t, await shared());
  h.write('compose.yaml', `name: att
services:
  job:
    image: busybox
    command: sh -c 'echo hello from job; sleep 0.5; exit 3'
    network_mode: none
  srv:
    image: busybox
    command: ${loop('srv up')}
    network_mode: none
`);
  const r = await h.compose(['up', '--exit-code-from', 'job', '--no-color'], { timeoutMs: 60_000 });
  assert.equal(r.code, 3, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^Attaching to job-1, srv-1$/m);
  assert.match(r.stdout, /^job-1  \| hello from job$/m);
  assert.match(r.stdout, /^job-1 exited with code 3$/m);
  assert.match(r.stderr, /Aborting on container exit\.\.\./);
  await until(async () => (await h.containers('att')).every((c) => c.State === 'exited'), 20_000, 'srv to be stopped');

  // --abort-on-container-exit alone: the first exited container's code (3)
  // recreated containers: their output shows once (the attach carries it; no second stream for them)
  const a = await h.compose(['up', '--abort-on-container-exit', '--force-recreate', 'job', 'srv'], { timeoutMs: 60_000 });
  assert.equal(a.code, 3, `${a.stdout}\n${a.stderr}`);
  assert.equal(a.stdout.match(/hello from job/g)?.length, 1, a.stdout);

  // Ctrl-C: graceful stop, then the command ends when everything has stopped
  h.write('compose.yaml', `name: att
services:
  srv:
    image: busybox
    command: ${loop('srv up')}
    network_mode: none
`);
  const run = h.spawn(['up', '--remove-orphans']);
  await until(() => /srv-1 +\| srv up/.test(run.out()), 30_000, `srv output; got ${run.out()} ${run.err()}`);
  run.child.kill('SIGINT');
  const code = await Promise.race([run.exited, new Promise<number>((_, rej) => setTimeout(() => rej(new Error(`up did not end: ${run.out()} ${run.err()}`)), 30_000))]);
  assert.equal(code, 0, run.err());
  assert.match(run.out(), /Gracefully Stopping\.\.\. press Ctrl\+C again to force/);
  assert.match(run.out(), /srv-1 exited with code 0/);
  assert.deepEqual((await h.containers('att')).map((c) => c.State), ['exited']);
  await h.ok(['down']);
});

test('failing gates: --wait names an unhealthy service, dependencies fail with compose\'s words, optional ones only warn', { timeout: 180_000 }, async (t) => {
  const h = await composeHarness(t, await shared());
  h.write('compose.yaml', `name: bad
services:
  sick:
    image: busybox
    command: ${loop('sick')}
    network_mode: none
    healthcheck:
      test: ["CMD", "false"]
      interval: 200ms
      retries: 2
`);
  const wait = await h.compose(['up', '-d', '--wait']);
  assert.equal(wait.code, 1, wait.stderr);
  assert.match(wait.stderr, /container bad-sick-1 is unhealthy/);

  h.write('compose.yaml', `name: bad
services:
  sick:
    image: busybox
    command: ${loop('sick')}
    network_mode: none
    healthcheck:
      test: ["CMD", "false"]
      interval: 200ms
      retries: 2
  needs:
    image: busybox
    command: ${loop('needs')}
    network_mode: none
    depends_on:
      sick: {condition: service_healthy}
  job:
    image: busybox
    command: sh -c 'exit 3'
    network_mode: none
  after:
    image: busybox
    command: ${loop('after')}
    network_mode: none
    depends_on:
      job: {condition: service_completed_successfully}
  lenient:
    image: busybox
    command: ${loop('lenient')}
    network_mode: none
    depends_on:
      job: {condition: service_completed_successfully, required: false}
`);
  const dep = await h.compose(['up', '-d', 'needs']);
  assert.equal(dep.code, 1);
  assert.match(dep.stderr, /dependency failed to start: container bad-sick-1 is unhealthy/);
  assert.equal((await h.inspect('bad-needs-1')).State.Status, 'created');

  const job = await h.compose(['up', '-d', 'after']);
  assert.equal(job.code, 1);
  assert.match(job.stderr, /service "job" didn't complete successfully: exit 3/);

  const lenient = await h.compose(['up', '-d', 'lenient']);
  assert.equal(lenient.code, 0, lenient.stderr);
  assert.match(lenient.stderr, /optional dependency "job" didn't complete successfully: exit 3/);
  assert.equal((await h.inspect('bad-lenient-1')).State.Status, 'running');

  const timeout = await h.compose(['up', '-d', '--wait', '--wait-timeout', '1', 'needs', '--no-deps']);
  assert.equal(timeout.code, 0, `needs has no healthcheck: running is enough\n${timeout.stderr}`);
  await h.ok(['down', '-t', '1']);
});
