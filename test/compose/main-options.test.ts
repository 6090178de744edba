/** compose's global options that berth does not implement are refused, not taken and ignored. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCompose } from '../../src/compose/main.js';

async function compose(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => { stdout += c; });
  err.on('data', (c) => { stderr += c; });
  const code = await runCompose(argv, {
    client: () => Promise.reject(new Error('no engine in this test')), env, cwd,
    stdout: out, stderr: err, stdin: new PassThrough(), commandName: 'berth compose',
  });
  return { code, stdout, stderr };
}

test('--compatibility and COMPOSE_COMPATIBILITY=true are refused with exit 1; without them the same command works', async (t) => {
  const dir = mkdtempSync('/tmp/bt-compose-opts-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: busybox\n');
  for (const [argv, env] of [[['--compatibility', 'config', '--services'], {}], [['config', '--services'], { COMPOSE_COMPATIBILITY: 'true' }]] as const) {
    const r = await compose([...argv], dir, env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /--compatibility \(COMPOSE_COMPATIBILITY\) is not supported by berth compose/);
    assert.equal(r.stdout, '');
  }
  const ok = await compose(['config', '--services'], dir);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, 'web\n');
});

test('--parallel and COMPOSE_PARALLEL_LIMIT take integers only: anything else is an error, exit 1', async (t) => {
  const dir = mkdtempSync('/tmp/bt-compose-opts-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: busybox\n');
  const flag = await compose(['--parallel', 'lots', 'config', '--services'], dir);
  assert.equal(flag.code, 1);
  assert.match(flag.stderr, /invalid argument "lots" for "--parallel" flag/);
  const env = await compose(['config', '--services'], dir, { COMPOSE_PARALLEL_LIMIT: 'x' });
  assert.equal(env.code, 1);
  assert.match(env.stderr, /invalid argument "x" for "--parallel" flag/);
  const ok = await compose(['--parallel', '2', 'config', '--services'], dir);
  assert.equal(ok.code, 0, ok.stderr);
});
