/**
 * The local driver's records: round trip, a byte-level check against protobuf framing with an
 * independent decoder (protobufjs), and the converter writing local-logs/container.log that `logs` reads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { decodeLocalEntry, decodeLocalFrames, encodeLocalEntry, nanoToTime, timeToNano, type LocalEntry } from '../../src/logging/local-format.js';
import { JsonLogConverter, jsonLogFiles } from '../../src/container/json-log.js';
import { readJsonLog } from '../../src/container/json-log-reader.js';
import { rotationOf } from '../../src/container/log-config.js';

// moby daemon/logger/internal/logdriver/entry.proto
const root = protobuf.parse(`syntax = "proto3";
message LogAttr { string key = 1; string value = 2; }
message LogEntry { string source = 1; int64 time_nano = 2; bytes line = 3; bool partial = 4;
  PartialLogEntryMetadata partial_log_metadata = 5; repeated LogAttr attrs = 6; }
message PartialLogEntryMetadata { bool last = 1; string id = 2; int32 ordinal = 3; }`).root;
const LogEntryType = root.lookupType('LogEntry');

const samples: LocalEntry[] = [
  { source: 'stdout', timeNano: 1_767_225_600_123_456_789n, line: Buffer.from('hello') },
  { source: 'stderr', timeNano: 1n, line: Buffer.from([0, 0xff, 0x0a, 0x80]) },
  { source: 'stdout', timeNano: 1_767_225_600_000_000_000n, line: Buffer.alloc(20_000, 0x61), partial: { id: 'abc', ordinal: 2, last: false } },
  { source: 'stdout', timeNano: 1_767_225_600_000_000_000n, line: Buffer.from('end'), partial: { id: 'abc', ordinal: 3, last: true } },
  { source: 'stdout', timeNano: -5n, line: Buffer.alloc(0) },
];

test('local records: framing and protobuf bytes as an independent decoder reads them, and back', () => {
  for (const e of samples) {
    const framed = encodeLocalEntry(e);
    const size = framed.readUInt32BE(0);
    assert.equal(framed.length, size + 8);
    assert.equal(framed.readUInt32BE(framed.length - 4), size, 'the length after the record equals the one before');
    const body = framed.subarray(4, 4 + size);
    const m = LogEntryType.toObject(LogEntryType.decode(body), { longs: String, bytes: Buffer, defaults: true }) as any;
    assert.equal(m.source, e.source);
    assert.equal(m.timeNano, e.timeNano.toString());
    assert.deepEqual(Buffer.from(m.line), e.line);
    assert.equal(m.partial, !!e.partial);
    if (e.partial) assert.deepEqual({ ...m.partialLogMetadata }, { last: e.partial.last, id: e.partial.id, ordinal: e.partial.ordinal });
    // what protobufjs encodes, we decode (its field order and defaults, not ours)
    const theirs = Buffer.from(LogEntryType.encode(LogEntryType.fromObject({
      source: e.source, timeNano: e.timeNano.toString(), line: e.line, partial: !!e.partial,
      ...(e.partial ? { partialLogMetadata: e.partial } : {}), attrs: [{ key: 'k', value: 'v' }],
    })).finish());
    assert.deepEqual(decodeLocalEntry(theirs), { ...e, ...(e.partial ? {} : {}) });
  }
  const all = Buffer.concat(samples.map(encodeLocalEntry));
  const back: LocalEntry[] = [];
  const used = decodeLocalFrames(Buffer.concat([all, all.subarray(0, 7)]), 0, (x) => back.push(x));
  assert.equal(used, all.length, 'an incomplete frame at the end is left for later');
  assert.deepEqual(back, samples);
  assert.equal(nanoToTime(timeToNano('2026-01-01T01:00:00.000000123+01:00')), '2026-01-01T00:00:00.000000123Z');
  // a damaged frame (its two lengths differ) is an error with a code, not a silent misread
  const bad = Buffer.from(all);
  bad.writeUInt32BE(bad.readUInt32BE(0) + 1, 0);
  assert.throws(() => decodeLocalFrames(bad, 0, () => undefined), (e: any) => e.code === 'ERR_LOG_FILE_CORRUPT');
});

test('a local-driver container\'s file: local-logs/container.log in local records, rotated and gzipped, read back by logs', async () => {
  const dir = mkdtempSync('/tmp/bt-lf-local-');
  try {
    const rotation = rotationOf({ LogConfig: { Type: 'local', Config: { 'max-size': '3k', 'max-file': '3' } } });
    const files = jsonLogFiles(dir, 'c', join(dir, 'ctr.log'), rotation, 'local');
    assert.equal(files.jsonPath, join(dir, 'local-logs', 'container.log'));
    const long = 'x'.repeat(20_000);
    const k8s = [
      ...Array.from({ length: 200 }, (_, i) => `2026-01-01T00:00:00.${String(i).padStart(9, '0')}Z ${i % 2 ? 'stderr' : 'stdout'} F line ${i}`),
      `2026-01-01T00:00:01Z stdout F ${long}`,
      '2026-01-01T00:00:02Z stdout P unfinished',
    ].join('\n') + '\n';
    writeFileSync(files.k8sPath, k8s);
    const conv = new JsonLogConverter(() => false);
    await conv.sync('c', files, true);
    await conv.close();
    assert.deepEqual(readdirSync(join(dir, 'local-logs')).sort(), ['container.log', 'container.log.1.gz', 'container.log.2.gz']);
    // every file decodes as framed records, with an independent decoder
    const decodeAll = (buf: Buffer) => {
      const out: any[] = [];
      for (let pos = 0; pos < buf.length;) {
        const size = buf.readUInt32BE(pos);
        out.push(LogEntryType.toObject(LogEntryType.decode(buf.subarray(pos + 4, pos + 4 + size)), { longs: String, defaults: true }));
        assert.equal(buf.readUInt32BE(pos + 4 + size), size);
        pos += size + 8;
      }
      return out;
    };
    const current = decodeAll(readFileSync(files.jsonPath));
    const older = decodeAll(gunzipSync(readFileSync(`${files.jsonPath}.1.gz`)));
    const last = current.at(-1);
    assert.equal(Buffer.from(last.line).toString(), 'unfinished');
    assert.equal(last.partial, true);
    assert.equal(last.partialLogMetadata.last, false);
    assert.ok(older.length > 0);
    // the 20000-byte line was cut at 16 KiB as Docker's copier does: a partial piece, then the last piece
    const pieces = [...older, ...current].filter((r) => Buffer.from(r.line).toString().startsWith('xxx'));
    assert.deepEqual(pieces.map((r) => [r.line.length, r.partial, r.partialLogMetadata?.last ?? null, r.partialLogMetadata?.ordinal ?? null]), [[16384, true, false, 1], [20_000 - 16384, true, true, 2]]);

    const read = async (opts: object) => {
      const out: string[] = [];
      for await (const e of readJsonLog(files.jsonPath, opts, async () => true, undefined, rotation.maxFile, 'local')) out.push(`${e.stream}:${e.data.toString()}`);
      return out;
    };
    const all = await read({});
    assert.equal(all.at(-1), 'stdout:unfinished');
    assert.equal(all.at(-2), `stdout:${'x'.repeat(20_000 - 16384)}\n`);
    assert.equal(all.at(-3), `stdout:${'x'.repeat(16384)}`);
    assert.equal(all.at(-4), 'stderr:line 199\n');
    assert.deepEqual(await read({ tail: '2', stderr: false }), all.slice(-2));
    assert.deepEqual(await read({ stdout: false }), all.filter((l) => l.startsWith('stderr:')));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
