/**
 * A metrics address in use: the daemon says so and refuses to start (before it touches its root),
 * unless --metrics-optional is given (then it starts without metrics and warns). The daemons run in
 * this test's own network namespace (the runner is under `unshare --net`), where a port is held first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAEMON_NODE_FLAGS } from '../../src/daemon/node-flags.js';
import { CLI_MAIN, apiRequest, cleanEnv, waitFor } from '../helpers/daemon.js';

let blocker: Server;
let port = 0;
const bases: string[] = [];

before(async () => {
  // the runner's own namespace: its loopback starts down
  spawnSync('ip', ['link', 'set', 'lo', 'up']);
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  port = (blocker.address() as { port: number }).port;
});

after(async () => {
  blocker?.close();
  for (const base of bases) {
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4])
      .filter((m) => m && m.startsWith(base)).sort((a, b) => b.length - a.length);
    for (const m of mounts) spawnSync('umount', ['-l', m]);
    rmSync(base, { recursive: true, force: true });
  }
});

function serve(extra: string[], configFile = '/dev/null') {
  const base = mkdtempSync('/tmp/bt-maddr-');
  bases.push(base);
  const socket = join(base, 'run', 'berth.sock');
  const logFile = join(base, 'daemon.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, CLI_MAIN, 'serve', '-H', `unix://${socket}`, '--root', join(base, 'root'),
    '--run-root', join(base, 'run'), '--fix-cgroups', '--config-file', configFile, ...extra], { env: cleanEnv(), stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<number>((resolve) => child.once('exit', (code, sig) => resolve(code ?? (sig ? 128 : 1))));
  return { base, socket, child, exited, log: () => readFileSync(logFile, 'utf8') };
}

test('a metrics address in use stops the start, with the reason, before the root is touched', async () => {
  const d = serve(['--metrics-addr', `127.0.0.1:${port}`]);
  const timer = setTimeout(() => d.child.kill('SIGKILL'), 30_000);
  const code = await d.exited;
  clearTimeout(timer);
  assert.equal(code, 1, d.log());
  assert.match(d.log(), new RegExp(`metrics address 127\\.0\\.0\\.1:${port} is already in use`));
  assert.ok(!existsSync(join(d.base, 'root')), 'the root was created');
});

test('daemon.json "metrics-addr" is applied like the flag', async () => {
  const dir = mkdtempSync('/tmp/bt-maddr-cfg-');
  bases.push(dir);
  const cfg = join(dir, 'daemon.json');
  writeFileSync(cfg, JSON.stringify({ 'metrics-addr': `127.0.0.1:${port}` }));
  const d = serve([], cfg);
  const timer = setTimeout(() => d.child.kill('SIGKILL'), 30_000);
  assert.equal(await d.exited, 1, d.log());
  clearTimeout(timer);
  assert.match(d.log(), /is already in use/);
});

test('a malformed metrics address is refused', async () => {
  const d = serve(['--metrics-addr', 'localhost']);
  const timer = setTimeout(() => d.child.kill('SIGKILL'), 30_000);
  assert.equal(await d.exited, 1);
  clearTimeout(timer);
  assert.match(d.log(), /invalid metrics address "localhost": use host:port/);
});

for (const how of ['flag', 'daemon.json'] as const) test(`--metrics-optional (${how}) starts without metrics and warns`, async () => {
  let d: ReturnType<typeof serve>;
  if (how === 'flag') d = serve(['--metrics-addr', `127.0.0.1:${port}`, '--metrics-optional']);
  else {
    const dir = mkdtempSync('/tmp/bt-maddr-cfg-');
    bases.push(dir);
    writeFileSync(join(dir, 'daemon.json'), JSON.stringify({ 'metrics-addr': `127.0.0.1:${port}`, 'metrics-optional': true }));
    d = serve([], join(dir, 'daemon.json'));
  }
  try {
    await waitFor(async () => {
      if (d.child.exitCode !== null) throw new Error(`daemon exited: ${d.log()}`);
      try { return (await apiRequest(d.socket, 'GET', '/_ping')).status === 200; } catch { return false; }
    }, 30_000, 'daemon to answer /_ping');
    assert.match(d.log(), new RegExp(`starting without metrics: metrics address 127\\.0\\.0\\.1:${port} is already in use`));
  } finally {
    if (d.child.exitCode === null) {
      d.child.kill('SIGTERM');
      const timer = setTimeout(() => d.child.kill('SIGKILL'), 15_000);
      await d.exited;
      clearTimeout(timer);
    }
  }
});

test('a non-loopback metrics address works and is warned about', async () => {
  const free = createServer();
  await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
  const other = (free.address() as { port: number }).port;
  await new Promise((r) => free.close(r));
  const d = serve(['--metrics-addr', `0.0.0.0:${other}`]);
  try {
    await waitFor(async () => {
      if (d.child.exitCode !== null) throw new Error(`daemon exited: ${d.log()}`);
      try { return (await apiRequest(d.socket, 'GET', '/_ping')).status === 200; } catch { return false; }
    }, 30_000, 'daemon to answer /_ping');
    assert.match(d.log(), /metrics are served on a non-loopback address without authentication/);
    const r = spawnSync('curl', ['-sS', '--max-time', '10', `http://127.0.0.1:${other}/metrics`], { encoding: 'utf8', timeout: 20_000 });
    assert.match(r.stdout, /^# HELP /m);
  } finally {
    if (d.child.exitCode === null) {
      d.child.kill('SIGTERM');
      const timer = setTimeout(() => d.child.kill('SIGKILL'), 15_000);
      await d.exited;
      clearTimeout(timer);
    }
  }
});
