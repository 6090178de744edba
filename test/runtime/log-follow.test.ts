import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogFollower, type LogLine } from '../../src/runtime/index.js';

const T = '2026-01-02T03:04:05.123456789Z';

test('LogFollower: each complete record once, in order; cut records and characters wait for the rest', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'blf'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'log');
  const seen: LogLine[] = [];
  const f = new LogFollower(path, (l) => seen.push(l));
  f.start(); // the log does not exist yet
  f.flush();
  assert.equal(seen.length, 0);
  appendFileSync(path, `${T} stdout F one\n${T} stderr P tw`);
  f.flush();
  assert.deepEqual(seen.map((l) => [l.stream, l.partial, l.data.toString()]), [['stdout', false, 'one\n']]);
  const euro = Buffer.from('€');
  appendFileSync(path, Buffer.concat([Buffer.from('o\n' + `${T} stdout F `), euro.subarray(0, 1)]));
  f.flush();
  appendFileSync(path, Buffer.concat([euro.subarray(1), Buffer.from('\n')]));
  f.flush();
  f.flush();
  assert.deepEqual(seen.map((l) => [l.stream, l.partial, l.data.toString()]), [
    ['stdout', false, 'one\n'], ['stderr', true, 'two'], ['stdout', false, '€\n'],
  ]);
  // inotify reads new records without a flush
  appendFileSync(path, `${T} stdout F four\n`);
  const deadline = Date.now() + 5000;
  while (seen.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(seen[3]?.data.toString(), 'four\n');
  f.close();
  appendFileSync(path, `${T} stdout F five\n`);
  f.flush();
  assert.equal(seen.length, 4, 'nothing after close');
});
