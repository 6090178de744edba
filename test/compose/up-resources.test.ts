/**
 * External networks and volumes (checked, used, never removed), --wait-timeout, `logs -f` ending with its
 * containers, and --progress quiet, through the CLI and a real `berth serve`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeHarness, until } from './up-harness.js';

const loop = (msg: string) => JSON.stringify(`sh -c 'trap "exit 0" TERM; echo ${msg}; while true; do sleep 0.2; done'`);

test('external resources, --wait-timeout, logs -f, --progress quiet', { timeout: 180_000 }, async (t) => {
  const h = await composeHarness(t);
  const file = `name: ext
services:
  app:
    image: busybox
    command: ${loop('app')}
    networks: [shared]
    volumes: [keep:/keep]
networks:
  shared:
    external: true
    name: outside-net
volumes:
  keep:
    external: true
    name: outside-vol
`;
  h.write('compose.yaml', file);
  const missing = await h.compose(['up', '-d']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /network outside-net declared as external, but could not be found/);
  assert.deepEqual(await h.containers('ext'), [], 'nothing created');

  assert.equal((await h.d.api('POST', '/networks/create', { Name: 'outside-net' })).status, 201);
  const noVolume = await h.compose(['up', '-d']);
  assert.equal(noVolume.code, 1);
  assert.match(noVolume.stderr, /external volume "outside-vol" not found/);

  assert.equal((await h.d.api('POST', '/volumes/create', { Name: 'outside-vol' })).status, 201);
  const quiet = await h.ok(['--progress', 'quiet', 'up', '-d']);
  assert.equal(quiet.stderr, '');
  const app = await h.inspect('ext-app-1');
  assert.ok(app.NetworkSettings.Networks['outside-net']);
  assert.ok(app.Mounts.some((m: any) => m.Name === 'outside-vol' && m.Destination === '/keep'));

  // logs -f follows until the containers stop
  const follow = h.spawn(['logs', '-f', '--no-color']);
  await until(() => follow.out().includes('app-1  | app'), 15_000, `logs -f output; got ${follow.out()} ${follow.err()}`);
  await h.ok(['stop']);
  const code = await Promise.race([follow.exited, new Promise<number>((_, rej) => setTimeout(() => rej(new Error('logs -f did not end')), 20_000))]);
  assert.equal(code, 0, follow.err());

  // down leaves what is external alone
  const down = await h.ok(['down', '-v']);
  assert.ok(!/outside-net|outside-vol/.test(down.stderr), down.stderr);
  assert.equal((await h.d.api('GET', '/networks/outside-net')).status, 200);
  assert.equal((await h.d.api('GET', '/volumes/outside-vol')).status, 200);

  // --wait-timeout: compose's message naming the time waited
  h.write('compose.yaml', `name: slow
services:
  slow:
    image: busybox
    command: ${loop('slow')}
    network_mode: none
    healthcheck:
      test: ["CMD", "false"]
      interval: 30s
      start_period: 60s
`);
  const slow = await h.compose(['up', '-d', '--wait', '--wait-timeout', '2']);
  assert.equal(slow.code, 1, slow.stderr);
  assert.match(slow.stderr, /application not healthy after 2s/);
  await h.ok(['down', '-t', '0']);
});
