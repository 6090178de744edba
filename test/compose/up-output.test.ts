/** compose v2's output formats: progress lines (plain, json, tty), log prefixes, line splitting, Go durations. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { done, progressWriter, working } from '../../src/compose/output/progress.ts';
import { LineSplitter, LogPrinter } from '../../src/compose/output/log-printer.ts';
import { formatGoDuration } from '../../src/compose/ops/go-duration-format.ts';
import { apiTimestamp, shortName } from '../../src/compose/ops/logs.ts';

function sink(tty = false): { stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }; text: () => string } {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  let out = '';
  s.on('data', (d) => { out += d.toString(); });
  if (tty) { s.isTTY = true; s.columns = 60; }
  return { stream: s, text: () => out };
}

test('plain progress: Go Println of id, text and status (two spaces when there is no text)', async () => {
  const { stream, text } = sink();
  const w = progressWriter(stream, 'auto');
  w.event(working('Network p_default', 'Creating'));
  w.event(done('Network p_default', 'Created'));
  w.event(working('Volume "p_data"', 'Creating'));
  w.event(done('Container p-web-1', 'Started'));
  w.stop();
  await new Promise((r) => setImmediate(r));
  assert.equal(text(), ' Network p_default  Creating\n Network p_default  Created\n Volume "p_data"  Creating\n Container p-web-1  Started\n');
});

test('json progress: one object per event with compose\'s keys', async () => {
  const { stream, text } = sink();
  const w = progressWriter(stream, 'json');
  w.event(working('Container p-web-1', 'Starting'));
  w.stop();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(JSON.parse(text()), { id: 'Container p-web-1', status: 'Starting' });
});

test('quiet progress prints nothing; tty progress draws a titled block with ✔ and timers', async () => {
  const q = sink();
  const w = progressWriter(q.stream, 'quiet');
  w.event(done('Container x', 'Started'));
  w.stop();
  const t = sink(true);
  const tw = progressWriter(t.stream, 'auto', 'Running', 'never');
  tw.event(working('Container p-web-1', 'Starting'));
  tw.event(done('Container p-web-1', 'Started'));
  tw.event(done('Container p-db-1', 'Running'));
  tw.stop();
  await new Promise((r) => setImmediate(r));
  assert.equal(q.text(), '');
  const plain = t.text().replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  assert.match(plain, /\[\+\] Running 2\/2\n/);
  assert.match(plain, /\n ✔ Container p-web-1 {2}Started +\d+\.\ds \n/);
  assert.match(plain, /\n ✔ Container p-db-1 {3}Running +\d+\.\ds \n/);
});

test('log printer: prefixes padded to the longest name + 1, colour only when asked, status lines', async () => {
  const out = sink();
  const err = sink();
  const p = new LogPrinter(out.stream, err.stream, { color: false, prefix: true, timestamps: false });
  p.register('web-1', 'database-1');
  p.log('web-1', 'hello');
  p.err('database-1', 'oops');
  p.status('web-1', 'exited with code 0');
  const np = new LogPrinter(out.stream, err.stream, { color: false, prefix: false, timestamps: false });
  np.log('web-1', 'bare');
  const cp = new LogPrinter(out.stream, err.stream, { color: true, prefix: true, timestamps: false });
  cp.log('a-1', 'x');
  await new Promise((r) => setImmediate(r));
  assert.equal(out.text(), 'web-1       | hello\nweb-1 exited with code 0\nbare\n\x1b[36ma-1  | \x1b[0mx\n');
  assert.equal(err.text(), 'database-1  | oops\n');
});

test('line splitter keeps partial lines until their end', () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  s.push('a\nb'); s.push('c\r\nd'); s.flush();
  assert.deepEqual(lines, ['a', 'bc', 'd']);
});

test('Go durations as compose prints them; --since/--until as Unix seconds; names without the project', () => {
  assert.deepEqual([0, 500, 10_000, 90_000, 3_600_000, 1_500].map(formatGoDuration), ['0s', '500ms', '10s', '1m30s', '1h0m0s', '1.5s']);
  assert.equal(apiTimestamp('10m', 1_000_000_000), (1_000_000 - 600).toFixed(9));
  assert.equal(apiTimestamp('2020-01-01T00:00:00Z'), '1577836800.000000000');
  assert.equal(apiTimestamp('1577836800'), '1577836800');
  assert.throws(() => apiTimestamp('soon'), /invalid value for "since"/);
  const labels = { 'com.docker.compose.project': 'p', 'com.docker.compose.service': 'web', 'com.docker.compose.container-number': '2' };
  assert.equal(shortName({ Names: ['/p-web-2'], Labels: labels }), 'web-2');
  assert.equal(shortName({ Names: ['/custom'], Labels: labels }), 'custom');
});
