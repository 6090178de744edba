/**
 * Real containers: json-file with compress, the local driver, and `berth logs` (--tail, -f) across
 * rotated and gzipped files; bad options refused at create; journald end to end once the driver is wired.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { decodeLocalFrames, type LocalEntry } from '../../src/logging/local-format.js';
import { JOURNAL_REMOTE, startJournalReceiver } from './journal-receiver.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

const inspect = async (name: string) => JSON.parse(await d.ok(['inspect', name]))[0];
const numbered = (n: number, pause = '') => `i=0; while [ $i -lt ${n} ]; do echo "line $i padding-padding"; i=$((i+1)); ${pause} done`;
const want = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i} padding-padding\n`);
/** the lines on disk must be the last ones written, consecutive, whole */
function assertTail(lines: string[], last: number): number {
  const first = Number(/^line (\d+) /.exec(lines[0] ?? '')?.[1]);
  assert.ok(Number.isInteger(first), lines[0]);
  assert.deepEqual(lines, want(first, last));
  return first;
}
/** compression runs after the rotation: wait until no plain rotated file is left */
async function compressed(dir: string, base: string): Promise<string[]> {
  await waitFor(() => !readdirSync(dir).some((n) => n.startsWith(`${base}.`) && !n.endsWith('.gz')), 10_000, 'rotated files compressed');
  return readdirSync(dir).filter((n) => n.startsWith(base)).sort();
}

test('json-file compress: exactly max-file files as dockerd names them, gzipped, nothing lost or split; logs and --tail read them', async () => {
  await d.ok(['run', '--name', 'gz', '--log-opt', 'max-size=10k', '--log-opt', 'max-file=4', '--log-opt', 'compress=true', 'busybox', 'sh', '-c', numbered(3000)]);
  const info = await inspect('gz');
  assert.deepEqual(info.HostConfig.LogConfig.Config, { 'max-size': '10k', 'max-file': '4', compress: 'true' });
  const dir = join(d.root, 'containers', info.Id);
  const base = `${info.Id}-json.log`;
  assert.equal(info.LogPath, join(dir, base));
  assert.deepEqual(await compressed(dir, base), [base, `${base}.1.gz`, `${base}.2.gz`, `${base}.3.gz`]);
  const json = (b: Buffer) => b.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l).log as string);
  const onDisk = [3, 2, 1].flatMap((n) => {
    const plain = gunzipSync(readFileSync(join(dir, `${base}.${n}.gz`)));
    assert.ok(plain.length >= 10_000 && plain.length < 10_200, `.${n}: ${plain.length} bytes`);
    return json(plain);
  }).concat(json(readFileSync(info.LogPath)));
  const first = assertTail(onDisk, 2999);
  assert.equal(await d.ok(['logs', 'gz']), want(first, 2999).join(''));
  assert.equal(await d.ok(['logs', '--tail', '250', 'gz']), want(2750, 2999).join(''));
  const stamped = (await d.ok(['logs', '-t', 'gz'])).split('\n');
  // --since a time inside the oldest (compressed) file: the lines from there on (--since has whole-millisecond precision here)
  const since = (await d.ok(['logs', '--since', stamped[10].split(' ')[0], 'gz'])).split('\n').filter(Boolean).map((l) => `${l}\n`);
  assert.ok(since.length >= onDisk.length - 10 && since.length <= onDisk.length, `${since.length} of ${onDisk.length}`);
  assert.deepEqual(since, onDisk.slice(-since.length));
});

test('logs -f follows a fast writer across rotations and compression, every line once', async () => {
  // a reader that falls more than max-file rotations behind loses files, as with dockerd: enough files that a reader
  // slowed down by a loaded machine does not, while the log rotates (and compresses) ~18 times under it
  await d.ok(['run', '-d', '--name', 'gzf', '--log-opt', 'max-size=3k', '--log-opt', 'max-file=20', '--log-opt', 'compress=true',
    'busybox', 'sh', '-c', `sleep 1; ${numbered(600, '[ $((i % 25)) -eq 0 ] && sleep 0.1;')}`]);
  const res = await d.berth(['logs', '-f', 'gzf'], { timeoutMs: 60_000 });
  assert.equal(res.code, 0, res.stderr);
  assertTail(res.stdout.split('\n').filter(Boolean).map((l) => `${l}\n`), 599);
  const info = await inspect('gzf');
  const names = await compressed(join(d.root, 'containers', info.Id), `${info.Id}-json.log`);
  const rotated = names.length - 1;
  assert.ok(rotated >= 10, `${rotated} rotations`);
  assert.deepEqual(names, [`${info.Id}-json.log`, ...Array.from({ length: rotated }, (_, i) => `${info.Id}-json.log.${i + 1}.gz`)].sort());
});

