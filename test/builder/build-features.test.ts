/**
 * Builder features beyond the basics: RUN --network=host, COPY --exclude /
 * --parents / --link, ADD of a local tar and of a URL with --checksum (served
 * from inside the daemon's network namespace), RUN --mount=type=bind from the
 * context and from a stage, builder prune with --keep-storage and until.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { writeContext } from './helpers.js';

let d: TestDaemon;
let base: string;
let server: ChildProcess | undefined;
const PORT = 18080;
const PAYLOAD = 'payload served over http\n';

/** A tiny HTTP file server inside the daemon's network namespace (loopback only). */
async function startServer(dir: string): Promise<ChildProcess> {
  const js = `const fs=require('fs'),p=require('path');require('http').createServer((q,s)=>{fs.readFile(p.join(${JSON.stringify(dir)},p.normalize(q.url)),(e,b)=>{if(e){s.writeHead(404);s.end()}else s.end(b)})}).listen(${PORT},'127.0.0.1',()=>console.log('ready'))`;
  const child = spawn('nsenter', [`--net=/run/netns/${d.netns}`, process.execPath, '-e', js], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('http server did not start')), 15_000);
    child.stdout!.on('data', (b) => { if (String(b).includes('ready')) { clearTimeout(timer); resolve(); } });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`http server exited ${code}`)); });
  });
  return child;
}

const context = (name: string, files: Record<string, string>): string => writeContext(base, name, files);

async function build(dir: string, tag: string, extra: string[] = []) {
  const r = await d.berth(['build', ...extra, '-t', tag, dir], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return r;
}

const runIn = async (image: string, script: string) => (await d.berth(['run', '--rm', image, 'sh', '-c', script])).stdout;

before(async () => {
  d = await startDaemon();
  base = mkdtempSync(join(tmpdir(), 'berth-build-feat-'));
  const www = join(base, 'www');
  mkdirSync(www);
  writeFileSync(join(www, 'payload.txt'), PAYLOAD);
  server = await startServer(www);
});
after(async () => {
  if (server?.pid && server.exitCode === null) server.kill('SIGKILL');
  await d?.cleanup();
  if (base) rmSync(base, { recursive: true, force: true });
});

test('RUN --network=host reaches the daemon namespace; the default network is none', async () => {
  const dir = context('net', {
    Dockerfile: [
      'FROM busybox',
      `RUN --network=host wget -q -O /fetched http://127.0.0.1:${PORT}/payload.txt`,
      `RUN (wget -q -T 2 -O /none http://127.0.0.1:${PORT}/payload.txt && echo reachable || echo unreachable) > /default-net`,
    ].join('\n') + '\n',
  });
  await build(dir, 'feat:net');
  assert.equal(await runIn('feat:net', 'cat /fetched /default-net'), PAYLOAD + 'unreachable\n');
});

test('ADD of a URL checks --checksum; ADD of a local tar extracts it', async () => {
  const sum = createHash('sha256').update(PAYLOAD).digest('hex');
  const tarSrc = join(base, 'tarsrc');
  mkdirSync(join(tarSrc, 'inner'), { recursive: true });
  writeFileSync(join(tarSrc, 'inner', 'from-tar.txt'), 'inside the tar\n');
  const dir = context('add', {
    Dockerfile: [
      'FROM busybox',
      `ADD --checksum=sha256:${sum} http://127.0.0.1:${PORT}/payload.txt /dl/`,
      'ADD bundle.tar.gz /unpacked/',
      'COPY bundle.tar.gz /kept/',
    ].join('\n') + '\n',
  });
  const tar = spawnSync('tar', ['-C', tarSrc, '-czf', join(dir, 'bundle.tar.gz'), 'inner']);
  assert.equal(tar.status, 0, String(tar.stderr));
  await build(dir, 'feat:add');
  assert.equal(await runIn('feat:add', 'cat /dl/payload.txt /unpacked/inner/from-tar.txt; ls /kept'), PAYLOAD + 'inside the tar\nbundle.tar.gz\n');

  const bad = context('add-bad', {
    Dockerfile: `FROM busybox\nADD --checksum=sha256:${'0'.repeat(64)} http://127.0.0.1:${PORT}/payload.txt /dl/\n`,
  });
  const r = await d.berth(['build', '-t', 'feat:bad', bad], { timeoutMs: 60_000 });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /digest mismatch/);
  assert.equal((await d.berth(['image', 'inspect', 'feat:bad'])).code, 1);
});

test('COPY --exclude, --parents and --link', async () => {
  const dir = context('copy', {
    Dockerfile: [
      'FROM busybox',
      'COPY --exclude=*.log --exclude=tmp app /app/',
      'COPY --parents src/*/main.txt /tree/',
      'COPY --link app/keep.txt /linked/keep.txt',
    ].join('\n') + '\n',
    'app/keep.txt': 'keep\n',
    'app/debug.log': 'noise\n',
    'app/tmp/x': 'tmp\n',
    'app/sub/also.txt': 'also\n',
    'src/a/main.txt': 'a\n',
    'src/b/main.txt': 'b\n',
    'src/b/other.txt': 'other\n',
  });
  await build(dir, 'feat:copy');
  assert.equal(await runIn('feat:copy', 'cd /app && find . | sort; cd /tree && find . | sort; cat /linked/keep.txt'), [
    '.', './keep.txt', './sub', './sub/also.txt',
    '.', './src', './src/a', './src/a/main.txt', './src/b', './src/b/main.txt',
    'keep', '',
  ].join('\n'));
});

