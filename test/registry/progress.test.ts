/**
 * The CLI's drawing of Docker's JSON progress stream. On a terminal the output is run
 * through a small terminal model (cursor up/down, clear line, carriage return, newline) and
 * the final screen must show one line per layer with its last state, plain lines in order,
 * no line longer than the terminal. Without a terminal: plain lines, no bars.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressPrinter } from '../../src/cli/commands/registry.js';
import { jsonProgress, type JsonMessage } from '../../src/registry/client/progress.js';

/** Applies the escape sequences ProgressPrinter uses to a screen of lines. */
function screenOf(output: string): string[] {
  const screen: string[] = [''];
  let row = 0;
  let col = 0;
  for (let i = 0; i < output.length; i++) {
    const ch = output[i];
    if (ch === '\x1b') {
      const m = /^\x1b\[(\d*)([ABK])/.exec(output.slice(i));
      assert.ok(m, `unknown escape at ${JSON.stringify(output.slice(i, i + 8))}`);
      const n = Number(m[1] || 1);
      if (m[2] === 'A') row = Math.max(0, row - n);
      else if (m[2] === 'B') row += n;
      else screen[row] = '';
      while (screen.length <= row) screen.push('');
      i += m[0].length - 1;
    } else if (ch === '\r') col = 0;
    else if (ch === '\n') { row++; col = 0; while (screen.length <= row) screen.push(''); }
    else { const line = screen[row].padEnd(col); screen[row] = line.slice(0, col) + ch + line.slice(col + 1); col++; }
  }
  return screen.filter((l, i) => l !== '' || i < screen.length - 1);
}

function pullMessages(): JsonMessage[] {
  const msgs: JsonMessage[] = [];
  const p = jsonProgress((m) => msgs.push(m));
  p.status('1: Pulling from test/img');
  for (const id of ['aaa', 'bbb']) p.layer(id, 'Pulling fs layer');
  p.bytes('aaa', 'Downloading', 500_000, 2_000_000);
  p.bytes('bbb', 'Downloading', 1_000, 1_000_000);
  p.bytes('aaa', 'Downloading', 2_000_000, 2_000_000);
  p.layer('aaa', 'Download complete');
  p.bytes('bbb', 'Downloading', 1_000_000, 1_000_000);
  p.layer('bbb', 'Download complete');
  p.layer('aaa', 'Pull complete');
  p.layer('bbb', 'Pull complete');
  p.status('Digest: sha256:1234');
  p.status('Status: Downloaded newer image for test/img:1');
  return msgs;
}

test('on a terminal: one line per layer, redrawn in place, with its final state', () => {
  let out = '';
  const pp = new ProgressPrinter((s) => { out += s; }, false, true, 120);
  for (const m of pullMessages()) pp.handle(m);
  assert.deepEqual(screenOf(out), [
    '1: Pulling from test/img',
    'aaa: Pull complete',
    'bbb: Pull complete',
    'Digest: sha256:1234',
    'Status: Downloaded newer image for test/img:1',
  ]);
  assert.match(out, /aaa: Downloading \[=+>? *\]/, 'bars are drawn');
});

test('on a terminal: a plain line between layer updates does not garble them; a narrow terminal gets no bars and no wrapped lines', () => {
  let out = '';
  const pp = new ProgressPrinter((s) => { out += s; }, false, true, 40);
  pp.handle({ id: 'aaa', status: 'Waiting' });
  pp.handle({ status: 'a note from the daemon' });
  pp.handle({ id: 'aaa', status: 'Downloading', progressDetail: { current: 1, total: 2 }, progress: '[=========================>                         ] 1B/2B' });
  pp.handle({ id: 'aaa', status: 'Pull complete' });
  const screen = screenOf(out);
  assert.deepEqual(screen, ['aaa: Waiting', 'a note from the daemon', 'aaa: Pull complete']);
  assert.match(out, /aaa: Downloading 1B\/2B/, 'a narrow terminal keeps the numbers and drops the bar');
  assert.ok(out.split(/[\r\n]/).every((l) => l.replace(/\x1b\[\d*[ABK]/g, '').length < 40), 'no line reaches the terminal width');
});

test('without a terminal: plain status lines, no bars; errors throw with the daemon message', () => {
  let out = '';
  const pp = new ProgressPrinter((s) => { out += s; }, false, false);
  for (const m of pullMessages()) pp.handle(m);
  assert.doesNotMatch(out, /\x1b|\[=/);
  assert.match(out, /^aaa: Pull complete$/m);
  assert.throws(() => pp.handle({ error: 'boom', errorDetail: { message: 'no space left on device: the disk is full' } }), /disk is full/);
});
