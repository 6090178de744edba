/** The drivers' shared queue, tag templates and option checks, in-process (unix sockets only). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { logStats, type LogInfo, type LogMessage } from '../../src/logging/driver.js';
import { QueuedDriver } from '../../src/logging/queue.js';
import { bufferBudget, DEFAULT_MAX_BUFFER, BLOCKING_BUFFER } from '../../src/logging/options.js';
import { StreamTransport } from '../../src/logging/transport.js';
import { renderTag } from '../../src/logging/tag.js';
import { LOG_DRIVERS } from '../../src/logging/drivers.js';
import { mergeLogConfig } from '../../src/container/log-config.js';
import { syslogFormatter } from '../../src/logging/syslog.js';
import { gelfDatagrams } from '../../src/logging/gelf.js';
import { gunzipSync } from 'node:zlib';

const msg = (s: string): LogMessage => ({ line: Buffer.from(s), source: 'stdout', time: '2026-01-01T00:00:00.5Z' });

/** A unix line server; stop() also drops its connections (net.Server.close waits for them). */
function lineServer(path: string, got: string[]): Promise<Server & { stop(): Promise<void> }> {
  return new Promise((resolve) => {
    const conns = new Set<import('node:net').Socket>();
    const srv = createServer((c) => {
      conns.add(c);
      c.on('close', () => conns.delete(c));
      c.on('error', () => undefined);
      let buf = '';
      c.on('data', (d) => { buf += d; for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) { got.push(buf.slice(0, nl)); buf = buf.slice(nl + 1); } });
    });
    const stop = () => new Promise<void>((r) => { for (const c of conns) c.destroy(); srv.close(() => r()); });
    srv.listen(path, () => resolve(Object.assign(srv, { stop })));
  });
}

async function until(fn: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) { if (Date.now() > end) throw new Error('timed out'); await new Promise((r) => setTimeout(r, 20)); }
}

const stat = (m: Map<string, number>, k: string) => m.get(k) ?? 0;

