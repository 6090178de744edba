import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { processWord, processWords, envLookup } from '../../src/builder/parser/shell-lex.js';

const DIR = new URL('../../../shared/conformance/dockerfile-shell/', import.meta.url);

test('envVarTest: every A and U line', () => {
  const env = envLookup({ PWD: '/home', SHELL: 'bash', KOREAN: '한국어', NULL: '' });
  let n = 0;
  for (const raw of readFileSync(new URL('envVarTest', DIR), 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [platform, input, expected] = line.split('|').map((s) => s.trim());
    if (platform === 'W') continue;
    n++;
    if (expected === 'error') {
      assert.throws(() => processWord(input, env), `${input} must fail`);
    } else {
      assert.equal(processWord(input, env), expected, `input ${input}`);
    }
  }
  assert.ok(n > 200);
});

test('wordsTest: splitting into words', () => {
  const vars: Record<string, string> = {};
  let n = 0;
  for (const raw of readFileSync(new URL('wordsTest', DIR), 'utf8').split('\n')) {
    if (raw.trim() === '' || raw.trim().startsWith('#')) continue;
    if (raw.startsWith('ENV ')) {
      const kv = raw.slice(4);
      const i = kv.indexOf('=');
      vars[kv.slice(0, i)] = kv.slice(i + 1);
      continue;
    }
    const i = raw.indexOf('|');
    const input = raw.slice(0, i).trim();
    const expected = raw.slice(i + 1).trimStart();
    n++;
    if (expected === 'error') assert.throws(() => processWords(input, envLookup(vars)), input);
    else assert.deepEqual(processWords(input, envLookup(vars)), expected.split(','), `input ${input}`);
  }
  assert.ok(n > 20);
});

test('prefix and suffix trimming', () => {
  const env = envLookup({ F: 'dir/sub/file.tar.gz' });
  assert.equal(processWord('${F#*/}', env), 'sub/file.tar.gz');
  assert.equal(processWord('${F##*/}', env), 'file.tar.gz');
  assert.equal(processWord('${F%.*}', env), 'dir/sub/file.tar');
  assert.equal(processWord('${F%%.*}', env), 'dir/sub/file');
  assert.equal(processWord('${F/sub/x}', env), 'dir/x/file.tar.gz');
  assert.equal(processWord('${F//[.]/_}', env), 'dir/sub/file_tar_gz');
});