test('--log-driver local: local-logs/container.log in protobuf records, rotated and compressed by default, read by logs', async () => {
  await d.ok(['run', '--name', 'loc', '--log-driver', 'local', '--log-opt', 'max-size=8k', 'busybox', 'sh', '-c', `${numbered(2000)}; sleep 0.3; echo to-stderr >&2; sleep 0.3; printf unfinished`]);
  const info = await inspect('loc');
  assert.deepEqual(info.HostConfig.LogConfig, { Type: 'local', Config: { 'max-size': '8k' } });
  assert.equal(info.LogPath, '');
  const dir = join(d.root, 'containers', info.Id);
  assert.ok(!existsSync(join(dir, `${info.Id}-json.log`)));
  const ldir = join(dir, 'local-logs');
  // the local driver's defaults: max-file 5, compress
  assert.deepEqual(await compressed(ldir, 'container.log'), ['container.log', 'container.log.1.gz', 'container.log.2.gz', 'container.log.3.gz', 'container.log.4.gz']);
  const records = (b: Buffer) => { const out: LocalEntry[] = []; assert.equal(decodeLocalFrames(b, 0, (e) => out.push(e)), b.length); return out; };
  const all = [4, 3, 2, 1].flatMap((n) => records(gunzipSync(readFileSync(join(ldir, `container.log.${n}.gz`)))))
    .concat(records(readFileSync(join(ldir, 'container.log'))));
  const last = all.at(-1)!;
  assert.deepEqual([last.source, last.line.toString(), last.partial?.last], ['stdout', 'unfinished', false]);
  assert.deepEqual([all.at(-2)!.source, all.at(-2)!.line.toString()], ['stderr', 'to-stderr']);
  const out = all.filter((e) => e.source === 'stdout' && !e.partial).map((e) => `${e.line}\n`);
  const first = assertTail(out, 1999);
  assert.ok(statSync(join(ldir, 'container.log')).size < 8 * 1000 + 200);
  const split = await d.berth(['logs', 'loc']);
  assert.equal(split.stdout, want(first, 1999).join('') + 'unfinished');
  assert.equal(split.stderr, 'to-stderr\n');
  const both = await d.berth(['logs', '--tail', '3', 'loc']);
  assert.equal(both.stdout, 'line 1999 padding-padding\nunfinished');
  assert.equal(both.stderr, 'to-stderr\n');
});

test('--log-driver local: logs -f across rotations', async () => {
  await d.ok(['run', '-d', '--name', 'locf', '--log-driver', 'local', '--log-opt', 'max-size=2k', '--log-opt', 'max-file=20',
    'busybox', 'sh', '-c', `sleep 1; ${numbered(400, '[ $((i % 20)) -eq 0 ] && sleep 0.1;')}`]);
  const res = await d.berth(['logs', '-f', 'locf'], { timeoutMs: 60_000 });
  assert.equal(res.code, 0, res.stderr);
  assertTail(res.stdout.split('\n').filter(Boolean).map((l) => `${l}\n`), 399);
});

test("bad options of json-file/local/journald fail create with dockerd's wording", async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--log-driver', 'local', '--log-opt', 'max-file=0'], /compression cannot be enabled when max file count is 1/],
    [['--log-driver', 'local', '--log-opt', 'compress=maybe'], /invalid boolean value for compress: strconv.ParseBool: parsing "maybe": invalid syntax/],
    [['--log-driver', 'local', '--log-opt', 'max-size=big'], /invalid value for max-size: big/],
    [['--log-driver', 'local', '--log-opt', 'labels=a'], /unknown log opt 'labels' for log driver local/],
    [['--log-opt', 'max-size=1k', '--log-opt', 'max-file=2', '--log-opt', 'compress=maybe'], /strconv.ParseBool: parsing "maybe": invalid syntax/],
    [['--log-opt', 'max-size=1k', '--log-opt', 'max-file=0'], /max-file cannot be less than 1/],
  ];
  for (const [flags, msg] of cases) {
    const r = await d.berth(['create', ...flags, 'busybox', 'true']);
    assert.equal(r.code, 125, flags.join(' '));
    assert.match(r.stderr, msg, flags.join(' '));
  }
  const r = await d.berth(['create', '--log-driver', 'local', '--log-opt', 'max-file=1', '--log-opt', 'compress=false', 'busybox', 'true']);
  assert.equal(r.code, 0, r.stderr);
});

test('journald end to end: a container\'s lines reach the journal with its fields (skipped until the driver framework is wired)', { skip: !existsSync(JOURNAL_REMOTE) && 'no systemd-journal-remote' }, async (t) => {
  const rx = startJournalReceiver();
  const dj = await startDaemon({ env: { BERTH_JOURNALD_SOCKET: rx.socket } });
  try {
    const created = await dj.berth(['create', '--name', 'jd', '--log-driver', 'journald', '--log-opt', 'tag={{.Name}}', 'busybox', 'sh', '-c', 'echo one; echo two >&2']);
    if (created.code !== 0) { t.skip(`--log-driver journald not wired yet: ${created.stderr.trim()}`); return; }
    await dj.ok(['start', '-a', 'jd']);
    const id = (await dj.ok(['inspect', '--format', '{{.Id}}', 'jd'])).trim();
    // berth's own file still serves logs
    assert.equal((await dj.berth(['logs', 'jd'])).stdout, 'one\n');
    await waitFor(() => rx.count() >= 2, 10_000, 'two journal entries');
    const entries = await rx.entries();
    const byMsg = new Map(entries.map((e) => [e.MESSAGE, e]));
    assert.equal(byMsg.get('one')?.PRIORITY, '6');
    assert.equal(byMsg.get('two')?.PRIORITY, '3');
    assert.equal(byMsg.get('one')?.CONTAINER_ID_FULL, id);
    assert.equal(byMsg.get('one')?.CONTAINER_ID, id.slice(0, 12));
    assert.equal(byMsg.get('one')?.CONTAINER_NAME, 'jd');
    assert.equal(byMsg.get('one')?.SYSLOG_IDENTIFIER, 'jd');
  } finally {
    await dj.cleanup();
    rx.cleanup();
  }
});
