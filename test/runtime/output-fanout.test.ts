import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutputFanout } from '../../src/runtime/attach.js';

test('attach output sent before anyone listens reaches the first listener, in order; later output goes to all', () => {
  const f = new OutputFanout();
  f.emit('stdout', Buffer.from('a'));
  f.emit('stderr', Buffer.from('b'));
  const first: string[] = [];
  const second: string[] = [];
  f.on((s, d) => first.push(`${s}:${d}`));
  assert.deepEqual(first, ['stdout:a', 'stderr:b']);
  f.on((s, d) => second.push(`${s}:${d}`));
  f.emit('stdout', Buffer.from('c'));
  assert.deepEqual(first, ['stdout:a', 'stderr:b', 'stdout:c']);
  assert.deepEqual(second, ['stdout:c']);
});

test('the backlog is capped: a stream nobody reads does not grow without end', () => {
  const f = new OutputFanout();
  const big = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < 10; i++) f.emit('stdout', big);
  let got = 0;
  f.on((_s, d) => { got += d.length; });
  assert.equal(got, OutputFanout.MAX_BACKLOG);
});
