/** run -d, ps, logs -f, exec, stop, kill, pause, rename, rm, wait, inspect, top, cp, diff, commit, export/import. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { startDaemon, BERTH_BIN, cleanEnv, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

const TICKER = ['sh', '-c', 'trap "exit 0" TERM; i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done'];

async function runD(name: string, cmd = TICKER, extra: string[] = []): Promise<string> {
  const r = await d.berth(['run', '-d', '--name', name, ...extra, 'busybox', ...cmd]);
  assert.equal(r.code, 0, r.stderr);
  const id = r.stdout.trim();
  assert.match(id, /^[a-f0-9]{64}$/);
  return id;
}

async function inspect(name: string): Promise<any> {
  const r = await d.berth(['inspect', name]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout)[0];
}

test('run -d, ps columns, inspect shape, logs', async () => {
  const id = await runD('ticker');
  const ps = await d.berth(['ps']);
  const lines = ps.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
  assert.ok(lines.some((l) => l.startsWith(id.slice(0, 12)) && /Up /.test(l) && l.endsWith('ticker')), ps.stdout);
  assert.equal((await d.berth(['ps', '-q'])).stdout.trim(), id.slice(0, 12));
  assert.equal((await d.berth(['ps', '-q', '--no-trunc'])).stdout.trim(), id);
  const info = await inspect('ticker');
  assert.equal(info.Id, id);
  assert.equal(info.Name, '/ticker');
  assert.equal(info.State.Status, 'running');
  assert.equal(info.State.Running, true);
  assert.ok(info.State.Pid > 0);
  assert.equal(info.Config.Image, 'busybox');
  assert.deepEqual(info.Config.Cmd, TICKER);
  assert.equal(info.HostConfig.NetworkMode, 'bridge'); // Docker's default network
  await new Promise((r) => setTimeout(r, 700));
  const logs = await d.berth(['logs', 'ticker']);
  assert.match(logs.stdout, /^tick 0\ntick 1\n/);
  const tail = await d.berth(['logs', '--tail', '1', 'ticker']);
  assert.equal(tail.stdout.trim().split('\n').length, 1);
  const ts = await d.berth(['logs', '-t', '--tail', '1', 'ticker']);
  assert.match(ts.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z tick \d+\n$/);
});

test('logs -f follows until the container stops', async () => {
  await runD('follow');
  const child = spawn(BERTH_BIN, ['-H', `unix://${d.socket}`, 'logs', '-f', 'follow'], { env: cleanEnv() });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { err += c; });
  // armed now: logs -f may well end before `stop` itself returns
  const closed = new Promise<number | null>((resolve, reject) => {
    const t = setTimeout(() => { child.kill(); reject(new Error(`logs -f did not end; stderr: ${err}; stdout tail: ${out.slice(-200)}`)); }, 20_000);
    child.on('close', (c) => { clearTimeout(t); resolve(c); });
  });
  await new Promise((r) => setTimeout(r, 1000));
  const stop = await d.berth(['stop', 'follow']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal(stop.stdout.trim(), 'follow');
  assert.equal(await closed, 0);
  assert.match(out, /tick 0\ntick 1\n/);
  const info = await inspect('follow');
  assert.equal(info.State.Status, 'exited');
  assert.equal(info.State.ExitCode, 0);
});

test('exec: output, exit codes, env, user, workdir, stdin', async () => {
  await runD('execme');
  const r = await d.berth(['exec', '-e', 'X=42', '-w', '/tmp', '-u', 'nobody', 'execme', 'sh', '-c', 'echo $X $(pwd) $(id -un)']);
  assert.equal(r.stdout.trim(), '42 /tmp nobody', r.stderr);
  assert.equal((await d.berth(['exec', 'execme', 'sh', '-c', 'exit 7'])).code, 7);
  assert.equal((await d.berth(['exec', 'execme', 'no-such-cmd'])).code, 127);
  const i = await d.berth(['exec', '-i', 'execme', 'cat'], { input: 'through stdin\n' });
  assert.equal(i.stdout, 'through stdin\n');
  const det = await d.berth(['exec', '-d', 'execme', 'sh', '-c', 'echo detached > /tmp/det']);
  assert.equal(det.code, 0, det.stderr);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await d.berth(['exec', 'execme', 'cat', '/tmp/det'])).stdout, 'detached\n');
  const t = await d.berth(['exec', '-t', 'execme', 'sh', '-c', 'test -t 1 && echo tty']);
  assert.match(t.stdout, /tty/);
});

test('stop kills a process that ignores SIGTERM after the timeout: exit 137', async () => {
  await runD('stubborn', ['sleep', '1000']);
  const r = await d.berth(['stop', '-t', '1', 'stubborn']);
  assert.equal(r.code, 0, r.stderr);
  const info = await inspect('stubborn');
  assert.equal(info.State.ExitCode, 137);
  assert.equal(info.State.Running, false);
  const w = await d.berth(['wait', 'stubborn']);
  assert.equal(w.stdout.trim(), '137');
});

test('kill, restart, pause/unpause, rename', async () => {
  await runD('life');
  assert.equal((await d.berth(['pause', 'life'])).code, 0);
  assert.equal((await inspect('life')).State.Status, 'paused');
  assert.match((await d.berth(['ps', '--filter', 'status=paused', '--format', '{{.Names}}'])).stdout, /life/);
  assert.equal((await d.berth(['unpause', 'life'])).code, 0);
  assert.equal((await inspect('life')).State.Status, 'running');
  assert.equal((await d.berth(['rename', 'life', 'life2'])).code, 0);
  assert.equal((await inspect('life2')).Name, '/life2');
  const pid1 = (await inspect('life2')).State.Pid;
  assert.equal((await d.berth(['restart', '-t', '1', 'life2'])).code, 0);
  const after = await inspect('life2');
  assert.equal(after.State.Running, true);
  assert.notEqual(after.State.Pid, pid1);
  assert.equal((await d.berth(['kill', 'life2'])).code, 0);
  const killed = await d.berth(['wait', 'life2']);
  assert.equal(killed.stdout.trim(), '137');
  const again = await d.berth(['kill', 'life2']);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /is not running/);
});

test('rm refuses a running container without -f; names must be unique', async () => {
  const id = await runD('busy');
  const dup = await d.berth(['run', '-d', '--name', 'busy', 'busybox', 'true']);
  assert.equal(dup.code, 125);
  assert.match(dup.stderr, /Conflict\. The container name "\/busy" is already in use by container "[a-f0-9]{64}"/);
  const rm = await d.berth(['rm', 'busy']);
  assert.notEqual(rm.code, 0);
  assert.match(rm.stderr, /You cannot remove a running container/);
  const rmf = await d.berth(['rm', '-f', 'busy']);
  assert.equal(rmf.code, 0, rmf.stderr);
  const gone = await d.berth(['inspect', id]);
  assert.notEqual(gone.code, 0);
  assert.match(gone.stderr, /No such (container|object)/);
});

test('ps filters, -a, -n, -l and --format', async () => {
  await d.berth(['run', '--name', 'exited3', '-l', 'tier=test', 'busybox', 'sh', '-c', 'exit 3']);
  const f = await d.berth(['ps', '-a', '--filter', 'exited=3', '--format', '{{.Names}} {{.Status}}']);
  assert.match(f.stdout, /^exited3 Exited \(3\) /m);
  const l = await d.berth(['ps', '-a', '--filter', 'label=tier=test', '-q']);
  assert.equal(l.stdout.trim().split('\n').length, 1);
  const last = await d.berth(['ps', '-l', '--format', '{{.Names}}']);
  assert.equal(last.stdout.trim(), 'exited3');
  const json = await d.berth(['ps', '-a', '-n', '1', '--format', '{{json .}}']);
  assert.equal(JSON.parse(json.stdout).Names, 'exited3');
});

test('top, diff, cp both ways, commit and the committed image runs', async () => {
  await runD('files');
  const top = await d.berth(['top', 'files']);
  assert.match(top.stdout.split('\n')[0], /UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD/);
  assert.match(top.stdout, /sleep|sh -c/);
  const dir = mkdtempSync('/tmp/bt-cp-');
  try {
    writeFileSync(join(dir, 'in.txt'), 'copied in\n');
    assert.equal((await d.berth(['cp', join(dir, 'in.txt'), 'files:/root/in.txt'])).code, 0);
    assert.equal((await d.berth(['exec', 'files', 'cat', '/root/in.txt'])).stdout, 'copied in\n');
    await d.berth(['exec', 'files', 'sh', '-c', 'echo made inside > /root/out.txt; rm /etc/motd 2>/dev/null; rm -f /etc/shells; true']);
    assert.equal((await d.berth(['cp', 'files:/root/out.txt', join(dir, 'out.txt')])).code, 0);
    assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'made inside\n');
    const diff = await d.berth(['diff', 'files']);
    assert.match(diff.stdout, /^A \/root\/out\.txt$/m);
    assert.match(diff.stdout, /^C \/root$/m);
    const commit = await d.berth(['commit', '-m', 'with files', '-c', 'CMD ["cat", "/root/out.txt"]', 'files', 'committed:v1']);
    assert.equal(commit.code, 0, commit.stderr);
    assert.match(commit.stdout.trim(), /^sha256:[a-f0-9]{64}$/);
    const run = await d.berth(['run', '--rm', 'committed:v1']);
    assert.equal(run.stdout, 'made inside\n', run.stderr);
    const hist = await d.berth(['history', 'committed:v1']);
    assert.match(hist.stdout, /with files/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('export and import round-trip a root file system', async () => {
  await d.berth(['create', '--name', 'toexport', 'busybox']);
  const dir = mkdtempSync('/tmp/bt-exp-');
  try {
    const tar = join(dir, 'fs.tar');
    const exp = await d.berth(['export', '-o', tar, 'toexport']);
    assert.equal(exp.code, 0, exp.stderr);
    assert.ok(existsSync(tar));
    const imp = await d.berth(['import', '-c', 'CMD ["echo", "imported"]', '-m', 'from export', tar, 'reimported:latest']);
    assert.equal(imp.code, 0, imp.stderr);
    const run = await d.berth(['run', '--rm', 'reimported']);
    assert.equal(run.stdout, 'imported\n', run.stderr);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
