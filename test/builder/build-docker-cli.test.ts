/**
 * The classic builder through its front doors: `DOCKER_BUILDKIT=0 docker build`
 * (the real docker CLI) against `berth serve`; cache behaviour and bad input.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readdirSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, mountsUnder, type TestDaemon } from '../helpers/daemon.js';

const DOCKER = '/usr/local/bin/docker';
let d: TestDaemon;
let ctxDir: string;

function docker(args: string[], opts: { cwd?: string; input?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${d.socket}`, DOCKER_BUILDKIT: '0', DOCKER_CONFIG: join(ctxDir, '..', 'dockercfg') };
    delete env.NODE_EXTRA_CA_CERTS;
    const child = spawn(DOCKER, args, { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`docker ${args.join(' ')} timed out`)); }, 120_000);
    child.stdout.on('data', (b) => { stdout += b; });
    child.stderr.on('data', (b) => { stderr += b; });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, stdout, stderr }); });
    child.stdin.end(opts.input ?? '');
  });
}

const layerCount = (): number => readdirSync(join(d.root, 'snapshots', 'l')).length;
const blobCount = (): number => readdirSync(join(d.root, 'content', 'blobs', 'sha256')).length;

before(async () => {
  d = await startDaemon();
  const base = mkdtempSync(join(tmpdir(), 'berth-build-'));
  ctxDir = join(base, 'ctx');
  mkdirSync(ctxDir);
  mkdirSync(join(base, 'dockercfg'));
});
after(async () => {
  await d?.cleanup();
  if (ctxDir) rmSync(join(ctxDir, '..'), { recursive: true, force: true });
});

test('docker build (classic) builds, caches fully, and reruns only after a change', async () => {
  writeFileSync(join(ctxDir, 'Dockerfile'), [
    'ARG BASE=busybox',
    'FROM ${BASE} AS base',
    'ARG GREETING=hello',
    'ENV APP_HOME=/app',
    'WORKDIR $APP_HOME',
    'COPY a.txt ./',
    'RUN echo "$GREETING from run" > run.txt && cat a.txt',
    'COPY b.txt ./',
    'RUN cat b.txt > b-copy.txt',
    'LABEL org.example.name="demo app"',
    'EXPOSE 8080',
    'CMD ["cat", "/app/run.txt"]',
  ].join('\n') + '\n');
  writeFileSync(join(ctxDir, 'a.txt'), 'content of a\n');
  writeFileSync(join(ctxDir, 'b.txt'), 'content of b\n');
  writeFileSync(join(ctxDir, 'ignored.txt'), 'secret\n');
  writeFileSync(join(ctxDir, '.dockerignore'), 'ignored.txt\n');

  const first = await docker(['build', '-t', 'demo:1', '-t', 'demo:latest', '--build-arg', 'GREETING=hi', '.'], { cwd: ctxDir });
  assert.equal(first.code, 0, first.stderr + first.stdout);
  assert.match(first.stdout, /Step 1\/12 : ARG BASE=busybox\nStep 2\/12 : FROM busybox AS base/);
  assert.match(first.stdout, /content of a/);
  assert.match(first.stdout, /Successfully built [0-9a-f]{12}/);
  assert.match(first.stdout, /Successfully tagged demo:1/);

  const run = await d.berth(['run', '--rm', 'demo:1']);
  assert.equal(run.stdout, 'hi from run\n');
  const inspect = JSON.parse((await d.berth(['image', 'inspect', 'demo:latest'])).stdout)[0];
  assert.equal(inspect.Config.WorkingDir, '/app');
  assert.deepEqual(inspect.Config.Cmd, ['cat', '/app/run.txt']);
  assert.equal(inspect.Config.Labels['org.example.name'], 'demo app');
  assert.ok(inspect.Config.ExposedPorts['8080/tcp']);
  assert.ok(inspect.Config.Env.includes('APP_HOME=/app'));

  // fully cached: no container, no new blob, same image
  const blobs = blobCount();
  const layers = layerCount();
  const second = await docker(['build', '-t', 'demo:1', '--build-arg', 'GREETING=hi', '.'], { cwd: ctxDir });
  assert.equal(second.code, 0, second.stderr);
  assert.equal((second.stdout.match(/Using cache/g) ?? []).length, 10); // every step after FROM, metadata ones too
  assert.doesNotMatch(second.stdout, /Running in/);
  assert.equal(blobCount(), blobs);
  assert.equal(second.stdout.match(/Successfully built (\w+)/)![1], first.stdout.match(/Successfully built (\w+)/)![1]);
  assert.equal(layerCount(), layers, 'a cached rebuild writes no layer');

  // a late change: only the steps after it run
  writeFileSync(join(ctxDir, 'b.txt'), 'changed b\n');
  const third = await docker(['build', '-t', 'demo:1', '--build-arg', 'GREETING=hi', '.'], { cwd: ctxDir });
  assert.equal(third.code, 0, third.stderr);
  assert.equal((third.stdout.match(/Using cache/g) ?? []).length, 5);
  assert.equal((third.stdout.match(/Running in/g) ?? []).length, 1);
  const cat = await d.berth(['run', '--rm', 'demo:1', 'cat', '/app/b-copy.txt']);
  assert.equal(cat.stdout, 'changed b\n');
  const ign = await d.berth(['run', '--rm', 'demo:1', 'ls', '/app']);
  assert.doesNotMatch(ign.stdout, /ignored/);

  // mtime-only changes keep the cache
  const touch = new Date(Date.now() + 5000);
  const { utimesSync } = await import('node:fs');
  utimesSync(join(ctxDir, 'a.txt'), touch, touch);
  const fourth = await docker(['build', '-q', '-t', 'demo:1', '--build-arg', 'GREETING=hi', '.'], { cwd: ctxDir });
  assert.equal(fourth.code, 0, fourth.stderr);
  assert.match(fourth.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
});

test('multi-stage: target, COPY --from, unused stages skipped', async () => {
  writeFileSync(join(ctxDir, 'Dockerfile.multi'), [
    'FROM busybox AS unused',
    'RUN exit 42',
    'FROM busybox AS builder',
    'RUN mkdir /out && echo built > /out/artifact',
    'FROM busybox AS other',
    'RUN echo other > /other',
    'FROM scratch',
    'COPY --from=builder /out/artifact /artifact',
    'COPY --from=2 /other /other',
    'COPY --from=builder /bin/busybox /bin/cat',
    'ENTRYPOINT ["/bin/cat"]',
    'CMD ["/artifact"]',
  ].join('\n') + '\n');
  const r = await docker(['build', '-f', 'Dockerfile.multi', '-t', 'multi', '.'], { cwd: ctxDir });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.doesNotMatch(r.stdout, /exit 42/);
  const run = await d.berth(['run', '--rm', 'multi']);
  assert.equal(run.stdout, 'built\n');
  const t = await docker(['build', '-f', 'Dockerfile.multi', '--target', 'builder', '-t', 'multi:builder', '.'], { cwd: ctxDir });
  assert.equal(t.code, 0, t.stderr);
  assert.doesNotMatch(t.stdout, /COPY --from/);
});

test('bad input: clear errors with location, nothing half-built left', async () => {
  const imagesBefore = (await d.berth(['images', '-aq'])).stdout;
  const cases: Array<[string, RegExp]> = [
    ['FROM busybox\nRUN echo one && echo two-lines && exit 3\n', /returned a non-zero code: 3[\s\S]*Dockerfile\.bad:2[\s\S]*two-lines/],
    ['FROM busybox\nFROBNICATE x\n', /Dockerfile\.bad:2.*unknown instruction: FROBNICATE/],
    ['FROM busybox AS me\nCOPY --from=me /x /y\n', /circular dependency/],
    ['FROM busybox\nCOPY ../outside /x\n', /outside the build context/],
    ['FROM busybox\nCOPY missing.txt /x\n', /Dockerfile\.bad:2[\s\S]*file not found in build context/],
    ['FROM busybox\nENV PATH\n', /Dockerfile\.bad:2:1: ENV must have two arguments/],
    ['FROM nosuchimage:1\n', /nosuchimage/],
  ];
  for (const [text, re] of cases) {
    writeFileSync(join(ctxDir, 'Dockerfile.bad'), text);
    const r = await docker(['build', '-f', 'Dockerfile.bad', '-t', 'bad', '.'], { cwd: ctxDir });
    assert.notEqual(r.code, 0, text);
    assert.match(r.stderr + r.stdout, re, text);
  }
  assert.equal((await d.berth(['images', '-aq'])).stdout, imagesBefore);
  assert.deepEqual(mountsUnder(d.root), []);
  assert.equal(readdirSync(join(d.root, 'snapshots', 'c')).filter((n) => n.startsWith('build-')).length, 0);
  assert.equal(existsSync(join(d.root, 'tmp')) ? readdirSync(join(d.root, 'tmp')).filter((n) => n.startsWith('build')).length : 0, 0);
});
