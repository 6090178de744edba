/**
 * `berth compose watch` as users run it: up (with the build), then a changed file copied into the
 * running container, a changed build context rebuilt into a new container, Ctrl-C ending it; and a
 * project without develop sections refused before anything is created.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeHarness, until } from './up-harness.js';

const FILE = `
services:
  web:
    image: busybox
    command: sh -c 'trap "exit 0" TERM; while true; do sleep 0.2; done'
    develop:
      watch:
        - path: ./src
          action: sync
          target: /app/src
          ignore: ["*.tmp"]
  app:
    build: ./app
    command: sh -c 'trap "exit 0" TERM; while true; do sleep 0.2; done'
    develop:
      watch:
        - path: ./app
          action: rebuild
`;

test('compose watch: up, sync a change, rebuild on a context change, Ctrl-C', { timeout: 300_000 }, async (t) => {
  const h = await composeHarness(t);
  assert.equal((await h.d.api('POST', '/images/create?fromImage=busybox&tag=latest')).status, 200);
  h.write('compose.yaml', FILE);
  mkdirSync(join(h.dir, 'src'));
  mkdirSync(join(h.dir, 'app'));
  h.write('src/index.txt', 'v1\n');
  h.write('app/Dockerfile', 'FROM busybox\nCOPY msg.txt /msg.txt\n');
  h.write('app/msg.txt', 'first\n');
  const project = h.dir.split('/').pop()!.toLowerCase().replace(/[^a-z0-9_-]/g, '');

  const w = h.spawn(['watch']);
  await until(() => w.out().includes('Watch enabled') || w.child.exitCode !== null, 120_000, `Watch enabled\n${w.out()}\n${w.err()}`);
  assert.equal(w.child.exitCode, null, `watch exited: ${w.out()}\n${w.err()}`);
  const running = await h.containers(project);
  assert.deepEqual(running.map((c) => [c.Names[0], c.State]), [[`/${project}-app-1`, 'running'], [`/${project}-web-1`, 'running']]);
  const cat = async (service: string, path: string) => {
    const r = await h.compose(['exec', '-T', service, 'cat', path]);
    return r.code === 0 ? r.stdout : undefined;
  };
  assert.equal(await cat('app', '/msg.txt'), 'first\n');

  writeFileSync(join(h.dir, 'src/index.txt'), 'v2\n');
  writeFileSync(join(h.dir, 'src/skip.tmp'), 'no\n');
  await until(async () => (await cat('web', '/app/src/index.txt')) === 'v2\n', 30_000, 'the synced file');
  assert.equal(await cat('web', '/app/src/skip.tmp'), undefined);
  assert.match(w.out(), /Syncing service "web" after \d+ changes were detected/);

  const firstApp = running.find((c) => c.Names[0].endsWith('-app-1'))!.Id;
  const firstImage = (await h.d.api('GET', `/images/${project}-app/json`)).body.Id;
  assert.equal((await h.d.api('GET', `/images/${project}-app/json`)).body.Config.Labels['com.docker.compose.project'], project);
  writeFileSync(join(h.dir, 'app/msg.txt'), 'second\n');
  await until(async () => {
    const app = (await h.containers(project)).find((c) => c.Names[0] === `/${project}-app-1`);
    return !!app && app.Id !== firstApp && app.State === 'running';
  }, 120_000, `the rebuilt app container\n${w.out()}\n${w.err()}`);
  assert.equal(await cat('app', '/msg.txt'), 'second\n');
  assert.match(w.out(), /Rebuilding service\(s\) \["app"\] after changes were detected\.\.\./);
  assert.match(w.out(), /service\(s\) \["app"\] successfully built/);
  // --prune (the default): the image the rebuild replaced is gone
  await until(async () => (await h.d.api('GET', `/images/${firstImage}/json`)).status === 404, 20_000, 'the old image to be pruned');

  w.child.kill('SIGINT');
  assert.equal(await w.exited, 0);
  assert.match(w.out(), /Watch disabled\n$/);
});

test('compose watch: a project without develop sections is refused and nothing is created', { timeout: 120_000 }, async (t) => {
  const h = await composeHarness(t);
  h.write('compose.yaml', 'services:\n  web:\n    image: busybox\n');
  const r = await h.compose(['watch']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /none of the selected services is configured for watch, consider setting a 'develop' section/);
  assert.deepEqual((await h.d.api('GET', '/containers/json?all=1')).body, []);
  const bad = await h.compose(['watch', 'nope']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /no such service: nope/);
});

test('compose watch --no-up: watches what `up -d` started, creates nothing itself', { timeout: 180_000 }, async (t) => {
  const h = await composeHarness(t);
  assert.equal((await h.d.api('POST', '/images/create?fromImage=busybox&tag=latest')).status, 200);
  h.write('compose.yaml', FILE.replace(/\n  app:[\s\S]*$/, '\n'));
  mkdirSync(join(h.dir, 'src'));
  h.write('src/index.txt', 'v1\n');
  const project = h.dir.split('/').pop()!.toLowerCase().replace(/[^a-z0-9_-]/g, '');

  // nothing running: --no-up starts nothing
  const idle = h.spawn(['watch', '--no-up']);
  await until(() => idle.out().includes('Watch enabled'), 30_000, `Watch enabled\n${idle.out()}\n${idle.err()}`);
  assert.deepEqual(await h.containers(project), []);
  idle.child.kill('SIGINT');
  assert.equal(await idle.exited, 0);

  await h.ok(['up', '-d']);
  const w = h.spawn(['watch', '--no-up', 'web']);
  await until(() => w.out().includes('Watch enabled'), 30_000, `Watch enabled\n${w.out()}\n${w.err()}`);
  writeFileSync(join(h.dir, 'src/index.txt'), 'v2\n');
  await until(async () => (await h.compose(['exec', '-T', 'web', 'cat', '/app/src/index.txt'])).stdout === 'v2\n', 30_000, 'the synced file');
  w.child.kill('SIGINT');
  assert.equal(await w.exited, 0);
});
