/**
 * Cached rebuilds stay exactly right (issue 27's shortcuts: the context packed into one buffer by the
 * CLI and indexed in one pass by the daemon, the build checks remembered between builds): an unchanged
 * context, or one whose only change is mtimes, hits every step and gives the same image; a changed
 * file content or mode, a changed .dockerignore, a changed build arg and a changed base image miss
 * from the step they touch; the checks follow a changed base image.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { writeContext } from './helpers.js';

let d: TestDaemon;
let base: string;
let dir: string;

before(async () => {
  d = await startDaemon();
  base = mkdtempSync(join(tmpdir(), 'berth-build-cc-'));
  dir = writeContext(base, 'ctx', {
    Dockerfile: [
      'FROM busybox',
      'ARG FLAVOUR=plain',
      'COPY conf/ /conf/',
      'RUN echo "$FLAVOUR" > /flavour',
      'COPY . /all/',
      'RUN ls -l /conf/run.sh | cut -c1-10 > /mode && cat /conf/a.txt > /a',
      '',
    ].join('\n'),
    '.dockerignore': 'secret.txt\n',
    'conf/a.txt': 'a 1\n',
    'conf/run.sh': '#!/bin/sh\n',
    'secret.txt': 'not sent\n',
  });
});
after(async () => { await d?.cleanup(); if (base) rmSync(base, { recursive: true, force: true }); });

interface Built { id: string; cached: number; ran: number; out: string }

async function build(args: string[] = [], ctx = dir): Promise<Built> {
  const r = await d.berth(['build', '--iidfile', join(base, 'iid'), '-t', 'cc:latest', ...args, ctx], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return {
    id: (await import('node:fs')).readFileSync(join(base, 'iid'), 'utf8'),
    cached: (r.stdout.match(/---> Using cache$/gm) ?? []).length,
    ran: (r.stdout.match(/---> Running in /g) ?? []).length,
    out: r.stdout,
  };
}

/** The steps that ran (RUN steps print "Running in"; a COPY that ran prints neither it nor "Using cache"). */
const steps = (b: Built) => ({ cached: b.cached, ran: b.ran });

test('unchanged and mtime-only changes hit every step; content, mode, .dockerignore, build args miss', async () => {
  const first = await build();
  const again = await build();
  assert.deepEqual(steps(again), { cached: 5, ran: 0 }, again.out); // ARG, two COPY, two RUN
  assert.equal(again.id, first.id, 'a fully cached build gives the same image');

  // Docker's classic builder hashes contents, not times: touching every file changes nothing
  const later = new Date(Date.now() + 3_600_000);
  for (const f of ['conf/a.txt', 'conf/run.sh', 'Dockerfile', '.dockerignore', 'conf']) utimesSync(join(dir, f), later, later);
  const touched = await build();
  assert.deepEqual(steps(touched), { cached: 5, ran: 0 }, touched.out);
  assert.equal(touched.id, first.id);

  // new content of a copied file: its COPY and everything after it run again
  writeFileSync(join(dir, 'conf/a.txt'), 'a 2\n');
  const content = await build();
  assert.deepEqual(steps(content), { cached: 1, ran: 2 }, content.out); // the ARG before it still hits
  assert.notEqual(content.id, first.id);
  const contentImage = content.id;
  assert.equal((await build()).id, contentImage, 'and that is cached in turn');

  // the same bytes with another mode: a miss too
  chmodSync(join(dir, 'conf/run.sh'), 0o755);
  const mode = await build();
  assert.deepEqual(steps(mode), { cached: 1, ran: 2 }, mode.out);
  assert.match(await d.ok(['run', '--rm', 'cc:latest', 'cat', '/mode']), /^-rwxr-xr-x/);

  // .dockerignore lets secret.txt in: COPY . (and the RUN after it) miss, COPY conf/ still hits
  writeFileSync(join(dir, '.dockerignore'), '# nothing ignored\n');
  const ignore = await build();
  assert.deepEqual(steps(ignore), { cached: 3, ran: 1 }, ignore.out);
  assert.equal((await d.ok(['run', '--rm', 'cc:latest', 'cat', '/all/secret.txt'])).trim(), 'not sent');
  writeFileSync(join(dir, '.dockerignore'), 'secret.txt\n');
  const back = await build();
  assert.deepEqual(steps(back), { cached: 5, ran: 0 }, 'back to the old .dockerignore: the old layers again\n' + back.out);

  // a build arg the RUN sees: that RUN and everything after it miss
  const arg = await build(['--build-arg', 'FLAVOUR=spicy']);
  assert.deepEqual(steps(arg), { cached: 2, ran: 2 }, arg.out); // ARG and COPY conf/ still hit
  assert.equal((await d.ok(['run', '--rm', 'cc:latest', 'cat', '/flavour'])).trim(), 'spicy');
  assert.deepEqual(steps(await build(['--build-arg', 'FLAVOUR=spicy'])), { cached: 5, ran: 0 });
});

test('a changed base image misses, and the build checks see the new base', async () => {
  const baseDir = writeContext(base, 'base', { Dockerfile: 'FROM busybox\nENV myvar=set\n' });
  assert.equal((await d.berth(['build', '-q', '-t', 'cc-base:1', baseDir], { timeoutMs: 120_000 })).code, 0);
  // ENV expands $myvar in the builder, so the checks look at it (a RUN's words are the shell's)
  const app = writeContext(base, 'app', { Dockerfile: 'FROM cc-base:1\nENV copy=$myvar\nRUN echo "$copy" > /v\n' });
  const first = await build([], app);
  assert.doesNotMatch(first.out, /UndefinedVar/, 'the base image sets myvar');
  const again = await build([], app);
  assert.deepEqual(steps(again), { cached: 2, ran: 0 }, again.out);
  assert.equal(again.id, first.id);

  // the same tag, another image without myvar: the RUN misses and the checks now report the variable
  writeFileSync(join(baseDir, 'Dockerfile'), 'FROM busybox\nENV other=set\n');
  assert.equal((await d.berth(['build', '-q', '-t', 'cc-base:1', baseDir], { timeoutMs: 120_000 })).code, 0);
  const rebased = await build([], app);
  assert.deepEqual(steps(rebased), { cached: 0, ran: 1 }, rebased.out);
  assert.notEqual(rebased.id, first.id);
  assert.match(rebased.out, /UndefinedVar: Usage of undefined variable '\$myvar'/, rebased.out);
  assert.equal((await d.ok(['run', '--rm', 'cc:latest', 'cat', '/v'])).trim(), '');
});
