/**
 * A rootless berth as a real unprivileged user (made by the test with useradd and subordinate ids):
 * `berth serve` enters a user namespace mapped from /etc/subuid and /etc/subgid, and the container
 * lifecycle works there; limits are refused on this cgroup v1 host with the reason.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRootlessUser, type RootlessUser } from '../helpers/rootless-user.js';

let u: RootlessUser;

before(async () => {
  u = await createRootlessUser();
  await u.startDaemon();
});

after(async () => { await u?.cleanup(); });

test('the daemon runs in a user namespace mapped from the user and its subordinate ids, with XDG paths', async () => {
  const info = JSON.parse(await u.ok(['info', '--format', '{{json .}}']));
  assert.equal(info.Rootless, true);
  assert.ok(info.SecurityOptions.includes('name=rootless'), info.SecurityOptions.join(','));
  assert.equal(info.DockerRootDir, `${u.home}/.local/share/berth`);
  assert.match(info.Driver, /^(overlay2|fuse-overlayfs)$/);
  assert.ok(info.DriverStatus.some((r: string[]) => r[0] === 'Rootless storage'), JSON.stringify(info.DriverStatus));
  assert.equal(typeof info.RootlessNetwork, 'string');
  // the daemon's process: the user's uid on the host, root inside
  const pidText = readFileSync(`${u.runtimeDir}/berth/berth.pid`, 'utf8').trim();
  const status = readFileSync(`/proc/${pidText}/status`, 'utf8');
  assert.match(status, new RegExp(`^Uid:\\s+${u.uid}\\s`, 'm'));
  const map = readFileSync(`/proc/${pidText}/uid_map`, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  assert.deepEqual(map, [[0, u.uid, 1], [1, u.subuid.start, u.subuid.count]]);
  const text = await u.ok(['info']);
  assert.match(text, /Rootless: true/);
});

test('run, ps, logs, exec, stop, rm as the user', async () => {
  const out = await u.ok(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'id -u; cat /proc/self/uid_map']);
  assert.match(out, /^0\n/);
  assert.match(out, new RegExp(`^\\s*0\\s+${u.uid}\\s+1$`, 'm'));
  const id = (await u.ok(['run', '-d', '--name', 'web', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; echo started; while true; do sleep 0.1; done'])).trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  assert.match(await u.ok(['ps', '--format', '{{.Names}} {{.Status}}']), /^web Up/m);
  assert.match(await u.ok(['exec', 'web', 'sh', '-c', 'echo from-exec $(id -u)']), /from-exec 0/);
  for (let i = 0; i < 50 && !(await u.ok(['logs', 'web'])).includes('started'); i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(await u.ok(['logs', 'web']), /started/);
  // the container's processes belong to the user on the host
  const pid = Number((await u.ok(['inspect', '-f', '{{.State.Pid}}', 'web'])).trim());
  assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), new RegExp(`^Uid:\\s+${u.uid}\\s`, 'm'));
  await u.ok(['stop', '-t', '5', 'web']);
  assert.equal((await u.ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'web'])).trim(), 'exited 0');
  await u.ok(['rm', 'web']);
  assert.equal((await u.ok(['ps', '-aq'])).trim(), '');
});

test('the default bridge network works inside the rootless namespace', async () => {
  const out = await u.ok(['run', '--rm', 'busybox', 'ip', '-4', 'addr', 'show', 'eth0']);
  assert.match(out, /inet \d+\.\d+\.\d+\.\d+\//);
});

test('a resource limit is refused on this cgroup v1 host with the reason; no limit runs', async (t) => {
  const info = JSON.parse(await u.ok(['info', '--format', '{{json .}}']));
  if (info.RootlessCgroupLimits) { t.skip('this host delegates a cgroup v2 subtree to users: limits are allowed'); return; }
  for (const flags of [['--memory', '64m'], ['--cpus', '0.5'], ['--pids-limit', '50']]) {
    const r = await u.berth(['run', '--rm', ...flags, 'busybox', 'true']);
    assert.equal(r.code, 125, r.stderr);
    assert.match(r.stderr, new RegExp(`resource limits are not supported in rootless mode here \\(${flags[0]}\\)`));
    assert.match(r.stderr, /cgroup/);
  }
  assert.match(info.RootlessCgroupReason, /cgroup/);
  await u.ok(['run', '--rm', '--network', 'none', 'busybox', 'true']);
});

test('the CLI run by the user autostarts the rootless daemon on $XDG_RUNTIME_DIR/berth.sock', async () => {
  await u.stopDaemon();
  const r = await u.berth(['ps', '-a', '--format', '{{.Names}}'], { autostart: true, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /started daemon/);
  const info = JSON.parse(await u.ok(['info', '--format', '{{json .}}']));
  assert.equal(info.Rootless, true);
  assert.equal(info.DockerRootDir, `${u.home}/.local/share/berth`);
  // its run root is $XDG_RUNTIME_DIR/berth (not the runtime dir itself)
  assert.match(readFileSync(`${u.runtimeDir}/berth/berth.pid`, 'utf8'), /^\d+\n$/);
});
