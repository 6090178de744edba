/**
 * Bad input loses nothing: the parser conformance Dockerfiles, mangled at random (seeded, so a failure
 * reproduces), never make the runner throw or a BuildKit check crash; each gives findings or a parse error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintDockerfile, type RunnerResult } from '../../src/lint/runner.js';
import { BUILDKIT_RULES } from '../../src/lint/registry.js';

const CONFORMANCE = fileURLToPath(new URL('../../../shared/conformance/dockerfile-parser/', import.meta.url));

function dockerfiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return dockerfiles(p);
    return n === 'Dockerfile' ? [p] : [];
  });
}

const PIECES = ['$', '${', '}', '${X:-', '${X/a/b}', '\\', '"', "'", '<<EOF', '--from=', '--platform=$X', ' AS ', ' as X', '=', ' ', '\n', '#',
  '# check=skip=all', '# check=experimental=all', 'ARG ', 'ENV ', 'COPY ', 'EXPOSE ', ':', '/', 'FROM ', 'WORKDIR ', '[', ']', '["a"', 'ONBUILD ', '\r\n', '\t'];

test('mangled Dockerfiles: no throw, no crashed check', () => {
  const files = dockerfiles(CONFORMANCE).map((f) => readFileSync(f, 'utf8'));
  assert.ok(files.length >= 30, 'the conformance Dockerfiles are there');
  let seed = 20261206;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  let parsed = 0;
  for (let i = 0; i < 600; i++) {
    let t = files[rnd(files.length)];
    for (let k = 0, n = 1 + rnd(4); k < n; k++) {
      const at = rnd(t.length + 1);
      t = t.slice(0, at) + PIECES[rnd(PIECES.length)] + t.slice(at + rnd(3));
    }
    let r: RunnerResult;
    try {
      r = lintDockerfile(t, { file: 'Dockerfile', rules: BUILDKIT_RULES, dockerignore: '*.md\n', stages: rnd(2) ? 'all' : {} });
    } catch (e) {
      assert.fail(`lintDockerfile threw ${(e as Error).stack} on ${JSON.stringify(t)}`);
    }
    assert.equal(r.ruleErrors, undefined, `a check crashed on ${JSON.stringify(t)}: ${JSON.stringify(r.ruleErrors)}`);
    if (r.parseError) assert.ok(r.parseError.message.length > 0);
    else parsed++;
  }
  assert.ok(parsed > 120, `most mangled files still parse (${parsed})`);
});
