import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { addContainerOptions, buildCreateRequest } from '../../src/cli/container-config.ts';
import { goDurationNs } from '../../src/common/go-duration.ts';
import { preScan } from '../../src/cli/main.ts';
import { resolveHost, socketFromHost } from '../../src/cli/host.ts';
import { encodeFilters, encodeQuery } from '../../src/client/engine-client.ts';
import { splitReference, tagged } from '../../src/cli/commands/run.ts';
import { getTimestamp } from '../../src/cli/timestamps.ts';

const mainTs = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** Parse `run` arguments the way the CLI does and return the create request. */
function parseRun(args: string[]) {
  let result: any;
  const parent = new Command('berth').enablePositionalOptions().helpOption('--help').exitOverride();
  const cmd = addContainerOptions(parent.command('run').argument('<image>').argument('[command...]').passThroughOptions(), { run: true })
    .action((image: string, rest: string[], o: any) => { result = { ...buildCreateRequest(o, image, rest, { run: true }), o }; });
  cmd.exitOverride();
  parent.parse(args, { from: 'user' });
  return result;
}

test('combined short flags, --flag=value, repeatable flags, passthrough of container args', () => {
  const r = parseRun(['run', '-it', '--rm', '-e', 'A=1', '--env=B=2', '-e', 'C=3', '--name', 'web', '-l', 'x=y', '--label=z', 'busybox', 'ls', '-l', '--color', '-e', 'nope']);
  assert.equal(r.body.Image, 'busybox');
  assert.deepEqual(r.body.Cmd, ['ls', '-l', '--color', '-e', 'nope']);
  assert.deepEqual(r.body.Env, ['A=1', 'B=2', 'C=3']);
  assert.equal(r.body.Tty, true);
  assert.equal(r.body.OpenStdin, true);
  assert.equal(r.body.AttachStdin, true);
  assert.equal(r.body.StdinOnce, true);
  assert.equal(r.body.HostConfig.AutoRemove, true);
  assert.equal(r.name, 'web');
  assert.deepEqual(r.body.Labels, { x: 'y', z: '' });
});

test('host config flags map to Docker fields', () => {
  const r = parseRun(['run', '-d', '--init', '--privileged', '--read-only', '--cap-add', 'NET_ADMIN', '--cap-drop=ALL', '--ulimit', 'nofile=1024:2048',
    '--shm-size', '64m', '--network', 'none', '--runtime', 'runc', '--stop-signal', 'SIGINT', '--stop-timeout', '3', '-w', '/tmp', '-u', '1000:1000',
    '-h', 'box', '--entrypoint', '', '-m', '1g', '--cpus', '1.5', '--restart', 'on-failure:3', 'busybox']);
  const h = r.body.HostConfig;
  assert.equal(h.Init, true);
  assert.equal(h.Privileged, true);
  assert.equal(h.ReadonlyRootfs, true);
  assert.deepEqual(h.CapAdd, ['NET_ADMIN']);
  assert.deepEqual(h.CapDrop, ['ALL']);
  assert.deepEqual(h.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 2048 }]);
  assert.equal(h.ShmSize, 64 * 1024 * 1024);
  assert.equal(h.NetworkMode, 'none');
  assert.equal(h.Runtime, 'runc');
  assert.equal(h.Memory, 1024 ** 3);
  assert.equal(h.NanoCpus, 1.5e9);
  assert.deepEqual(h.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.equal(r.body.StopSignal, 'SIGINT');
  assert.equal(r.body.StopTimeout, 3);
  assert.equal(r.body.WorkingDir, '/tmp');
  assert.equal(r.body.User, '1000:1000');
  assert.equal(r.body.Hostname, 'box');
  assert.deepEqual(r.body.Entrypoint, ['']);
  assert.equal(r.body.Cmd, null);
  assert.equal(r.body.AttachStdout, false);
});

