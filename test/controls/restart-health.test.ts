/** Restart policies (counts, back-off, daemon restart) and health checks (status, events, acting on failure). */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { restartDelay } from '../../src/container/restart-policy.js';
import { healthPlan } from '../../src/container/health.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

const WAIT_FOR_STOP_FILE = ['sh', '-c', 'trap "exit 0" TERM; while [ ! -e /tmp/stop ]; do sleep 0.1; done; exit 1'];

async function ok(args: string[]): Promise<string> {
  const r = await d.berth(args);
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

async function inspect(name: string): Promise<any> { return JSON.parse(await ok(['inspect', name]))[0]; }

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (let i = 0; i < 600 && Date.now() < end; i++) {
    try { const v = await fn(); if (v !== undefined && v !== false) return v as T; } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

async function events(name: string): Promise<string[]> {
  const out = await ok(['events', '--since', '0', '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', `container=${name}`, '--format', '{{.Action}}']);
  return out.split('\n').filter(Boolean);
}

test('back-off doubles from 100 ms to a minute and resets after a 10 s run (unit)', () => {
  let delay = 0;
  const seen: number[] = [];
  for (let i = 0; i < 12; i++) { delay = restartDelay(delay, 50); seen.push(delay); }
  assert.deepEqual(seen.slice(0, 5), [100, 200, 400, 800, 1600]);
  assert.equal(seen.at(-1), 60_000);
  assert.equal(restartDelay(60_000, 10_000), 100);
});

test('on-failure:N restarts N times with RestartCount, then stays exited', async () => {
  await ok(['run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 3']);
  const st = await until('two restarts and a final exit', async () => {
    const i = await inspect('flaky');
    return i.RestartCount === 2 && i.State.Status === 'exited' ? i : undefined;
  });
  assert.equal(st.State.ExitCode, 3);
  const ev = await events('flaky');
  assert.equal(ev.filter((a) => a === 'start').length, 3);
  assert.equal(ev.filter((a) => a === 'die').length, 3);
  // an exit 0 is not a failure
  await ok(['run', '-d', '--name', 'fine', '--restart', 'on-failure', 'busybox', 'true']);
  await until('the exit', async () => (await inspect('fine')).State.Status === 'exited');
  assert.equal((await inspect('fine')).RestartCount, 0);
});

test('always restarts a container that exits 0 until it is stopped', async () => {
  await ok(['run', '-d', '--name', 'again', '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 0.2']);
  await until('three restarts', async () => (await inspect('again')).RestartCount >= 3);
  await ok(['stop', '-t', '1', 'again']);
  const after = await inspect('again');
  assert.equal(after.State.Running, false);
  const count = after.RestartCount;
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await inspect('again')).RestartCount, count, 'a stopped container is not restarted');
  assert.equal((await inspect('again')).State.Status, 'exited');
});

test('daemon restart: always and unless-stopped come back, no and manually stopped do not', async () => {
  for (const [name, policy] of [['p-always', 'always'], ['p-unless', 'unless-stopped'], ['p-no', 'no'], ['p-stopped', 'unless-stopped']]) {
    await ok(['run', '-d', '--name', name, '--restart', policy, 'busybox', ...WAIT_FOR_STOP_FILE]);
  }
  await ok(['stop', '-t', '1', 'p-stopped']);
  const pids: Record<string, number> = {};
  for (const n of ['p-always', 'p-unless', 'p-no']) pids[n] = (await inspect(n)).State.Pid;
  await d.crash();
  // the containers die while no daemon watches them
  for (const pid of Object.values(pids)) process.kill(pid, 'SIGKILL');
  await d.restart();
  for (const n of ['p-always', 'p-unless']) {
    const i = await until(`${n} to run again`, async () => { const x = await inspect(n); return x.State.Running && !x.State.Restarting && x.State.Pid > 0 && x.State.Pid !== pids[n] ? x : undefined; });
    assert.equal(i.State.Status, 'running');
  }
  assert.equal((await inspect('p-no')).State.Status, 'exited');
  assert.equal((await inspect('p-no')).State.ExitCode, 137);
  assert.equal((await inspect('p-stopped')).State.Status, 'exited');
});

