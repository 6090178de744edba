/** The json-file converter's rotation without a daemon: a crash amid a rotation is finished, nothing converted twice. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonLogConverter, jsonLogFiles } from '../../src/container/json-log.js';
import { mergeLogConfig } from '../../src/container/log-config.js';
import { fromHumanSize } from '../../src/common/byte-size.js';

const k8s = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `2026-01-01T00:00:00.${String(from + i).padStart(9, '0')}Z stdout F line ${from + i}\n`).join('');
const logs = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).log as string) : []);

test('rotation: files shift to .1 .. .N-1; a crash after the rename (state still "rotating") resumes without redoing', async () => {
  const dir = mkdtempSync('/tmp/bt-jlog-');
  try {
    const files = jsonLogFiles(dir, 'c', join(dir, 'ctr.log'), { maxSize: 200, maxFile: 3 });
    writeFileSync(files.k8sPath, k8s(10));
    const conv = new JsonLogConverter(() => false);
    await conv.sync('c', files, true);
    await conv.close();
    const all = () => [`${files.jsonPath}.2`, `${files.jsonPath}.1`, files.jsonPath].flatMap(logs);
    const kept = all();
    assert.ok(kept.length < 10 && kept.at(-1) === 'line 9\n', JSON.stringify(kept));
    assert.ok(!existsSync(`${files.jsonPath}.3`));

    // a daemon killed right after renaming the file away: the state still says "rotating"
    const state = JSON.parse(readFileSync(files.statePath, 'utf8'));
    const current = readFileSync(files.jsonPath);
    renameSync(`${files.jsonPath}.1`, `${files.jsonPath}.2`);
    renameSync(files.jsonPath, `${files.jsonPath}.1`);
    writeFileSync(files.statePath, JSON.stringify({ ...state, jsonSize: current.length, rotating: true }));
    writeFileSync(files.k8sPath, k8s(10) + k8s(2, 10));
    const conv2 = new JsonLogConverter(() => false);
    await conv2.sync('c', files, true);
    await conv2.close();
    const after = all();
    assert.deepEqual(logs(files.jsonPath), ['line 10\n', 'line 11\n']);
    assert.equal(logs(`${files.jsonPath}.1`).join(''), current.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l).log).join(''));
    assert.equal(new Set(after).size, after.length, 'a line converted twice');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test("log config: dockerd's merge of the daemon default and go-units' decimal sizes", () => {
  assert.equal(fromHumanSize('1m'), 1_000_000);
  assert.equal(fromHumanSize('10k'), 10_000);
  assert.equal(fromHumanSize('1.5KB'), 1500);
  const dflt = { Type: 'json-file', Config: { 'max-size': '1m' } };
  assert.deepEqual(mergeLogConfig(undefined, dflt), { Type: 'json-file', Config: { 'max-size': '1m' } });
  assert.deepEqual(mergeLogConfig({ Type: '', Config: { 'max-file': '2' } }, dflt), { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } });
  assert.deepEqual(mergeLogConfig({ Type: 'none', Config: {} }, dflt), { Type: 'none', Config: {} });
  assert.throws(() => mergeLogConfig({ Type: 'json-file', Config: { mode: 'weird' } }), /logger: logging mode not supported: weird/);
});
