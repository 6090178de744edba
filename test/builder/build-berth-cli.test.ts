/** `berth build` (CLI): Dockerfile from stdin / outside the context, -q, --iidfile, heredocs, ONBUILD, mounts, builder prune. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
let base: string;
let ctxDir: string;

before(async () => {
  d = await startDaemon();
  base = mkdtempSync(join(tmpdir(), 'berth-build-cli-'));
  ctxDir = join(base, 'ctx');
  mkdirSync(ctxDir);
  writeFileSync(join(ctxDir, 'hello.txt'), 'hello file\n');
});
after(async () => { await d?.cleanup(); if (base) rmSync(base, { recursive: true, force: true }); });

test('Dockerfile outside the context, heredocs, cache mount, -q and --iidfile', async () => {
  const df = join(base, 'elsewhere.Dockerfile');
  writeFileSync(df, [
    'FROM busybox',
    'COPY --chmod=600 hello.txt /h.txt',
    'COPY <<EOF /greeting',
    'hi $HOSTNAME-literal',
    'EOF',
    'RUN <<EOS',
    'set -e',
    'echo from heredoc > /heredoc.txt',
    'EOS',
    'RUN --mount=type=cache,target=/cache echo x >> /cache/count && wc -l < /cache/count > /cache-lines',
    'RUN --mount=type=tmpfs,target=/scratch touch /scratch/gone && ls /scratch',
    'ONBUILD RUN echo triggered > /onbuild.txt',
  ].join('\n') + '\n');
  const iid = join(base, 'iid');
  const r = await d.berth(['build', '-q', '--iidfile', iid, '-f', df, '-t', 'cli:1', ctxDir], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
  assert.equal(readFileSync(iid, 'utf8'), r.stdout.trim());
  const cat = await d.berth(['run', '--rm', 'cli:1', 'sh', '-c', 'cat /greeting /heredoc.txt /cache-lines; stat -c %a /h.txt; ls /scratch 2>&1 | wc -l; test -e /cache && echo cache-dir-in-layer || echo no-cache-dir']);
  assert.equal(cat.stdout, 'hi -literal\nfrom heredoc\n1\n600\n1\nno-cache-dir\n');

  // the cache mount persists across builds (--no-cache reruns the step)
  const again = await d.berth(['build', '--no-cache', '-q', '-f', df, '-t', 'cli:2', ctxDir], { timeoutMs: 120_000 });
  assert.equal(again.code, 0, again.stderr);
  assert.equal((await d.berth(['run', '--rm', 'cli:2', 'cat', '/cache-lines'])).stdout, '2\n');

  // ONBUILD fires in a child build, from a Dockerfile on stdin
  const child = await d.berth(['build', '-t', 'cli:child', '-'], { input: 'FROM cli:1\nRUN cat /onbuild.txt\n', timeoutMs: 120_000 });
  assert.equal(child.code, 0, child.stderr);
  assert.match(child.stdout, /triggered/);
  const inspect = JSON.parse((await d.berth(['image', 'inspect', 'cli:child'])).stdout)[0];
  assert.equal(inspect.Config.OnBuild ?? null, null);
});

test('builder prune frees the cache; a failing RUN exits with its code', async () => {
  const fail = await d.berth(['build', '-'], { input: 'FROM busybox\nRUN echo boom >&2; exit 7\n', timeoutMs: 60_000 });
  assert.equal(fail.code, 7);
  assert.match(fail.stderr, /returned a non-zero code: 7/);
  assert.match(fail.stderr, /boom/);
  const p = await d.berth(['builder', 'prune', '-f']);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /Total reclaimed space: /);
  const rebuilt = await d.berth(['build', '-t', 'cli:3', '-'], { input: 'FROM busybox\nRUN echo again\n', timeoutMs: 60_000 });
  assert.equal(rebuilt.code, 0, rebuilt.stderr);
  assert.match(rebuilt.stdout, /Running in/);
  assert.match(rebuilt.stdout, /again/);
});
