import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvFileText, readEnvFile, resolveEnvArg, EnvFileError } from '../../src/cli/envfile.ts';

const env: Record<string, string> = { FROM_ENV: 'yes', EMPTY: '' };
const lookup = (k: string) => env[k];

test('KEY=VAL, bare KEY from the environment, comments, blank lines, leading spaces', () => {
  assert.throws(() => parseEnvFileText('B = 2\n', 'f', lookup), /variable 'B ' contains whitespaces/);
  assert.deepEqual(parseEnvFileText('\uFEFFA=1\n# c\n\n  FROM_ENV\nUNSET_VAR\nEMPTY\nC=\nD=x=y\nE= spaced value \n', 'f', lookup),
    ['A=1', 'FROM_ENV=yes', 'EMPTY=', 'C=', 'D=x=y', 'E= spaced value ']);
});

test('malformed lines name the file, the problem and the line number', () => {
  assert.throws(() => parseEnvFileText('A=1\n\na b=3\n', '/x/e.env', lookup), (e: Error) => {
    assert.ok(e instanceof EnvFileError);
    assert.equal(e.message, "invalid env file (/x/e.env): variable 'a b' contains whitespaces (line 3)");
    return true;
  });
  assert.throws(() => parseEnvFileText('=x\n', 'e', lookup), /no variable name on line '=x' \(line 1\)/);
});

test('reads a real file; missing file is a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-envfile-'));
  try {
    const p = join(dir, 'e.env');
    writeFileSync(p, 'X=1\r\nY=2\r\n');
    assert.deepEqual(readEnvFile(p), ['X=1', 'Y=2']);
    assert.throws(() => readEnvFile(join(dir, 'nope')), /no such file or directory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-e KEY takes the value from the environment or is dropped', () => {
  assert.equal(resolveEnvArg('A=1', lookup), 'A=1');
  assert.equal(resolveEnvArg('FROM_ENV', lookup), 'FROM_ENV=yes');
  assert.equal(resolveEnvArg('UNSET_VAR', lookup), undefined);
  assert.throws(() => resolveEnvArg('=x', lookup), /invalid environment variable/);
});
