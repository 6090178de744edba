/**
 * The converter's rotation with and without compress, and the reader over rotated (gzipped) files,
 * without a daemon: exact file counts, dockerd's names, decompressed content, nothing lost or split.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { JsonLogConverter, jsonLogFiles } from '../../src/container/json-log.js';
import { readJsonLog } from '../../src/container/json-log-reader.js';
import { mergeLogConfig, rotationOf } from '../../src/container/log-config.js';
import { compressLogFile, readGzipLogMeta } from '../../src/logging/gzip-file.js';
import type { LogEntry } from '../../src/container/log-entry.js';

const k8s = (n: number, from = 0) => Array.from({ length: n }, (_, i) =>
  `2026-01-01T00:00:${String(Math.floor((from + i) / 1000) % 60).padStart(2, '0')}.${String(from + i).padStart(9, '0')}Z stdout F line ${from + i}\n`).join('');
const jsonLogs = (buf: Buffer) => buf.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).log as string);

async function collect(it: AsyncIterable<LogEntry>): Promise<string[]> {
  const out: string[] = [];
  for await (const e of it) out.push(e.data.toString());
  return out;
}

/** The lines kept, oldest first, and check that they are consecutive and whole. */
function assertConsecutive(lines: string[], last: number): void {
  assert.ok(lines.length > 0);
  const first = Number(/^line (\d+)\n$/.exec(lines[0])?.[1]);
  assert.deepEqual(lines, Array.from({ length: last - first + 1 }, (_, i) => `line ${first + i}\n`));
}

