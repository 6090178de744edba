/** Docker's json-file log on disk, converted from conmon's k8s file; logs options; daemon SIGKILL + restart. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { jsonLogLine, LineJoiner, parseK8sRecord, toUtcNano } from '../../src/container/json-log-format.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

interface JsonRecord { log: string; stream: string; time: string }

async function inspect(name: string): Promise<any> {
  const r = await d.berth(['inspect', name]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout)[0];
}

function readJsonLog(path: string): JsonRecord[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** Poll a condition (bounded); returns its last value. */
async function waitFor<T>(what: string, fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await fn();
  while (!ok(v)) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}: ${JSON.stringify(v)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
    v = await fn();
  }
  return v;
}

test('k8s records become json-file records as Docker writes them', () => {
  assert.equal(toUtcNano('2024-05-01T12:00:00.123456789+02:00'), '2024-05-01T10:00:00.123456789Z');
  assert.equal(toUtcNano('2024-05-01T12:00:00.500000000Z'), '2024-05-01T12:00:00.5Z');
  assert.equal(jsonLogLine(Buffer.from('a<b>&"\n'), 'stdout', 't'), '{"log":"a\\u003cb\\u003e\\u0026\\"\\n","stream":"stdout","time":"t"}\n');
  const j = new LineJoiner();
  const rec = (s: string) => parseK8sRecord(Buffer.from(s))!;
  assert.deepEqual(j.push(rec('2024-05-01T12:00:00.1Z stdout P abc')), []);
  assert.deepEqual(j.push(rec('2024-05-01T12:00:00.2Z stderr F err')), ['{"log":"err\\n","stream":"stderr","time":"2024-05-01T12:00:00.2Z"}\n']);
  assert.deepEqual(j.push(rec('2024-05-01T12:00:00.3Z stdout F def')), ['{"log":"abcdef\\n","stream":"stdout","time":"2024-05-01T12:00:00.1Z"}\n']);
  assert.deepEqual(j.push(rec('2024-05-01T12:00:00.4Z stdout F')), ['{"log":"\\n","stream":"stdout","time":"2024-05-01T12:00:00.4Z"}\n']);
  j.push(rec('2024-05-01T12:00:00.5Z stdout P tail'));
  assert.deepEqual(j.flush(), ['{"log":"tail","stream":"stdout","time":"2024-05-01T12:00:00.5Z"}\n']);
});