test('RUN --mount=type=bind from the context and from a stage; nothing of it lands in the layer', async () => {
  const dir = context('bind', {
    Dockerfile: [
      'FROM busybox AS tools',
      'RUN echo tool > /tool.txt',
      'FROM busybox',
      'RUN --mount=type=bind,source=data,target=/d cat /d/x.txt > /got-ctx',
      'RUN --mount=type=bind,from=tools,source=/,target=/t cat /t/tool.txt > /got-stage',
    ].join('\n') + '\n',
    'data/x.txt': 'from context\n',
  });
  await build(dir, 'feat:bind');
  assert.equal(await runIn('feat:bind', 'cat /got-ctx /got-stage; test -e /d || echo no-d; test -e /t || echo no-t; test -e /tool.txt || echo no-tool'),
    'from context\ntool\nno-d\nno-t\nno-tool\n');
  // the bound context files are part of the step's key
  writeFileSync(join(dir, 'data', 'x.txt'), 'changed\n');
  const again = await build(dir, 'feat:bind');
  assert.match(again.stdout, /Running in/);
  assert.equal(await runIn('feat:bind', 'cat /got-ctx'), 'changed\n');
});

test('COPY --link: a changed base reuses the linked layer and only links it on top', async () => {
  const dir = context('link', {
    Dockerfile: [
      'FROM busybox',
      'ARG V=1',
      'RUN echo "base $V" > /base.txt && echo "app:x:1234:4321::/:/bin/sh" >> /etc/passwd',
      'COPY --link --chown=app big.txt /data/big.txt',
      'COPY --link --from=busybox /bin/busybox /tools/busybox',
      '',
    ].join('\n'),
    'big.txt': 'x'.repeat(300_000),
  });
  const first = await build(dir, 'feat:link', ['--build-arg', 'V=1']);
  assert.doesNotMatch(first.stdout, /Using cache/);
  // a new base: RUN runs again, both COPY --link steps take their layer from the cache
  const second = await build(dir, 'feat:link2', ['--build-arg', 'V=2']);
  assert.match(second.stdout, /Running in/);
  assert.equal(second.stdout.match(/Using cache \(linked layer\)/g)?.length, 2, second.stdout);
  assert.equal(await runIn('feat:link2', 'cat /base.txt; stat -c "%u:%g %s" /data/big.txt; /tools/busybox true && echo bb'), 'base 2\n1234:4321 300000\nbb\n');
  const layers = async (tag: string) => JSON.parse((await d.berth(['image', 'inspect', tag])).stdout)[0].RootFS.Layers as string[];
  const [l1, l2] = [await layers('feat:link'), await layers('feat:link2')];
  assert.notEqual(l1.at(-3), l2.at(-3), 'the RUN layers differ');
  assert.deepEqual(l1.slice(-2), l2.slice(-2), 'the linked layers are the same diffs');
  // unchanged: a plain cache hit
  assert.doesNotMatch((await build(dir, 'feat:link2', ['--build-arg', 'V=2'])).stdout, /Running in|linked layer/);
});

test('builder prune --filter until and --keep-storage', async () => {
  const old = context('prune-old', { Dockerfile: 'FROM busybox\nRUN dd if=/dev/zero of=/big bs=1024 count=2048 2>/dev/null\n' });
  const recent = context('prune-new', { Dockerfile: 'FROM busybox\nRUN echo small > /small\n' });
  await build(old, 'prune:old');
  await new Promise((r) => setTimeout(r, 20)); // two distinct millisecond stamps
  const cut = Date.now();
  await new Promise((r) => setTimeout(r, 20));
  await build(recent, 'prune:new');

  // until=<time>: only entries last used before it go
  const p1 = await d.berth(['builder', 'prune', '-f', '--filter', `until=${(cut / 1000).toFixed(3)}`]);
  assert.equal(p1.code, 0, p1.stderr);
  assert.match(p1.stdout, /Deleted build cache objects:/);
  assert.match((await build(recent, 'prune:new')).stdout, /Using cache/);
  assert.match((await build(old, 'prune:old')).stdout, /Running in/);

  // --keep-storage: least recently used first until the rest fits (recent is used last)
  await build(recent, 'prune:new');
  const keepAll = await d.berth(['builder', 'prune', '-f', '--keep-storage', '1GB']);
  assert.equal(keepAll.code, 0, keepAll.stderr);
  assert.doesNotMatch(keepAll.stdout, /Deleted build cache objects/);
  const p2 = await d.berth(['builder', 'prune', '-f', '--keep-storage', '1MB']);
  assert.equal(p2.code, 0, p2.stderr);
  assert.match(p2.stdout, /Deleted build cache objects:/);
  assert.match((await build(recent, 'prune:new')).stdout, /Using cache/);
  assert.match((await build(old, 'prune:old')).stdout, /Running in/);
});