for (const compress of [false, true]) {
  test(`json-file rotation${compress ? ' with compress' : ''}: exactly max-file files, dockerd's names, no line lost or split`, async () => {
    const dir = mkdtempSync('/tmp/bt-lf-rot-');
    try {
      const cfg = mergeLogConfig({ Type: 'json-file', Config: { 'max-size': '2k', 'max-file': '4', ...(compress ? { compress: 'true' } : {}) } });
      const rotation = rotationOf({ LogConfig: cfg });
      assert.deepEqual(rotation, { maxSize: 2000, maxFile: 4, compress });
      const files = jsonLogFiles(dir, 'c', join(dir, 'ctr.log'), rotation);
      const conv = new JsonLogConverter(() => true);
      // written in several bursts, converted in between, as a running container's output is
      writeFileSync(files.k8sPath, '');
      for (let burst = 0; burst < 10; burst++) {
        appendFileSync(files.k8sPath, k8s(50, burst * 50));
        await conv.sync('c', files);
      }
      await conv.sync('c', files, true);
      await conv.close();
      const names = readdirSync(dir).filter((n) => n.startsWith('c-json.log')).sort();
      const ext = compress ? '.gz' : '';
      assert.deepEqual(names, ['c-json.log', `c-json.log.1${ext}`, `c-json.log.2${ext}`, `c-json.log.3${ext}`]);
      const read = (n: number) => {
        const raw = readFileSync(join(dir, `c-json.log.${n}${ext}`));
        return jsonLogs(compress ? gunzipSync(raw) : raw);
      };
      const onDisk = [...read(3), ...read(2), ...read(1), ...jsonLogs(readFileSync(files.jsonPath))];
      assertConsecutive(onDisk, 499);
      for (const n of [1, 2, 3]) assert.ok(read(n).length > 0);
      if (compress) {
        const meta = await readGzipLogMeta(join(dir, 'c-json.log.1.gz'));
        assert.match(meta?.lastTime ?? '', /^2026-01-01T00:00:00\.\d+Z$/, 'the last record time is in the gzip header');
        assert.equal(typeof meta?.ino, 'number');
      }
      // logs across the rotated files, --tail over them
      const all = await collect(readJsonLog(files.jsonPath, {}, async () => true, undefined, rotation.maxFile));
      assert.deepEqual(all, onDisk);
      const tail = await collect(readJsonLog(files.jsonPath, { tail: '120' }, async () => true, undefined, rotation.maxFile));
      assert.deepEqual(tail, onDisk.slice(-120));
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
}

test('compress: a daemon stopped amid compression leaves .1 (and maybe .1.gz); the next start finishes it', async () => {
  const dir = mkdtempSync('/tmp/bt-lf-rot-');
  try {
    const rotation = { maxSize: 1000, maxFile: 3, compress: true };
    const files = jsonLogFiles(dir, 'c', join(dir, 'ctr.log'), rotation);
    writeFileSync(files.k8sPath, k8s(40));
    const conv = new JsonLogConverter(() => false);
    await conv.sync('c', files, true);
    await conv.close();
    // simulate: .1.gz not written yet, a plain .1 left
    const gz1 = `${files.jsonPath}.1.gz`;
    const plain = gunzipSync(readFileSync(gz1));
    rmSync(gz1);
    writeFileSync(`${files.jsonPath}.1`, plain);
    const conv2 = new JsonLogConverter(() => false);
    await conv2.sync('c', files, true);
    await conv2.close();
    assert.ok(!existsSync(`${files.jsonPath}.1`));
    assert.deepEqual(gunzipSync(readFileSync(gz1)), plain);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('logs -f follows across rotations while .1 is compressed behind it', async () => {
  const dir = mkdtempSync('/tmp/bt-lf-rot-');
  try {
    const rotation = { maxSize: 3000, maxFile: 3, compress: true };
    const files = jsonLogFiles(dir, 'c', join(dir, 'ctr.log'), rotation);
    writeFileSync(files.k8sPath, '');
    const conv = new JsonLogConverter(() => true);
    let done = false;
    const catchUp = async () => { await conv.sync('c', files, done); return done; };
    const ac = new AbortController();
    const got: string[] = [];
    const reader = (async () => { for await (const e of readJsonLog(files.jsonPath, { follow: true }, catchUp, ac.signal, 3)) got.push(e.data.toString()); })();
    // the reader follows slower than the writer at times: bursts of up to 1.5 rotations between reads
    for (let burst = 0; burst < 12; burst++) {
      appendFileSync(files.k8sPath, k8s(60, burst * 60));
      await conv.sync('c', files);
      await new Promise((r) => setTimeout(r, 40));
    }
    done = true;
    const timer = setTimeout(() => ac.abort(), 15_000);
    await reader;
    clearTimeout(timer);
    await conv.close();
    assert.ok(!ac.signal.aborted, 'follow ended by itself once the container had exited');
    assertConsecutive(got, 719);
    assert.equal(got.length, 720, 'every line, once');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test("bad options fail with dockerd's wording", () => {
  const bad = (Type: string, Config: Record<string, string>, re: RegExp) => assert.throws(() => mergeLogConfig({ Type, Config }), re);
  bad('json-file', { 'max-file': '0' }, /max-file cannot be less than 1/);
  bad('json-file', { compress: 'maybe' }, /strconv\.ParseBool: parsing "maybe": invalid syntax/);
  bad('json-file', { compress: 'true', 'max-file': '3' }, /compress cannot be true when max-file is less than 2 or max-size is not set/);
  bad('json-file', { compress: 'true', 'max-size': '1m' }, /compress cannot be true when max-file is less than 2 or max-size is not set/);
  bad('local', { 'max-file': '0' }, /compression cannot be enabled when max file count is 1/);
  bad('local', { 'max-file': '1' }, /compression cannot be enabled when max file count is 1/);
  bad('local', { 'max-file': 'x' }, /invalid value for max-file: x: strconv.Atoi: parsing "x": invalid syntax/);
  bad('local', { compress: 'maybe' }, /invalid boolean value for compress: strconv.ParseBool: parsing "maybe": invalid syntax/);
  bad('local', { 'max-size': 'lots' }, /invalid value for max-size: lots/);
  bad('local', { 'max-size': '-1' }, /max-size must not be negative|invalid value for max-size/);
  bad('local', { tag: 'x', foo: 'y' }, /unknown log opt '(tag|foo)' for log driver local/);
  assert.deepEqual(mergeLogConfig({ Type: 'local', Config: { 'max-file': '0', compress: 'false' } }).Type, 'local');
  assert.deepEqual(rotationOf({ LogConfig: { Type: 'local', Config: {} } }), { maxSize: 20 * 1024 * 1024, maxFile: 5, compress: true });
  assert.deepEqual(rotationOf({ LogConfig: { Type: 'local', Config: { 'max-size': '10k', 'max-file': '2' } } }), { maxSize: 10_000, maxFile: 2, compress: true });
});

test('a rotation stopped amid its shifts is redone without shifting the moved files again', async () => {
  const dir = mkdtempSync('/tmp/bt-lf-rot-');
  try {
    const rotation = { maxSize: 500, maxFile: 5 };
    const files = jsonLogFiles(dir, 'c', join(dir, 'ctr.log'), rotation);
    writeFileSync(files.k8sPath, k8s(60));
    const conv = new JsonLogConverter(() => false);
    await conv.sync('c', files, true);
    await conv.close();
    const read = (p: string) => (existsSync(p) ? jsonLogs(readFileSync(p)) : []);
    const chain = () => [4, 3, 2, 1].flatMap((n) => read(`${files.jsonPath}.${n}`)).concat(read(files.jsonPath));
    const before = chain();
    assertConsecutive(before, 59);
    const secondOldest = read(`${files.jsonPath}.3`);
    assert.ok(read(`${files.jsonPath}.4`).length > 0 && secondOldest.length > 0);
    // the daemon dies after shifting .3 → .4 and .2 → .3, before .1 → .2 and the rename of the file to .1
    const state = JSON.parse(readFileSync(files.statePath, 'utf8'));
    const { renameSync } = await import('node:fs');
    renameSync(`${files.jsonPath}.3`, `${files.jsonPath}.4`);
    renameSync(`${files.jsonPath}.2`, `${files.jsonPath}.3`);
    writeFileSync(files.statePath, JSON.stringify({ ...state, rotating: true }));
    appendFileSync(files.k8sPath, k8s(3, 60));
    const conv2 = new JsonLogConverter(() => false);
    await conv2.sync('c', files, true);
    await conv2.close();
    const after = chain();
    // the oldest file went (as the rotation meant), nothing else; the new lines follow
    assertConsecutive(after, 62);
    assert.equal(after[0], secondOldest[0]);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('compress: a .1 left by a failed compression is compressed before the next rotation, never renamed over', async () => {
  const dir = mkdtempSync('/tmp/bt-lf-rot-');
  try {
    const files = jsonLogFiles(dir, 'c', join(dir, 'ctr.log'), { maxSize: 1000, maxFile: 4, compress: true });
    writeFileSync(files.k8sPath, k8s(20));
    const conv = new JsonLogConverter(() => true);
    await conv.sync('c', files);
    for (let i = 0; i < 200 && (existsSync(`${files.jsonPath}.1`) || !existsSync(`${files.jsonPath}.1.gz`)); i++) await new Promise((r) => setTimeout(r, 10));
    const gz1 = `${files.jsonPath}.1.gz`;
    const plain = gunzipSync(readFileSync(gz1));
    rmSync(gz1);
    writeFileSync(`${files.jsonPath}.1`, plain); // as if compressing it had failed
    // the same converter goes on: enough lines for two more rotations
    appendFileSync(files.k8sPath, k8s(30, 20));
    await conv.sync('c', files, true);
    await conv.close();
    const names = readdirSync(dir).filter((n) => n.startsWith('c-json.log')).sort();
    assert.deepEqual(names, ['c-json.log', 'c-json.log.1.gz', 'c-json.log.2.gz', 'c-json.log.3.gz']);
    const all = [3, 2, 1].flatMap((n) => jsonLogs(gunzipSync(readFileSync(`${files.jsonPath}.${n}.gz`)))).concat(jsonLogs(readFileSync(files.jsonPath)));
    assertConsecutive(all, 49);
    assert.ok(all.join('').includes(jsonLogs(plain).join('')), 'the once-uncompressed file is still in the chain');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('--since skips a compressed file whose header says its last record is older, unread (as dockerd)', async () => {
  const dir = mkdtempSync('/tmp/bt-lf-rot-');
  try {
    const p = join(dir, 'c-json.log');
    const rec = (log: string, time: string) => `{"log":"${log}\\n","stream":"stdout","time":"${time}"}\n`;
    writeFileSync(`${p}.1`, rec('old', '2026-01-01T00:00:10Z'));
    // the header claims 00:00:05: a reader that trusts it never opens the file for a later --since
    await compressLogFile(`${p}.1`, '2026-01-01T00:00:05Z');
    writeFileSync(p, rec('new', '2026-01-01T00:00:20Z'));
    const read = (since: number) => collect(readJsonLog(p, { since }, async () => true, undefined, 2));
    assert.deepEqual(await read(0), ['old\n', 'new\n']);
    assert.deepEqual(await read(Date.parse('2026-01-01T00:00:07Z') / 1000), ['new\n']);
    assert.deepEqual(await read(Date.parse('2026-01-01T00:00:04Z') / 1000), ['old\n', 'new\n']);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