test('json-file content matches stdout/stderr exactly, incl. a long line and a partial last line', async () => {
  // 40000 x's on one line: conmon cuts it into pieces, Docker's json-file into 16 KiB records
  const script = 'echo out1; echo err1 >&2; printf "a<b>&\\"q\\"\\t\\n"; head -c 40000 /dev/zero | tr "\\0" x; echo; printf "no-newline"';
  const r = await d.berth(['run', '--name', 'lines', 'busybox', 'sh', '-c', script]);
  assert.equal(r.code, 0, r.stderr);
  const info = await inspect('lines');
  assert.equal(info.HostConfig.LogConfig.Type, 'json-file');
  assert.equal(info.LogPath, `${d.root}/containers/${info.Id}/${info.Id}-json.log`);
  // `logs` brings the file up to date; the record order within a stream is what the program wrote
  const logs = await d.berth(['logs', 'lines']);
  const long = 'x'.repeat(40000);
  assert.equal(logs.stdout, `out1\na<b>&"q"\t\n${long}\nno-newline`);
  assert.equal(logs.stderr, 'err1\n');
  assert.ok(existsSync(info.LogPath));
  const recs = readJsonLog(info.LogPath);
  const out = recs.filter((x) => x.stream === 'stdout').map((x) => x.log);
  assert.deepEqual(out, ['out1\n', 'a<b>&"q"\t\n', 'x'.repeat(16384), 'x'.repeat(16384), 'x'.repeat(40000 - 32768) + '\n', 'no-newline']);
  assert.deepEqual(recs.filter((x) => x.stream === 'stderr').map((x) => x.log), ['err1\n']);
  for (const x of recs) assert.match(x.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
  assert.match(readFileSync(info.LogPath, 'utf8').split('\n')[0], /^\{"log":"out1\\n","stream":"stdout","time":"[^"]+"\}$/);
  // the on-disk escaping is Go's
  assert.ok(readFileSync(info.LogPath, 'utf8').includes('"log":"a\\u003cb\\u003e\\u0026\\"q\\"\\t\\n"'));

  // --tail counts records: the long line's last 16 KiB piece and the partial line
  const tail = await d.berth(['logs', '--tail', '2', 'lines']);
  assert.equal(tail.stdout, `${'x'.repeat(40000 - 32768)}\nno-newline`);
  const ts = await d.berth(['logs', '-t', '--tail', '1', 'lines']);
  assert.match(ts.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z no-newline$/);
  const until = await d.berth(['logs', '--until', '2000-01-01T00:00:00Z', 'lines']);
  assert.equal(until.stdout + until.stderr, '');
  const since = await d.berth(['logs', '--since', '2000-01-01T00:00:00Z', 'lines']);
  assert.equal(since.stderr, 'err1\n');
});

test('the log survives a daemon SIGKILL: lines written while it was down appear once, -f resumes', async () => {
  // one line per 0.1 s, numbered, until told to stop through a file
  const script = 'i=0; while [ ! -e /tmp/stop ]; do echo line $i; i=$((i+1)); sleep 0.1; done; echo last; printf partial';
  const r = await d.berth(['run', '-d', '--name', 'counter', 'busybox', 'sh', '-c', script]);
  assert.equal(r.code, 0, r.stderr);
  const info = await inspect('counter');
  await waitFor('json-file lines', () => (existsSync(info.LogPath) ? readJsonLog(info.LogPath).length : 0), (n) => n >= 5);

  await d.crash();
  await new Promise((res) => setTimeout(res, 1500)); // conmon keeps writing while the daemon is down
  await d.restart();

  const follow = d.berth(['logs', '-f', 'counter'], { timeoutMs: 60_000 });
  await waitFor('lines after the restart', () => readJsonLog(info.LogPath).length, (n) => n >= 30);
  assert.equal((await d.berth(['exec', 'counter', 'touch', '/tmp/stop'])).code, 0);
  const res = await follow;
  assert.equal(res.code, 0, res.stderr);

  const lines = res.stdout.split('\n');
  assert.equal(lines.at(-1), 'partial');
  assert.equal(lines.at(-2), 'last');
  const numbered = lines.slice(0, -2);
  assert.ok(numbered.length >= 30, res.stdout);
  numbered.forEach((l, i) => assert.equal(l, `line ${i}`, `line ${i} missing or duplicated`));
  // the file on disk says the same
  const onDisk = readJsonLog(info.LogPath).map((x) => x.log).join('');
  assert.equal(onDisk, res.stdout);
  // and a second restart converts nothing twice
  await d.crash();
  await d.restart();
  assert.equal((await d.berth(['logs', 'counter'])).stdout, res.stdout);
  assert.equal(readJsonLog(info.LogPath).map((x) => x.log).join(''), res.stdout);
});

test('logs -f opened before the exit gets all output even when the container is removed right after wait (docker-py run)', async () => {
  const { request } = await import('node:http');
  const created = await d.api('POST', '/containers/create', { Image: 'busybox', Cmd: ['sh', '-c', 'echo out; echo err >&2'], HostConfig: { NetworkMode: 'none' } });
  assert.equal(created.status, 201);
  const id = created.body.Id;
  assert.equal((await d.api('POST', `/containers/${id}/start`)).status, 204);
  // docker-py: logs(stream=True, follow=True) right after start, read only after wait and remove
  const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
    request({ socketPath: d.socket, method: 'GET', path: `/containers/${id}/logs?follow=1&stdout=1&stderr=1` }, resolve).on('error', reject).end();
  });
  res.pause();
  assert.equal((await d.api('POST', `/containers/${id}/wait`)).body.StatusCode, 0);
  assert.equal((await d.api('DELETE', `/containers/${id}`)).status, 204);
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((r) => res.on('end', r));
  res.resume();
  await ended;
  const body = Buffer.concat(chunks);
  // multiplexed frames: 8-byte headers, then the payload
  const out: string[] = [];
  for (let i = 0; i + 8 <= body.length;) { const n = body.readUInt32BE(i + 4); out.push(`${body[i]}:${body.subarray(i + 8, i + 8 + n).toString()}`); i += 8 + n; }
  assert.deepEqual(out.sort(), ['1:out\n', '2:err\n']);
});
