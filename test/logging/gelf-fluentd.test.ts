/** The gelf and fluentd drivers against receivers written to the published protocols; target down; live restore. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { startReceiver, waitUntil } from './helpers.js';

let d: TestDaemon;
let dir: string;
before(async () => { d = await startDaemon(); dir = mkdtempSync('/tmp/bt-lognet-'); });
after(async () => {
  if (process.env.LT_DEBUG) console.log(readFileSync(join(d.root, '..', 'daemon.log'), 'utf8').split('\n').filter((l) => !/DEBUG/.test(l)).slice(-60).join('\n'));
  await d?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function inspect(name: string): Promise<any> { return JSON.parse(await d.ok(['inspect', name]))[0]; }

test('gelf over udp: GELF 1.1 with Docker\'s fields, gzip/zlib/none, a long line in chunks', async () => {
  const rcv = await startReceiver(d.netns, 'gelf-udp', '12201');
  try {
    for (const type of ['gzip', 'zlib', 'none']) {
      const name = `gelf-${type}`;
      // random text does not compress: 6000 base64 characters need several 1420-byte chunks
      const script = `echo short-${type}; echo oops >&2; head -c 4500 /dev/urandom | base64 -w0; echo`;
      const r = await d.berth(['run', '--name', name, '--log-driver', 'gelf', '--log-opt', 'gelf-address=udp://127.0.0.1:12201',
        '--log-opt', `gelf-compression-type=${type}`, '--label', 'team=a', '--log-opt', 'labels=team', '--env', 'STAGE=dev', '--log-opt', 'env=STAGE',
        '--log-opt', 'tag={{.ImageName}}/{{.Name}}', 'busybox', 'sh', '-c', script]);
      assert.equal(r.code, 0, r.stderr);
      const msgs = await waitUntil(`${name} messages`, () => rcv.messages.filter((m) => m.message._container_name === name), (v) => v.length >= 3);
      const info = await inspect(name);
      const short = msgs.find((m) => m.message.short_message === `short-${type}`)!.message;
      assert.equal(short.version, '1.1');
      assert.equal(short.level, 6);
      assert.equal(short._container_id, info.Id);
      assert.equal(short._image_id, info.Image);
      assert.equal(short._image_name, 'busybox');
      assert.equal(short._command, `sh -c ${script}`);
      assert.equal(short._tag, `busybox/${name}`);
      assert.equal(short._team, 'a');
      assert.equal(short._STAGE, 'dev');
      assert.equal(Date.parse(short._created), Date.parse(info.Created));
      assert.ok(typeof short.timestamp === 'number' && Math.abs(short.timestamp * 1000 - Date.now()) < 60_000);
      assert.equal(msgs.find((m) => m.message.short_message === 'oops')!.message.level, 3);
      const long = msgs.find((m) => m.message.short_message.length === 6000)!;
      assert.ok(long.chunks >= 4, `chunks: ${long.chunks}`);
    }
  } finally { await rcv.stop(); }
});

test('gelf over tcp: null-terminated JSON; an unreachable tcp target fails the start; bad options', async () => {
  const rcv = await startReceiver(d.netns, 'gelf-tcp', '12202');
  try {
    const r = await d.berth(['run', '--name', 'gelftcp', '--log-driver', 'gelf', '--log-opt', 'gelf-address=tcp://127.0.0.1:12202', 'busybox', 'sh', '-c', 'echo one; echo two']);
    assert.equal(r.code, 0, r.stderr);
    const msgs = await waitUntil('gelf tcp', () => rcv.messages.filter((m) => m.message._container_name === 'gelftcp'), (v) => v.length >= 2);
    assert.deepEqual(msgs.map((m) => m.message.short_message), ['one', 'two']);
  } finally { await rcv.stop(); }
  const down = await d.berth(['run', '--log-driver', 'gelf', '--log-opt', 'gelf-address=tcp://127.0.0.1:1', 'busybox', 'true']);
  assert.equal(down.code, 125);
  assert.match(down.stderr, /failed to initialize logging driver: gelf: cannot connect to GELF endpoint: 127\.0\.0\.1:1 dial tcp 127\.0\.0\.1:1: connect: connection refused/);
  const bad: Array<[string[], RegExp]> = [
    [[], /gelf-address is a required parameter/],
    [['--log-opt', 'gelf-address=http://x:1'], /gelf: endpoint needs to be TCP or UDP/],
    [['--log-opt', 'gelf-address=udp://x'], /gelf: please provide gelf-address as proto:\/\/host:port/],
    [['--log-opt', 'gelf-address=tcp://x:1', '--log-opt', 'gelf-compression-type=gzip'], /compression is only supported on UDP/],
    [['--log-opt', 'gelf-address=udp://x:1', '--log-opt', 'gelf-compression-level=12'], /unknown value "12" for log opt "gelf-compression-level" for gelf log driver/],
    [['--log-opt', 'gelf-address=udp://x:1', '--log-opt', 'foo=1'], /unknown log opt "foo" for gelf log driver/],
  ];
  for (const [opts, re] of bad) {
    const c = await d.berth(['create', '--log-driver', 'gelf', ...opts, 'busybox', 'true']);
    assert.equal(c.code, 125, opts.join(' '));
    assert.match(c.stderr, re);
  }
  // the Engine API: HostConfig.LogConfig, a 400 with {message, code}
  const api = await d.api('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { LogConfig: { Type: 'gelf', Config: {} } } });
  assert.equal(api.status, 400);
  assert.deepEqual(api.body, { message: 'gelf-address is a required parameter', code: 'ERR_LOG_OPT' });
});

test('fluentd forward protocol: record fields, tag, partial pieces of a long line, sub-second time, unix socket', async () => {
  const rcv = await startReceiver(d.netns, 'fluentd', '24224');
  try {
    const r = await d.berth(['run', '--name', 'fl1', '--log-driver', 'fluentd', '--log-opt', 'tag=docker.{{.Name}}',
      '--log-opt', 'fluentd-sub-second-precision=true', 'busybox', 'sh', '-c', 'echo hello; echo bad >&2; head -c 40000 /dev/zero | tr "\\0" x; echo']);
    assert.equal(r.code, 0, r.stderr);
    const info = await inspect('fl1');
    const msgs = await waitUntil('fluentd messages', () => rcv.messages.filter((m) => m.record.container_id === info.Id), (v) => v.length >= 5);
    const hello = msgs.find((m) => m.record.log === 'hello')!;
    assert.equal(hello.tag, 'docker.fl1');
    assert.deepEqual(hello.record, { container_id: info.Id, container_name: '/fl1', source: 'stdout', log: 'hello' });
    assert.equal(hello.time.ext, 0);
    assert.ok(Math.abs(hello.time.sec * 1000 - Date.now()) < 60_000);
    assert.equal(msgs.find((m) => m.record.log === 'bad')!.record.source, 'stderr');
    // 40000 bytes: 16 KiB, 16 KiB and the rest, as Docker's copier cuts them, with partial metadata
    const parts = msgs.filter((m) => m.record.partial_message === 'true');
    assert.deepEqual(parts.map((m) => [m.record.log.length, m.record.partial_ordinal, m.record.partial_last]),
      [[16384, '1', 'false'], [16384, '2', 'false'], [40000 - 32768, '3', 'true']]);
    assert.equal(new Set(parts.map((m) => m.record.partial_id)).size, 1);
  } finally { await rcv.stop(); }

  const sock = join(dir, 'fluent.sock');
  const urcv = await startReceiver(d.netns, 'fluentd', sock);
  try {
    const r = await d.berth(['run', '--name', 'fl2', '--log-driver', 'fluentd', '--log-opt', `fluentd-address=unix://${sock}`, 'busybox', 'echo', 'via-unix']);
    assert.equal(r.code, 0, r.stderr);
    const m = await waitUntil('fluentd unix', () => urcv.messages.filter((x) => x.record.log === 'via-unix'), (v) => v.length > 0);
    assert.equal(typeof m[0].time, 'number');
    assert.equal(m[0].tag, (await inspect('fl2')).Id.slice(0, 12)); // the default tag: {{.ID}}
    assert.equal(m[0].chunk, undefined);
    // fluentd-request-ack: every message carries a chunk id the receiver acknowledges
    const a = await d.berth(['run', '--name', 'fl3', '--log-driver', 'fluentd', '--log-opt', `fluentd-address=unix://${sock}`,
      '--log-opt', 'fluentd-request-ack=true', 'busybox', 'sh', '-c', 'echo ack-1; echo ack-2']);
    assert.equal(a.code, 0, a.stderr);
    const acked = await waitUntil('acked messages', () => urcv.messages.filter((x) => String(x.record.log).startsWith('ack-')), (v) => v.length >= 2);
    assert.ok(acked.every((x) => typeof x.chunk === 'string' && x.chunk.length > 0));
    assert.notEqual(acked[0].chunk, acked[1].chunk);
  } finally { await urcv.stop(); }
});

test('fluentd: down target fails a sync start; with fluentd-async the container runs on, logs keeps all, later lines arrive', async () => {
  const down = await d.berth(['run', '--log-driver', 'fluentd', '--log-opt', 'fluentd-address=127.0.0.1:24299', 'busybox', 'true']);
  assert.equal(down.code, 125);
  assert.match(down.stderr, /failed to initialize logging driver: dial tcp 127\.0\.0\.1:24299: connect: connection refused/);
  const bad = await d.berth(['create', '--log-driver', 'fluentd', '--log-opt', 'fluentd-address=udp://x:1', 'busybox', 'true']);
  assert.match(bad.stderr, /invalid fluentd-address \(udp:\/\/x:1\): unsupported scheme: 'udp'/);
  const unknown = await d.berth(['create', '--log-driver', 'fluentd', '--log-opt', 'fluentd-foo=1', 'busybox', 'true']);
  assert.match(unknown.stderr, /unknown log opt 'fluentd-foo' for fluentd log driver/);

  // async: the start succeeds with nobody listening; the container writes a line every 100 ms
  const script = 'i=0; while [ $i -lt 400 ]; do echo line-$i; i=$((i+1)); sleep 0.1; done';
  const id = (await d.ok(['run', '-d', '--name', 'flasync', '--log-driver', 'fluentd', '--log-opt', 'fluentd-address=127.0.0.1:24230',
    '--log-opt', 'fluentd-async=true', '--log-opt', 'fluentd-retry-wait=100ms', '--log-opt', 'mode=non-blocking', '--log-opt', 'max-buffer-size=500',
    'busybox', 'sh', '-c', script])).trim();
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal((await inspect(id)).State.Running, true);
  const rcv = await startReceiver(d.netns, 'fluentd', '24230');
  try {
    const got = await waitUntil('lines after the target came up', () => rcv.messages.filter((m) => m.record.container_id === id), (v) => v.length >= 10, 30_000);
    const n = (m: any) => Number(m.record.log.split('-')[1]);
    // the 500-byte buffer kept the first lines of the time the target was down and dropped the rest (as Docker's ring does)
    const seq = got.map(n);
    assert.equal(seq[0], 0);
    assert.ok(seq.some((v, i) => i > 0 && v !== seq[i - 1] + 1), `no line lost: ${seq.join(',')}`);
    // the daemon restarts meanwhile (the container runs on): its driver is made again and later lines arrive
    await d.crash();
    await d.restart();
    const before = rcv.messages.length;
    await waitUntil('lines after the daemon restart', () => rcv.messages.length, (v) => v > before + 5, 30_000);
    // berth's own log has every line
    const logs = await d.ok(['logs', id]);
    const all = logs.trim().split('\n');
    assert.ok(all.length >= 40, String(all.length));
    assert.deepEqual(all, all.map((_, i) => `line-${i}`));
  } finally {
    await d.berth(['rm', '-f', id]);
    await rcv.stop();
  }
});

test("daemon.json log-driver/log-opts: the default for containers that name no driver", async () => {
  const cfg = join(dir, 'daemon.json');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(cfg, JSON.stringify({ 'log-driver': 'gelf', 'log-opts': { 'gelf-address': 'udp://127.0.0.1:12203', tag: 'dflt' } }));
  const d2 = await startDaemon({ configFile: cfg });
  try {
    const rcv = await startReceiver(d2.netns, 'gelf-udp', '12203');
    try {
      const r = await d2.berth(['run', '--name', 'dflt', 'busybox', 'echo', 'by-default']);
      assert.equal(r.code, 0, r.stderr);
      const info = JSON.parse(await d2.ok(['inspect', 'dflt']))[0];
      assert.deepEqual(info.HostConfig.LogConfig, { Type: 'gelf', Config: { 'gelf-address': 'udp://127.0.0.1:12203', tag: 'dflt' } });
      const m = await waitUntil('default driver message', () => rcv.messages.filter((x) => x.message.short_message === 'by-default'), (v) => v.length > 0);
      assert.equal(m[0].message._tag, 'dflt');
      // a container naming json-file does not get the default's options
      const own = await d2.berth(['run', '--name', 'own', '--log-driver', 'json-file', 'busybox', 'echo', 'x']);
      assert.equal(own.code, 0, own.stderr);
      assert.equal((JSON.parse(await d2.ok(['inspect', 'own']))[0]).HostConfig.LogConfig.Type, 'json-file');
      const info2 = await d2.api('GET', '/info');
      assert.equal(info2.body.LoggingDriver, 'gelf');
    } finally { await rcv.stop(); }
  } finally { await d2.cleanup(); }
});
