import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DetachKeyFilter, encodeFrame, FrameDemuxer, FrameError, parseDetachKeys } from '../../src/client/stdcopy.ts';

function collectFrames(chunks: Buffer[]) {
  const got: Array<[string, string]> = [];
  const d = new FrameDemuxer((k, p) => got.push([k, p.toString()]));
  for (const c of chunks) d.push(c);
  return { got, pending: d.pending };
}

test('demuxes stdout/stderr frames', () => {
  const data = Buffer.concat([encodeFrame(1, Buffer.from('out1\n')), encodeFrame(2, Buffer.from('err\n')), encodeFrame(1, Buffer.from('out2'))]);
  assert.deepEqual(collectFrames([data]).got, [['stdout', 'out1\n'], ['stderr', 'err\n'], ['stdout', 'out2']]);
});

test('frames split at every byte boundary are reassembled', () => {
  const data = Buffer.concat([encodeFrame(1, Buffer.from('hello')), encodeFrame(2, Buffer.from('')), encodeFrame(2, Buffer.from('world!'))]);
  for (let cut = 1; cut < data.length; cut++) {
    const { got, pending } = collectFrames([data.subarray(0, cut), data.subarray(cut)]);
    assert.deepEqual(got, [['stdout', 'hello'], ['stderr', ''], ['stderr', 'world!']], `cut at ${cut}`);
    assert.equal(pending, 0);
  }
  const bytes = [...data].map((b) => Buffer.from([b]));
  assert.equal(collectFrames(bytes).got.length, 3);
});

test('partial frame stays pending; bad stream byte throws', () => {
  const f = encodeFrame(1, Buffer.from('abcdef'));
  assert.equal(collectFrames([f.subarray(0, 10)]).pending, 10);
  const bad = Buffer.from(f);
  bad[0] = 9;
  assert.throws(() => collectFrames([bad]), FrameError);
  assert.deepEqual(collectFrames([encodeFrame(3, Buffer.from('oops'))]).got, [['system', 'oops']]);
});

test('large payload sizes use the big-endian length', () => {
  const payload = Buffer.alloc(70000, 0x61);
  const f = encodeFrame(1, payload);
  assert.equal(f.readUInt32BE(4), 70000);
  assert.equal(collectFrames([f.subarray(0, 30000), f.subarray(30000)]).got[0][1].length, 70000);
});

test('detach keys: ctrl-p ctrl-q detaches, other bytes pass through', () => {
  const keys = parseDetachKeys('ctrl-p,ctrl-q');
  assert.deepEqual(keys, [16, 17]);
  const f = new DetachKeyFilter(keys);
  let r = f.feed(Buffer.from('ab\x10'));
  assert.equal(r.data.toString(), 'ab');
  assert.equal(r.detach, false);
  r = f.feed(Buffer.from('x'));
  assert.equal(r.data.toString(), '\x10x');
  r = f.feed(Buffer.from('\x10\x10\x11'));
  assert.equal(r.data.toString(), '\x10');
  assert.equal(r.detach, true);
  assert.deepEqual(parseDetachKeys('a,ctrl-@,ctrl-['), [97, 0, 27]);
  assert.throws(() => parseDetachKeys('ctrl-foo'), /Invalid detach keys/);
});
