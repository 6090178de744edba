/** --log-driver none, json-file max-size/max-file rotation read back by logs, refused drivers/opts, the daemon's default log config. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

async function inspect(t: TestDaemon, name: string): Promise<any> {
  return JSON.parse(await t.ok(['inspect', name]))[0];
}

const jsonLines = (p: string) => readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { log: string });

test('--log-driver none: output still reaches the attached client, nothing is written, logs fails as dockerd', async () => {
  const r = await d.berth(['run', '--name', 'quiet', '--log-driver', 'none', 'busybox', 'echo', 'hi']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hi\n');
  const info = await inspect(d, 'quiet');
  assert.deepEqual(info.HostConfig.LogConfig, { Type: 'none', Config: {} });
  assert.equal(info.LogPath, '');
  const dir = join(d.root, 'containers', info.Id);
  assert.ok(!existsSync(join(dir, `${info.Id}-json.log`)));
  assert.ok(!existsSync(join(dir, 'ctr.log')));
  const logs = await d.berth(['logs', 'quiet']);
  assert.equal(logs.code, 1);
  assert.equal(logs.stderr.trim(), 'Error response from daemon: configured logging driver does not support reading');
  const api = await d.api('GET', `/containers/${info.Id}/logs?stdout=1`);
  assert.equal(api.status, 501);
});

test('unknown drivers and log opts are refused at create with dockerd wording; other drivers are not supported', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--log-driver', 'bogus'], /logger: no log driver named 'bogus' is registered/],
    [['--log-driver', 'awslogs'], /logging driver "awslogs" is not supported/],
    [['--log-driver', 'syslog', '--log-opt', 'bogus=1'], /unknown log opt 'bogus' for syslog log driver/],
    [['--log-driver', 'journald', '--log-opt', 'bogus=1'], /unknown log opt 'bogus' for journald log driver/],
    [['--log-opt', 'bogus=1'], /unknown log opt 'bogus' for json-file log driver/],
    [['--log-opt', 'max-size=abc'], /invalid size: 'abc'/],
    [['--log-opt', 'max-size=1k', '--log-opt', 'max-file=0'], /max-file cannot be less than 1/],
    [['--log-opt', 'max-size=1k', '--log-opt', 'max-file=2', '--log-opt', 'compress=maybe'], /strconv.ParseBool: parsing "maybe": invalid syntax/],
    [['--log-opt', 'compress=true'], /compress cannot be true when max-file is less than 2 or max-size is not set/],
  ];
  for (const [flags, msg] of cases) {
    const r = await d.berth(['create', ...flags, 'busybox', 'true']);
    assert.notEqual(r.code, 0, flags.join(' '));
    assert.match(r.stderr, msg, flags.join(' '));
  }
  assert.equal((await d.ok(['ps', '-aq', '--filter', 'status=created'])).trim(), '');
});

test('json-file max-size/max-file rotates to .1, .2; logs --tail/--since read across the files in order', async () => {
  // 1500 numbered lines (~90 bytes per json record): many rotations of 10 kB files
  const script = 'i=0; while [ $i -lt 1500 ]; do echo "line $i padding-padding"; i=$((i+1)); done';
  const r = await d.berth(['run', '--name', 'rot', '--log-opt', 'max-size=10k', '--log-opt', 'max-file=3', 'busybox', 'sh', '-c', script]);
  assert.equal(r.code, 0, r.stderr);
  const info = await inspect(d, 'rot');
  assert.deepEqual(info.HostConfig.LogConfig, { Type: 'json-file', Config: { 'max-size': '10k', 'max-file': '3' } });
  const files = [`${info.LogPath}.2`, `${info.LogPath}.1`, info.LogPath];
  for (const f of files) assert.ok(existsSync(f), f);
  assert.ok(!existsSync(`${info.LogPath}.3`));
  // a file is rotated once it reaches 10 kB: at most one record over
  for (const f of files.slice(0, 2)) { const s = statSync(f).size; assert.ok(s >= 10_000 && s < 10_200, `${f}: ${s}`); }
  const onDisk = files.flatMap(jsonLines).map((x) => x.log);
  const want = (from: number) => Array.from({ length: 1500 - from }, (_, i) => `line ${from + i} padding-padding\n`);
  const first = Number(/line (\d+)/.exec(onDisk[0])![1]);
  assert.ok(first > 1000, `oldest kept line ${first}`);
  assert.deepEqual(onDisk, want(first));
  // logs reads all three files, oldest first
  assert.equal((await d.ok(['logs', 'rot'])), want(first).join(''));
  assert.equal((await d.ok(['logs', '--tail', '3', 'rot'])), want(1497).join(''));
  // --since a time inside the oldest file
  const stamped = (await d.ok(['logs', '-t', 'rot'])).split('\n');
  const [ts] = stamped[5].split(' ');
  const since = (await d.ok(['logs', '--since', ts, 'rot'])).split('\n').filter(Boolean);
  assert.equal(since.at(-1), 'line 1499 padding-padding');
  assert.ok(since.length >= onDisk.length - 5 && since.length <= onDisk.length, String(since.length));
  // conmon's k8s file keeps its size but its converted blocks are given back
  const k8s = statSync(join(d.root, 'containers', info.Id, 'ctr.log'));
  assert.ok(k8s.size > 50_000 && k8s.blocks * 512 <= 8192, `size ${k8s.size}, blocks ${k8s.blocks}`);
});

test('max-size alone keeps one file (max-file 1): the file is truncated when full', async () => {
  const script = 'i=0; while [ $i -lt 400 ]; do echo "line $i padding-padding"; i=$((i+1)); done';
  await d.ok(['run', '--name', 'one', '--log-opt', 'max-size=5k', 'busybox', 'sh', '-c', script]);
  const info = await inspect(d, 'one');
  assert.ok(!existsSync(`${info.LogPath}.1`));
  assert.ok(statSync(info.LogPath).size < 5_200);
  const out = (await d.ok(['logs', 'one'])).split('\n').filter(Boolean);
  assert.equal(out.at(-1), 'line 399 padding-padding');
  assert.ok(out.length > 0 && out.length < 80, String(out.length));
});

test('logs -f follows across rotations without losing or repeating a line', async () => {
  const script = 'i=0; while [ $i -lt 200 ]; do echo "line $i padding-padding"; i=$((i+1)); sleep 0.01; done';
  await d.ok(['run', '-d', '--name', 'follow', '--log-opt', 'max-size=2k', '--log-opt', 'max-file=5', 'busybox', 'sh', '-c', script]);
  const res = await d.berth(['logs', '-f', 'follow'], { timeoutMs: 60_000 });
  assert.equal(res.code, 0, res.stderr);
  const lines = res.stdout.split('\n').filter(Boolean);
  const first = Number(/line (\d+)/.exec(lines[0])![1]);
  lines.forEach((l, i) => assert.equal(l, `line ${first + i} padding-padding`));
  assert.equal(lines.at(-1), 'line 199 padding-padding');
  const info = await inspect(d, 'follow');
  assert.ok(existsSync(`${info.LogPath}.4`) && !existsSync(`${info.LogPath}.5`));
});

test("the daemon's log-driver/log-opts apply to containers that name no driver", async () => {
  const dir = mkdtempSync('/tmp/bt-logcfg-');
  const cfg = join(dir, 'daemon.json');
  writeFileSync(cfg, JSON.stringify({ 'log-driver': 'json-file', 'log-opts': { 'max-size': '3k', 'max-file': '2' } }));
  const d2 = await startDaemon({ configFile: cfg });
  try {
    const script = 'i=0; while [ $i -lt 200 ]; do echo "line $i padding-padding"; i=$((i+1)); done';
    await d2.ok(['run', '--name', 'dflt', 'busybox', 'sh', '-c', script]);
    const info = await inspect(d2, 'dflt');
    assert.deepEqual(info.HostConfig.LogConfig, { Type: 'json-file', Config: { 'max-size': '3k', 'max-file': '2' } });
    assert.ok(existsSync(`${info.LogPath}.1`) && !existsSync(`${info.LogPath}.2`));
    assert.ok(statSync(info.LogPath).size < 3_200);
    // a container's own options win; the default's others are kept
    await d2.ok(['create', '--name', 'own', '--log-opt', 'max-file=4', 'busybox', 'true']);
    assert.deepEqual((await inspect(d2, 'own')).HostConfig.LogConfig, { Type: 'json-file', Config: { 'max-size': '3k', 'max-file': '4' } });
    await d2.ok(['create', '--name', 'none', '--log-driver', 'none', 'busybox', 'true']);
    assert.deepEqual((await inspect(d2, 'none')).HostConfig.LogConfig, { Type: 'none', Config: {} });
    assert.equal(JSON.parse(await d2.ok(['info', '--format', '{{json .LoggingDriver}}'])), 'json-file');
  } finally {
    await d2.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});
