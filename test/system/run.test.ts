/** The user's first steps: berth run in all its common forms, against a real daemon and real containers. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

test('run prints the container output and exits 0', async () => {
  const r = await d.berth(['run', '--rm', 'busybox', 'echo', 'hello', 'from', 'berth']);
  assert.equal(r.stdout, 'hello from berth\n', r.stderr);
  assert.equal(r.code, 0);
});

test('container arguments are passed through, not parsed as berth flags', async () => {
  const r = await d.berth(['run', '--rm', 'busybox', 'ls', '-d', '/etc']);
  assert.equal(r.stdout.trim(), '/etc', r.stderr);
});

test('stdout and stderr stay apart', async () => {
  const r = await d.berth(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2']);
  assert.equal(r.stdout, 'out\n');
  assert.match(r.stderr, /err\n/);
});

test('exit codes follow Docker: the container code, 125, 126, 127', async () => {
  assert.equal((await d.berth(['run', '--rm', 'busybox', 'sh', '-c', 'exit 3'])).code, 3);
  const nf = await d.berth(['run', '--rm', 'busybox', 'no-such-command']);
  assert.equal(nf.code, 127, nf.stderr);
  const ne = await d.berth(['run', '--rm', 'busybox', '/etc/passwd']);
  assert.equal(ne.code, 126, ne.stderr);
  const flag = await d.berth(['run', '--no-such-flag', 'busybox', 'true']);
  assert.equal(flag.code, 125);
  assert.match(flag.stderr, /unknown flag: --no-such-flag/);
  const img = await d.berth(['run', '--rm', 'no-such-image-here', 'true']);
  assert.equal(img.code, 125);
  assert.match(img.stderr, /no-such-image-here/);
});

test('stdin is passed with -i', async () => {
  const r = await d.berth(['run', '--rm', '-i', 'busybox', 'sh', '-c', 'cat; echo done'], { input: 'line one\nline two\n' });
  assert.equal(r.stdout, 'line one\nline two\ndone\n', r.stderr);
});

test('-e, --env-file, -w, -u, -h, --entrypoint and labels reach the container', async () => {
  const dir = mkdtempSync('/tmp/bt-env-');
  try {
    const envFile = join(dir, 'env');
    writeFileSync(envFile, '# a comment\nFROM_FILE=yes\n\nSPACED=a b c\n');
    const r = await d.berth(['run', '--rm', '-e', 'A=1', '--env-file', envFile, '-w', '/tmp', '-u', '65534:65534', '-h', 'myhost',
      'busybox', 'sh', '-c', 'echo $A $FROM_FILE "$SPACED" $(pwd) $(id -u):$(id -g) $(hostname)']);
    assert.equal(r.stdout.trim(), '1 yes a b c /tmp 65534:65534 myhost', r.stderr);
    const ep = await d.berth(['run', '--rm', '--entrypoint', 'echo', 'busybox', 'via', 'entrypoint']);
    assert.equal(ep.stdout.trim(), 'via entrypoint');
    writeFileSync(envFile, 'GOOD=1\nBAD LINE=2\n');
    const bad = await d.berth(['run', '--rm', '--env-file', envFile, 'busybox', 'true']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /line 2|BAD LINE/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('--network none has only loopback; --network host shares the namespace', async () => {
  const none = await d.berth(['run', '--rm', '--network', 'none', 'busybox', 'ls', '/sys/class/net']);
  assert.equal(none.stdout.trim(), 'lo', none.stderr);
  const host = await d.berth(['run', '--rm', '--network', 'host', 'busybox', 'ls', '/sys/class/net']);
  assert.equal(host.code, 0, host.stderr);
});

test('--init runs a real init as PID 1 that reaps zombies', async () => {
  const r = await d.berth(['run', '--rm', '--init', 'busybox', 'sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "']);
  assert.match(r.stdout, /init|catatonit|tini/, r.stderr);
});

test('the default spec is Docker-like: no CAP_SYS_ADMIN, seccomp on, /dev/shm 64m, rlimits within the host', async () => {
  const r = await d.berth(['run', '--rm', 'busybox', 'sh', '-c', 'grep -E "^(CapEff|Seccomp):" /proc/self/status; df -k /dev/shm | tail -1; ulimit -n']);
  assert.equal(r.code, 0, r.stderr);
  const capEff = BigInt('0x' + /CapEff:\s+([0-9a-f]+)/.exec(r.stdout)![1]);
  assert.equal(capEff & (1n << 21n), 0n, 'CAP_SYS_ADMIN must not be granted');
  assert.match(r.stdout, /Seccomp:\s+2/);
  assert.match(r.stdout, /\s65536\s/, '/dev/shm is 64 MiB');
  const nofile = Number(r.stdout.trim().split('\n').pop());
  const hostHard = Number(/Max open files\s+\S+\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))![1]);
  assert.ok(nofile > 0 && nofile <= hostHard, `nofile ${nofile} within the host's hard limit ${hostHard}`);
});

test('--rm removes the container after it exits', async () => {
  await d.berth(['run', '--rm', '--name', 'gone-after', 'busybox', 'true']);
  const ps = await d.berth(['ps', '-a', '--format', '{{.Names}}']);
  assert.doesNotMatch(ps.stdout, /gone-after/);
});

test('run -t gives the process a real terminal', async () => {
  const r = await d.berth(['run', '--rm', '-t', 'busybox', 'sh', '-c', 'test -t 0 && test -t 1 && echo is-a-tty']);
  assert.match(r.stdout, /is-a-tty/, r.stderr);
});

test('--runtime runc works as well as crun', async () => {
  const r = await d.berth(['run', '--rm', '--runtime', 'runc', 'busybox', 'echo', 'runc-ok']);
  assert.equal(r.stdout.trim(), 'runc-ok', r.stderr);
  const info = await d.api('GET', '/info');
  assert.equal(info.body.DefaultRuntime, 'crun');
  assert.ok(info.body.Runtimes.runc);
});