test('health: starting -> healthy -> unhealthy with the last results and health_status events', async () => {
  await ok(['run', '-d', '--name', 'hc', '--health-cmd', 'cat /tmp/health', '--health-interval', '300ms', '--health-retries', '2', '--health-timeout', '2s',
    'busybox', 'sh', '-c', 'trap "exit 0" TERM; echo fine > /tmp/health; while true; do sleep 0.1; done']);
  const healthy = await until('healthy', async () => { const h = (await inspect('hc')).State.Health; return h?.Status === 'healthy' ? h : undefined; });
  assert.equal(healthy.FailingStreak, 0);
  assert.equal(healthy.Log.at(-1).ExitCode, 0);
  assert.equal(healthy.Log.at(-1).Output, 'fine\n');
  assert.match((await ok(['ps', '--filter', 'name=hc', '--format', '{{.Status}}'])), /\(healthy\)$/);
  await ok(['exec', 'hc', 'rm', '/tmp/health']);
  const sick = await until('unhealthy', async () => { const h = (await inspect('hc')).State.Health; return h?.Status === 'unhealthy' ? h : undefined; });
  assert.ok(sick.FailingStreak >= 2);
  assert.notEqual(sick.Log.at(-1).ExitCode, 0);
  assert.ok(sick.Log.length <= 5);
  assert.equal(await ok(['ps', '--filter', 'health=unhealthy', '--format', '{{.Names}}']), 'hc');
  const ev = await events('hc');
  assert.ok(ev.includes('health_status: healthy') && ev.includes('health_status: unhealthy'), ev.join(','));
  // a check that hangs is cut at the timeout
  await ok(['run', '-d', '--name', 'slow', '--health-cmd', 'sleep 10', '--health-interval', '300ms', '--health-timeout', '300ms', '--health-retries', '1', 'busybox', 'sleep', '60']);
  const slow = await until('the timeout', async () => { const h = (await inspect('slow')).State.Health; return h?.Status === 'unhealthy' ? h : undefined; });
  assert.match(slow.Log.at(-1).Output, /Health check exceeded timeout \(300ms\)/);
  await ok(['rm', '-f', 'slow', 'hc']);
});

test('--health-on-failure=restart restarts an unhealthy container; kill and stop end it', async () => {
  // healthy only while /tmp/ok exists; the container's own script removes it after a while
  const script = 'trap "exit 0" TERM; touch /tmp/ok; sleep 1; rm /tmp/ok; while true; do sleep 0.1; done';
  await ok(['run', '-d', '--name', 'heal', '--health-cmd', 'test -e /tmp/ok', '--health-interval', '300ms', '--health-retries', '1', '--health-on-failure', 'restart', 'busybox', 'sh', '-c', script]);
  const first = (await inspect('heal')).State.StartedAt;
  await until('a restart', async () => { const i = await inspect('heal'); return i.State.Running && i.State.StartedAt !== first; });
  assert.ok((await events('heal')).includes('restart'));
  await ok(['rm', '-f', 'heal']);
  await ok(['run', '-d', '--name', 'killme', '--health-cmd', 'false', '--health-interval', '300ms', '--health-retries', '1', '--health-on-failure', 'kill', 'busybox', 'sleep', '60']);
  const killed = await until('the kill', async () => { const i = await inspect('killme'); return !i.State.Running ? i : undefined; });
  assert.equal(killed.State.ExitCode, 137);
  await ok(['run', '-d', '--name', 'stopme', '--health-cmd', 'false', '--health-interval', '300ms', '--health-retries', '1', '--health-on-failure', 'stop', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done']);
  const stopped = await until('the stop', async () => { const i = await inspect('stopme'); return !i.State.Running ? i : undefined; });
  assert.equal(stopped.State.ExitCode, 0);
});

test('image HEALTHCHECK is inherited, --no-healthcheck disables it, partial flags merge', async () => {
  await ok(['create', '--name', 'base', 'busybox', 'true']);
  const c = await d.api('POST', '/commit?container=base&repo=hcimg&tag=1', { Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 300_000_000, Retries: 1 } });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  await ok(['run', '-d', '--name', 'inherit', 'hcimg:1', 'sleep', '60']);
  const h = await until('healthy from the image check', async () => { const x = (await inspect('inherit')).State.Health; return x?.Status === 'healthy' ? x : undefined; });
  assert.equal(h.Log.at(-1).ExitCode, 0);
  await ok(['run', '-d', '--name', 'nocheck', '--no-healthcheck', 'hcimg:1', 'sleep', '60']);
  const i = await inspect('nocheck');
  assert.deepEqual(i.Config.Healthcheck.Test, ['NONE']);
  assert.equal(i.State.Health, undefined);
  await ok(['create', '--name', 'partial', '--health-retries', '7', 'hcimg:1', 'true']);
  const p = (await inspect('partial')).Config.Healthcheck;
  assert.deepEqual(p.Test, ['CMD-SHELL', 'true']);
  assert.equal(p.Retries, 7);
  assert.equal(p.Interval, 300_000_000);
  assert.equal(healthPlan({ Healthcheck: { Test: ['NONE'] } }, {}), null);
  await ok(['rm', '-f', 'inherit', 'nocheck', 'partial', 'base']);
});
