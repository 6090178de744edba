/** The dashboard's stream parsers and form parsers, in Node (they are plain functions of web/src). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerFrames, jsonLines, lineSplitter } from '../../web/src/streams.ts';
import { parsePorts, splitCommand, splitRef } from '../../web/src/parse.ts';

const enc = (s: string) => new TextEncoder().encode(s);
function frame(stream: 1 | 2, text: string): Uint8Array {
  const body = enc(text);
  const out = new Uint8Array(8 + body.length);
  out[0] = stream;
  new DataView(out.buffer).setUint32(4, body.length);
  out.set(body, 8);
  return out;
}

test('docker frames split across chunks come out whole, per stream', () => {
  const got: string[] = [];
  const feed = dockerFrames(false, (s, t) => got.push(`${s}:${t}`));
  const all = new Uint8Array([...frame(1, 'hello\n'), ...frame(2, 'oops\n'), ...frame(1, 'é')]);
  // byte by byte: headers and a two-byte character cut in half
  for (const b of all) feed(new Uint8Array([b]));
  assert.deepEqual(got.join(''), 'stdout:hello\nstderr:oops\nstdout:é');
  const raw: string[] = [];
  dockerFrames(true, (s, t) => raw.push(`${s}:${t}`))(enc('tty bytes'));
  assert.deepEqual(raw, ['stdout:tty bytes']);
});

test('JSON lines across chunks; lines split at newlines with CR dropped', () => {
  const vals: unknown[] = [];
  const feed = jsonLines((v) => vals.push(v));
  feed(enc('{"a":1}\n{"b"'));
  feed(enc(':2}\n\n'));
  feed(enc('not json\n{"c":3}'));
  assert.deepEqual(vals, [{ a: 1 }, { b: 2 }]);
  const lines: string[] = [];
  const split = lineSplitter((l) => lines.push(l));
  split('one\r\ntw'); split('o\nthree');
  assert.deepEqual(lines, ['one', 'two']);
});

test('image references, commands and ports as the forms send them', () => {
  assert.deepEqual(splitRef('busybox'), { fromImage: 'busybox', tag: 'latest' });
  assert.deepEqual(splitRef('127.0.0.1:5000/ui/busybox:v1'), { fromImage: '127.0.0.1:5000/ui/busybox', tag: 'v1' });
  assert.deepEqual(splitRef('localhost:5000/app'), { fromImage: 'localhost:5000/app', tag: 'latest' });
  assert.deepEqual(splitRef('app@sha256:abc'), { fromImage: 'app@sha256:abc' });
  assert.deepEqual(splitCommand(`sh -c "echo a b; sleep 1" 'x y' z`), ['sh', '-c', 'echo a b; sleep 1', 'x y', 'z']);
  assert.deepEqual(splitCommand('--opt="a b"'), ['--opt=a b']);
  assert.deepEqual(parsePorts('8080:80, 127.0.0.1:5353:53/udp'), {
    exposed: { '80/tcp': {}, '53/udp': {} },
    bindings: { '80/tcp': [{ HostPort: '8080' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }] },
  });
  assert.throws(() => parsePorts('80'), /use \[ip:\]host:container/);
});
