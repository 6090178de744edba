/**
 * `berth build` options and image config as Docker's: secrets (never in a layer, the history or
 * the key), --cache-from an image, FROM pulled from a registry and --pull, several -t and --label,
 * every config instruction, proxy build args kept out of the history, Dockerfile.dockerignore,
 * independent stages running at the same time, heredoc contents in the cache key.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { writeContext } from './helpers.js';
import { serveRegistry, type Peer } from '../registry/peers.js';

let d: TestDaemon;
let base: string;
const peers: Peer[] = [];

before(async () => {
  d = await startDaemon();
  base = mkdtempSync(join(tmpdir(), 'berth-build-opts-'));
});
after(async () => {
  for (const p of peers) p.stop();
  await d?.cleanup();
  if (base) rmSync(base, { recursive: true, force: true });
});

const context = (name: string, files: Record<string, string>): string => writeContext(base, name, files);

async function build(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const r = await d.berth(['build', ...args], { timeoutMs: 180_000, ...opts });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return r;
}

const ok = async (args: string[]) => {
  const r = await d.berth(args, { timeoutMs: 120_000 });
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const inspect = async (ref: string) => JSON.parse(await ok(['image', 'inspect', ref]))[0];

test('secrets: readable in RUN, never in the image, the history or the cache key', async () => {
  const file = join(base, 'token.txt');
  writeFileSync(file, 's3cr3t-from-file');
  const dir = context('secrets', {
    Dockerfile: [
      'FROM busybox',
      'RUN --mount=type=secret,id=tok --mount=type=secret,id=envtok,target=/etc/envtok,required=true cat /run/secrets/tok /etc/envtok | wc -c > /len && ls /run/secrets > /listing',
      '',
    ].join('\n'),
  });
  const args = ['--secret', `id=tok,src=${file}`, '--secret', 'id=envtok,env=MY_TOKEN', '-t', 'opts:secret', dir];
  const first = await build(args, { env: { MY_TOKEN: 'env-value-42' } });
  assert.doesNotMatch(first.stdout, /s3cr3t|env-value-42/);
  const run = await ok(['run', '--rm', 'opts:secret', 'sh', '-c', 'cat /len /listing; test -e /run/secrets/tok || echo gone; test -e /etc/envtok || echo gone2']);
  assert.equal(run, `${'s3cr3t-from-file'.length + 'env-value-42'.length}\ntok\ngone\ngone2\n`);
  const saved = join(base, 'secret.tar');
  await ok(['save', '-o', saved, 'opts:secret']);
  const { readFileSync } = await import('node:fs');
  const { gunzipSync } = await import('node:zlib');
  const tarText = readFileSync(saved).toString('latin1');
  assert.ok(!tarText.includes('s3cr3t') && !tarText.includes('env-value-42'), 'no secret in the saved image');
  for (const m of tarText.matchAll(/\x1f\x8b\x08/g)) {
    try { assert.ok(!gunzipSync(readFileSync(saved).subarray(m.index!)).toString('latin1').includes('s3cr3t')); } catch (e) { if ((e as Error).name === 'AssertionError') throw e; }
  }
  assert.doesNotMatch(await ok(['history', '--no-trunc', 'opts:secret']), /s3cr3t|env-value-42/);
  // another secret value: the step stays cached (its key has the mount, not the value)
  writeFileSync(file, 'another-value');
  assert.match((await build(args, { env: { MY_TOKEN: 'x' } })).stdout, /Using cache/);

  // a required secret that is missing, and bad --secret flags
  const missing = await d.berth(['build', '--secret', `id=tok,src=${file}`, dir], { timeoutMs: 60_000, env: {} });
  assert.notEqual(missing.code, 0);
  const noCache = await d.berth(['build', '--no-cache', '--secret', `id=tok,src=${file}`, dir], { timeoutMs: 60_000 });
  assert.notEqual(noCache.code, 0);
  assert.match(noCache.stderr, /secret envtok not found/);
  const bad = await d.berth(['build', '--secret', 'tok', dir]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /invalid secret "tok"/);
  const unreadable = await d.berth(['build', '--secret', `id=x,src=${join(base, 'nope')}`, dir]);
  assert.match(unreadable.stderr, /secret x: cannot read .*ENOENT/);
});

test('--cache-from an image: matching steps come from its layers, changed content runs', async () => {
  const dir = context('cache-from', {
    Dockerfile: 'FROM busybox\nCOPY a.txt /a.txt\nRUN cat /a.txt > /b.txt && date +%s%N > /stamp\nCMD ["cat", "/b.txt"]\n',
    'a.txt': 'one\n',
  });
  await build(['-t', 'opts:cf-src', dir]);
  const src = await inspect('opts:cf-src');
  await ok(['builder', 'prune', '-a', '-f']);
  // the local cache is gone: without --cache-from the steps run again
  const plain = await build(['-t', 'opts:cf-plain', dir]);
  assert.match(plain.stdout, /Running in/);
  await ok(['rmi', 'opts:cf-plain']); // else its image, of the same steps, would be the answer
  await ok(['builder', 'prune', '-a', '-f']);
  const from = await build(['--cache-from', 'opts:cf-src', '-t', 'opts:cf-hit', dir]);
  assert.equal(from.stdout.match(/Using cache \(from --cache-from\)/g)?.length, 2, from.stdout);
  assert.doesNotMatch(from.stdout, /Running in/);
  const hit = await inspect('opts:cf-hit');
  assert.deepEqual(hit.RootFS.Layers, src.RootFS.Layers);
  assert.equal(await ok(['run', '--rm', 'opts:cf-src', 'cat', '/stamp']), await ok(['run', '--rm', 'opts:cf-hit', 'cat', '/stamp']));
  // other content under the same instruction: the COPY and everything after it runs
  writeFileSync(join(dir, 'a.txt'), 'two\n');
  await ok(['builder', 'prune', '-a', '-f']);
  const changed = await build(['--cache-from', 'opts:cf-src', '-t', 'opts:cf-changed', dir]);
  assert.doesNotMatch(changed.stdout, /from --cache-from/);
  assert.equal(await ok(['run', '--rm', 'opts:cf-changed']), 'two\n');
  assert.match(await ok(['history', '--no-trunc', 'opts:cf-changed']), /COPY file:[0-9a-f]{64} in \/a\.txt/);
});

test('FROM pulls a missing base image from a registry; --pull takes the newer one', async () => {
  const addr = '127.0.0.1:15731';
  peers.push(await serveRegistry(d.netns, join(base, 'registry'), addr));
  const repo = `${addr}/base/img`;
  await build(['-t', `${repo}:1`, '-'], { input: 'FROM busybox\nRUN echo v1 > /version\n' });
  await ok(['push', `${repo}:1`]);
  await ok(['rmi', `${repo}:1`]);
  const dir = context('pull-base', { Dockerfile: `FROM ${repo}:1\nRUN cat /version > /seen\n` });
  const pulled = await build(['-t', 'opts:pulled', dir]);
  assert.match(pulled.stdout, /Pulling from/);
  assert.match(pulled.stdout, /Status: Downloaded newer image for 127\.0\.0\.1:15731\/base\/img:1/);
  assert.equal(await ok(['run', '--rm', 'opts:pulled', 'cat', '/seen']), 'v1\n');

  // a new v1 in the registry: a plain build keeps the local one, --pull takes the new one
  const v2 = (await build(['-q', '-t', `${repo}:1`, '-'], { input: 'FROM busybox\nRUN echo v2 > /version\n' })).stdout.trim();
  await ok(['push', `${repo}:1`]);
  await ok(['rmi', '-f', v2]);
  await build(['-t', `${repo}:1`, '-'], { input: 'FROM busybox\nRUN echo v1 > /version\n' });
  assert.equal(await ok(['run', '--rm', (await build(['-q', dir])).stdout.trim(), 'cat', '/seen']), 'v1\n');
  const refreshed = await build(['--pull', '-t', 'opts:refreshed', dir]);
  assert.match(refreshed.stdout, /Status: Downloaded newer image/);
  assert.equal(await ok(['run', '--rm', 'opts:refreshed', 'cat', '/seen']), 'v2\n');

  // an image no registry has: a clear error with the location
  const missing = await d.berth(['build', '-'], { input: `FROM ${addr}/no/such:1\n`, timeoutMs: 60_000 });
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /Dockerfile:1: pull access denied for 127\.0\.0\.1:15731\/no\/such:1/);
});

test('image config from every instruction, several tags, labels and proxy args as Docker', async () => {
  const dir = context('config', {
    Dockerfile: [
      'FROM busybox',
      'MAINTAINER someone@example.com',
      'LABEL org.example.a="one" b=two',
      'ENV APP=/srv/app PATH=/srv/app/bin:$PATH',
      'WORKDIR $APP',
      'EXPOSE 8080/tcp 53/udp',
      'VOLUME ["/data", "/logs"]',
      'USER 1000:1000',
      'SHELL ["/bin/sh", "-ec"]',
      'HEALTHCHECK --interval=5s --timeout=2s --start-period=1s --retries=4 CMD ["true"]',
      'STOPSIGNAL SIGINT',
      'ONBUILD RUN echo child',
      'RUN echo "proxy=$HTTP_PROXY" > /tmp/proxy-seen',
      'ENTRYPOINT ["/bin/sh", "-c"]',
      'CMD ["echo hi"]',
      '',
    ].join('\n'),
  });
  await build(['-t', 'opts:cfg', '-t', 'opts:cfg2', '--label', 'from.cli=yes', '--build-arg', 'HTTP_PROXY=http://proxy.invalid:3128', dir]);
  const img = await inspect('opts:cfg');
  assert.deepEqual(img.RepoTags.sort(), ['opts:cfg', 'opts:cfg2']);
  const c = img.Config;
  assert.equal(img.Author, 'someone@example.com');
  assert.deepEqual(c.Labels, { 'org.example.a': 'one', b: 'two', 'from.cli': 'yes' });
  assert.ok(c.Env.includes('APP=/srv/app'));
  assert.ok(c.Env.some((e: string) => e.startsWith('PATH=/srv/app/bin:/usr/local/sbin')), c.Env.join(' '));
  assert.equal(c.WorkingDir, '/srv/app');
  assert.deepEqual(c.ExposedPorts, { '8080/tcp': {}, '53/udp': {} });
  assert.deepEqual(c.Volumes, { '/data': {}, '/logs': {} });
  assert.equal(c.User, '1000:1000');
  assert.deepEqual(c.Shell, ['/bin/sh', '-ec']);
  assert.deepEqual(c.Healthcheck, { Test: ['CMD', 'true'], Interval: 5e9, Timeout: 2e9, StartPeriod: 1e9, Retries: 4 });
  assert.equal(c.StopSignal, 'SIGINT');
  assert.deepEqual(c.OnBuild, ['RUN echo child']);
  assert.deepEqual(c.Entrypoint, ['/bin/sh', '-c']);
  assert.deepEqual(c.Cmd, ['echo hi']);
  // the proxy reached RUN but, undeclared, stays out of the history (Docker's rule)
  assert.equal(await ok(['run', '--rm', '--entrypoint', 'cat', 'opts:cfg', '/tmp/proxy-seen']), 'proxy=http://proxy.invalid:3128\n');
  assert.doesNotMatch(await ok(['history', '--no-trunc', 'opts:cfg']), /proxy\.invalid/);
});

test('Dockerfile.dockerignore wins over .dockerignore; heredoc contents are part of the key', async () => {
  const dir = context('ignore', {
    'build.Dockerfile': 'FROM busybox\nCOPY . /ctx/\nCOPY <<EOF /doc.txt\nfirst\nEOF\n',
    'build.Dockerfile.dockerignore': 'secret.env\n',
    '.dockerignore': 'keep.txt\n',
    'secret.env': 'X=1\n',
    'keep.txt': 'kept\n',
  });
  await build(['-f', join(dir, 'build.Dockerfile'), '-t', 'opts:ign', dir]);
  assert.equal(await ok(['run', '--rm', 'opts:ign', 'sh', '-c', 'ls -A /ctx | sort | tr "\\n" " "; cat /doc.txt']), '.dockerignore build.Dockerfile build.Dockerfile.dockerignore keep.txt first\n');
  writeFileSync(join(dir, 'build.Dockerfile'), 'FROM busybox\nCOPY . /ctx/\nCOPY <<EOF /doc.txt\nsecond\nEOF\n');
  await build(['-f', join(dir, 'build.Dockerfile'), '-t', 'opts:ign2', dir]);
  assert.equal(await ok(['run', '--rm', 'opts:ign2', 'cat', '/doc.txt']), 'second\n');
});

test('independent stages run at the same time', async () => {
  // each stage waits (bounded) for the other's mark in a shared cache mount: only concurrent stages finish both
  const wait = (mine: string, other: string) =>
    `RUN --mount=type=cache,id=rendezvous,target=/sync,sharing=shared touch /sync/${mine}-$NONCE && i=0; while [ ! -e /sync/${other}-$NONCE ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; test -e /sync/${other}-$NONCE && echo met > /${mine}`;
  const dir = context('parallel', {
    Dockerfile: [
      'FROM busybox AS left', `ARG NONCE`, wait('left', 'right'),
      'FROM busybox AS right', `ARG NONCE`, wait('right', 'left'),
      'FROM busybox', 'COPY --from=left /left /left', 'COPY --from=right /right /right', '',
    ].join('\n'),
  });
  await build(['--build-arg', `NONCE=${Date.now()}`, '-t', 'opts:par', dir]);
  assert.equal(await ok(['run', '--rm', 'opts:par', 'cat', '/left', '/right']), 'met\nmet\n');
});