test('queue: delivers in order and counts; target down: bounded, loss counted, reconnects with back-off', async () => {
  const dir = mkdtempSync('/tmp/bt-lq-');
  const path = join(dir, 's.sock');
  const got: string[] = [];
  let srv = await lineServer(path, got);
  const name = `test-${Date.now()}`;
  const drv = new QueuedDriver({ name, transport: new StreamTransport({ proto: 'unix', path }), maxBytes: 64 * 20,
    encode: (m) => [Buffer.concat([m.line, Buffer.from('\n')])], retry: { initialMs: 20, factor: 2, maxMs: 100, maxAttempts: Infinity } });
  try {
    for (let i = 0; i < 10; i++) drv.log(msg(`a${i}`));
    await until(() => got.length === 10);
    assert.deepEqual(got, Array.from({ length: 10 }, (_, i) => `a${i}`));
    assert.equal(stat(logStats.delivered, name), 10);

    // the target goes away: log() never waits, the queue keeps what fits in its budget, the rest is counted
    await srv.stop();
    rmSync(path, { force: true });
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) drv.log(msg(`b${i}`));
    assert.ok(performance.now() - t0 < 50, 'log() waited');
    await until(() => stat(logStats.dropped, name) > 0);
    // back: the queued lines arrive (the first may have gone to the dead connection: at least the rest)
    srv = await lineServer(path, got);
    await until(() => got.some((l) => l.startsWith('b')) && drv.queued === 0);
    const b = got.filter((l) => l.startsWith('b'));
    assert.ok(b.length >= 10 && b.length < 100, `${b.length} delivered`);
    assert.ok(stat(logStats.dropped, name) + stat(logStats.delivered, name) >= 110);
  } finally {
    await drv.close();
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('queue: close delivers what is queued, bounded; mode and max-buffer-size set the budget', async () => {
  assert.equal(bufferBudget({}), BLOCKING_BUFFER);
  assert.equal(bufferBudget({ mode: 'non-blocking' }), DEFAULT_MAX_BUFFER);
  assert.equal(bufferBudget({ mode: 'non-blocking', 'max-buffer-size': '4k' }), 4096);
  const dir = mkdtempSync('/tmp/bt-lq-');
  const name = `close-${Date.now()}`;
  // nobody listens: close gives up after its wait and counts what was left
  const drv = new QueuedDriver({ name, transport: new StreamTransport({ proto: 'unix', path: join(dir, 'none.sock') }), maxBytes: 1 << 20,
    encode: (m) => [m.line], closeWaitMs: 300 });
  for (let i = 0; i < 5; i++) drv.log(msg(`c${i}`));
  const t0 = Date.now();
  await drv.close();
  assert.ok(Date.now() - t0 < 2000);
  assert.equal(stat(logStats.dropped, name), 5);
  drv.log(msg('after close'));
  assert.equal(stat(logStats.dropped, name), 6);
  rmSync(dir, { recursive: true, force: true });
});

const info: LogInfo = {
  containerId: 'c'.repeat(64), containerName: 'web', imageName: 'Busybox:latest', imageId: `sha256:${'d'.repeat(64)}`,
  containerCreated: new Date('2026-01-01T00:00:00Z'), labels: {}, env: [], command: ['sh', '-c', 'x'], daemonName: 'berth', hostname: 'h', config: {}, containerDir: '/x',
};

test("tag templates: Docker's fields and functions, default {{.ID}}", () => {
  const t = (tag: string) => renderTag({ ...info, config: { tag } });
  assert.equal(renderTag(info), 'cccccccccccc');
  assert.equal(t('{{.FullID}}'), 'c'.repeat(64));
  assert.equal(t('{{.Name}}'), 'web');
  assert.equal(t('{{.ImageID}}'), 'dddddddddddd');
  assert.equal(t('{{.ImageFullID}}'), `sha256:${'d'.repeat(64)}`);
  assert.equal(t('app/{{.ImageName | lower}}/{{.DaemonName}}'), 'app/busybox:latest/berth');
  assert.equal(t('{{truncate .Name 2}}-{{upper .Name}}'), 'we-WEB');
  assert.equal(t('{{.Command}}'), 'sh -c x');
  assert.equal(t('plain'), 'plain');
  assert.throws(() => t('{{.Nope}}'), /can't evaluate field Nope in type \*logger.Info/);
  assert.throws(() => t('{{if .Name}}x{{end}}'), /not supported/);
  assert.throws(() => t('{{nofunc .Name}}'), /function "nofunc" not defined/);
});

test("options: the registry checks each driver's options with dockerd's wording", () => {
  const v = (Type: string, Config: Record<string, string>) => () => mergeLogConfig({ Type, Config });
  assert.throws(v('syslog', { bogus: '1' }), /^InvalidArgumentError: unknown log opt 'bogus' for syslog log driver$/);
  assert.throws(v('fluentd', { bogus: '1' }), /unknown log opt 'bogus' for fluentd log driver/);
  assert.throws(v('gelf', { 'gelf-address': 'udp://h:1', bogus: '1' }), /unknown log opt "bogus" for gelf log driver/);
  assert.throws(v('fluentd', { 'fluentd-retry-wait': 'soon' }), /time: invalid duration "soon"/);
  assert.throws(v('fluentd', { 'fluentd-max-retries': '-1' }), /strconv.ParseUint: parsing "-1": invalid syntax/);
  assert.throws(v('fluentd', { 'fluentd-async': 'maybe' }), /strconv.ParseBool: parsing "maybe": invalid syntax/);
  assert.throws(v('fluentd', { 'fluentd-async-reconnect-interval': '1ms' }), /must be between 100ms and 10s/);
  assert.throws(v('syslog', { 'labels-regex': '(' }), /error parsing regexp/);
  assert.throws(v('awslogs', {}), /not supported by berth/);
  assert.throws(v('nosuch', {}), /logger: no log driver named 'nosuch' is registered/);
  assert.doesNotThrow(v('fluentd', { 'fluentd-address': 'tls://h:24224', 'fluentd-buffer-limit': '8m', 'fluentd-max-retries': '3', tag: '{{.Name}}', mode: 'non-blocking', 'max-buffer-size': '2m' }));
  assert.doesNotThrow(v('syslog', { 'syslog-address': 'udp://1.2.3.4', 'syslog-facility': '17', 'syslog-format': 'rfc5424micro', labels: 'a', env: 'B' }));
  assert.ok(['syslog', 'gelf', 'fluentd'].every((n) => LOG_DRIVERS.has(n)));
});

test('syslog frames and gelf chunks', () => {
  const now = new Date(2026, 0, 2, 3, 4, 5);
  const f = (fmt: '' | 'rfc3164' | 'rfc5424', proto: 'udp' | 'tcp+tls') => Buffer.concat(syslogFormatter(fmt, proto, 3, 'tg', 'hst', 7)(msg('hi'), now)).toString();
  assert.equal(f('', 'udp'), '<30>Jan  2 03:04:05 tg[7]: hi\n');
  assert.equal(f('rfc3164', 'udp'), '<30>Jan  2 03:04:05 hst tg[7]: hi\n');
  assert.match(f('rfc5424', 'udp'), /^<30>1 2026-01-02T03:04:05(Z|[+-]\d\d:\d\d) hst tg 7 tg - hi\n$/);
  const framed = f('rfc5424', 'tcp+tls');
  const [len, ...rest] = framed.split(' ');
  assert.equal(Number(len), Buffer.byteLength(rest.join(' ')));
  assert.deepEqual(syslogFormatter('', 'udp', 3, 't', 'h', 1)(msg('')), []); // empty lines are not sent, as dockerd
  const json = Buffer.from(JSON.stringify({ short_message: 'x'.repeat(1) + Buffer.alloc(3000).toString('base64') }));
  const chunks = gelfDatagrams(json, 'gzip', 0);
  assert.ok(chunks.length > 1 && chunks.every((c) => c.length <= 1420 && c[0] === 0x1e && c[1] === 0x0f && c[11] === chunks.length));
  assert.deepEqual(JSON.parse(gunzipSync(Buffer.concat(chunks.map((c) => c.subarray(12)))).toString()), JSON.parse(json.toString()));
});

test('acks: a send with acks resolves on the answer, fails without one (read timeout)', async () => {
  const { encode } = await import('@msgpack/msgpack');
  const dir = mkdtempSync('/tmp/bt-lq-');
  const path = join(dir, 'ack.sock');
  let answer = true;
  const srv = createServer((c) => c.on('data', () => { if (answer) c.write(encode({ ack: 'id-1' })); }));
  await new Promise<void>((r) => srv.listen(path, () => r()));
  const t = new StreamTransport({ proto: 'unix', path }, 1000, 0, 300);
  try {
    await t.connect();
    await t.send([Buffer.from('x')], ['id-1']);
    answer = false;
    await assert.rejects(t.send([Buffer.from('y')], ['id-2']), /i\/o timeout \(no ack\)/);
    assert.equal(t.connected, false);
  } finally {
    t.close();
    srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