test('unsupported and conflicting flags fail clearly', () => {
  assert.throws(() => parseRun(['run', '--gpus', 'all', 'busybox']), /--gpus .* not supported yet/);
  assert.deepEqual(parseRun(['run', '--link', 'a:b', 'busybox']).body.HostConfig.Links, ['a:b']);
  assert.throws(() => parseRun(['run', '-p', '80:x', 'busybox']), /invalid containerPort/);
  assert.deepEqual(parseRun(['run', '-p', '127.0.0.1:8080-8081:80-81/udp', 'busybox']).body.HostConfig.PortBindings,
    { '80/udp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '81/udp': [{ HostIp: '127.0.0.1', HostPort: '8081' }] });
  assert.deepEqual(parseRun(['run', '-v', '/a:/b', 'busybox']).body.HostConfig.Binds, ['/a:/b']);
  assert.throws(() => parseRun(['run', '-d', '-a', 'stdout', 'busybox']), /Conflicting options: -a and -d/);
  assert.throws(() => parseRun(['run', '--ulimit', 'nofile=2:1', 'busybox']), /soft limit must be less than or equal to hard limit/);
  assert.throws(() => parseRun(['run', '--rm', '--restart', 'always', 'busybox']), /Conflicting options: --restart and --rm/);
});

function berth(args: string[], env: Record<string, string> = {}) {
  const runRoot = mkdtempSync(join(tmpdir(), 'berth-cli-args-'));
  try {
    return spawnSync(process.execPath, ['--import', 'tsx', mainTs, ...args], {
      encoding: 'utf8', timeout: 30000,
      env: { ...process.env, BERTH_RUN_ROOT: runRoot, BERTH_NO_AUTOSTART: '1', BERTH_HOST: '', DOCKER_HOST: '', ...env },
    });
  } finally {
    rmSync(runRoot, { recursive: true, force: true });
  }
}

test('unknown flags exit 125 with Docker\'s message; argument count errors exit 1', () => {
  let r = berth(['run', '--foo', 'busybox']);
  assert.equal(r.status, 125);
  assert.match(r.stderr, /^unknown flag: --foo\n\nUsage:  berth run \[OPTIONS\] IMAGE \[COMMAND\] \[ARG\.\.\.\]\n\nRun 'berth run --help' for more information\n$/);
  r = berth(['ps', '-X']);
  assert.equal(r.status, 125);
  assert.match(r.stderr, /unknown shorthand flag: 'X' in -X/);
  r = berth(['run', '-e']);
  assert.equal(r.status, 125);
  assert.match(r.stderr, /flag needs an argument: 'e' in -e/);
  r = berth(['rm']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /'berth rm' requires at least 1 argument/);
  r = berth(['ps', 'extra']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /'berth ps' accepts no arguments/);
  r = berth(['run', '--gpus', 'all', 'busybox']);
  assert.equal(r.status, 125);
  assert.match(r.stderr, /not supported yet/);
});

test('no daemon: a clear connect error (exit 1, run 125)', () => {
  let r = berth(['ps']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /Cannot connect to the berth daemon at unix:\/\/.*berth\.sock/);
  r = berth(['run', 'busybox', 'true']);
  assert.equal(r.status, 125);
});

test('global options before the command; serve is dispatched; version', () => {
  assert.deepEqual(preScan(['-H', 'unix:///x.sock', '--log-level=debug', 'container', 'ls', '-a']), {
    globals: ['-H', 'unix:///x.sock', '--log-level=debug'], rest: ['container', 'ls', '-a'], commandPath: ['container', 'ls'],
  });
  const r = berth(['--version']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^berth version \d+\.\d+\.\d+/);
});

test('host resolution order', () => {
  assert.equal(socketFromHost('unix:///a/b.sock'), '/a/b.sock');
  assert.equal(socketFromHost('/a/b.sock'), '/a/b.sock');
  assert.throws(() => socketFromHost('tcp://1.2.3.4:2375'), /only unix:\/\/ sockets/);
  assert.deepEqual(resolveHost(undefined, {}), { socket: '/run/berth/berth.sock', autostart: true });
  assert.deepEqual(resolveHost(undefined, { BERTH_RUN_ROOT: '/tmp/r' }), { socket: '/tmp/r/berth.sock', autostart: true });
  assert.deepEqual(resolveHost(undefined, { DOCKER_HOST: 'unix:///d.sock', BERTH_RUN_ROOT: '/tmp/r' }), { socket: '/d.sock', autostart: false });
  assert.deepEqual(resolveHost(undefined, { DOCKER_HOST: 'tcp://x:1', BERTH_RUN_ROOT: '/tmp/r' }), { socket: '/tmp/r/berth.sock', autostart: true });
  assert.deepEqual(resolveHost(undefined, { BERTH_HOST: 'unix:///b.sock', DOCKER_HOST: 'unix:///d.sock' }), { socket: '/b.sock', autostart: true });
  assert.deepEqual(resolveHost('unix:///h.sock', { BERTH_HOST: 'unix:///b.sock' }), { socket: '/h.sock', autostart: true });
});

test('queries, filters, references, timestamps, exit codes', () => {
  assert.equal(encodeQuery({ a: true, b: false, c: undefined, d: 'x y', e: ['1', '2'] }), '?a=1&b=0&d=x%20y&e=1&e=2');
  assert.equal(encodeFilters(['status=exited', 'label=a=b', 'status=created']), '{"status":["exited","created"],"label":["a=b"]}');
  assert.equal(tagged('busybox'), 'busybox:latest');
  assert.equal(tagged('reg:5000/x'), 'reg:5000/x:latest');
  assert.equal(tagged('x:1'), 'x:1');
  assert.deepEqual(splitReference('reg:5000/x'), { name: 'reg:5000/x', tag: 'latest' });
  assert.deepEqual(splitReference('x@sha256:ab'), { name: 'x', tag: 'sha256:ab' });
  assert.equal(getTimestamp('1700000000'), '1700000000');
  assert.equal(getTimestamp('10m', 1_700_000_600_000), '1700000000');
  assert.equal(getTimestamp('2023-11-14T22:13:20Z'), '1700000000.000000000');
  assert.equal(goDurationNs('1m30s'), 90e9);
  assert.equal(getTimestamp('1h30m', 1_700_005_400_000), '1700000000');
});

test('health-check flags take Go durations; a refused one is a usage error with Go\'s message', () => {
  const r = parseRun(['run', '--health-cmd', 'true', '--health-interval', '1m30s', '--health-timeout', '.5s', '--health-start-period', '0', 'busybox']);
  assert.equal(r.body.Healthcheck.Interval, 90e9);
  assert.equal(r.body.Healthcheck.Timeout, 500e6);
  assert.equal(r.body.Healthcheck.StartPeriod, 0);
  assert.throws(() => parseRun(['run', '--health-cmd', 'true', '--health-interval', '30', 'busybox']), { name: 'UsageError', message: 'time: missing unit in duration "30"' });
  assert.throws(() => parseRun(['run', '--health-cmd', 'true', '--health-interval', '1d', 'busybox']), { name: 'UsageError', message: 'time: unknown unit "d" in duration "1d"' });
});

test("Docker's flag forms: --flag=bool, -x=bool, -e=VALUE, -it=false; a boolean never takes the next argument", async () => {
  const { normalizeFlagForms } = await import('../../src/cli/flag-forms.ts');
  const run = (args: string[]) => {
    let result: any;
    const parent = new Command('berth').enablePositionalOptions().helpOption('--help').exitOverride();
    const cmd = addContainerOptions(parent.command('run').argument('<image>').argument('[command...]').passThroughOptions(), { run: true })
      .action((image: string, rest: string[], o: any) => { result = { image, rest, o }; });
    cmd.exitOverride();
    parent.parse(['run', ...normalizeFlagForms(cmd, args)], { from: 'user' });
    return result;
  };
  let r = run(['--rm=false', '-d=false', '-e=FOO=1', '-it=false', 'busybox', 'env', '-d=false']);
  assert.equal(r.o.rm, false);
  assert.equal(r.o.detach, false);
  assert.deepEqual(r.o.env, ['FOO=1']);
  assert.equal(r.o.interactive, true);
  assert.equal(r.o.tty, false);
  assert.deepEqual(r.rest, ['env', '-d=false'], 'the container command is left alone');
  r = run(['--sig-proxy', 'busybox', 'true']);
  assert.equal(r.image, 'busybox');
  assert.deepEqual(r.rest, ['true']);
  assert.equal(r.o.sigProxy, true);
  r = run(['--sig-proxy=false', '--rm=true', '-t=1', '-eA=2', '-e', '-x', 'busybox']);
  assert.equal(r.o.sigProxy, false);
  assert.equal(r.o.rm, true);
  assert.equal(r.o.tty, true);
  assert.deepEqual(r.o.env, ['A=2', '-x']);
  assert.throws(() => run(['--rm=maybe', 'busybox']), /invalid argument "maybe" for "--rm" flag: strconv.ParseBool/);
});
