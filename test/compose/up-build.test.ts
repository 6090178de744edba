/**
 * up with `build:` services: the image built when missing (named <project>-<service>), not again when
 * present, again with --build; a rebuilt image recreates the container (com.docker.compose.image);
 * `down --rmi local` removes the built image. Also --pull never with a missing image.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { composeHarness } from './up-harness.js';

test('build: services built when missing or with --build, recreated on a new image; down --rmi local', { timeout: 240_000 }, async (t) => {
  const h = await composeHarness(t);
  mkdirSync(join(h.dir, 'app'));
  h.write('app/Dockerfile', 'FROM busybox\nRUN echo one > /version\nCMD ["sh", "-c", "trap \\"exit 0\\" TERM; while true; do sleep 0.2; done"]\n');
  h.write('compose.yaml', `name: bld
services:
  app:
    build: ./app
    network_mode: none
`);
  const first = await h.ok(['up', '-d']);
  assert.ok(first.stderr.includes(' Container bld-app-1  Started\n'), first.stderr);
  const c1 = await h.inspect('bld-app-1');
  assert.equal(c1.Config.Image, 'bld-app');
  assert.equal((await h.d.ok(['exec', 'bld-app-1', 'cat', '/version'])).trim(), 'one');
  assert.equal(c1.Config.Labels['com.docker.compose.image'], (await h.d.api('GET', '/images/bld-app/json')).body.Id);

  // present: not built again, nothing recreated
  const again = await h.ok(['up', '-d']);
  assert.ok(!/Building|Built/.test(again.stderr), again.stderr);
  assert.equal((await h.inspect('bld-app-1')).Id, c1.Id);

  // --build with a changed Dockerfile: a new image, the container recreated from it
  h.write('app/Dockerfile', 'FROM busybox\nRUN echo two > /version\nCMD ["sh", "-c", "trap \\"exit 0\\" TERM; while true; do sleep 0.2; done"]\n');
  const rebuilt = await h.ok(['up', '-d', '--build']);
  assert.ok(rebuilt.stderr.includes(' Container bld-app-1  Recreated\n'), rebuilt.stderr);
  assert.equal((await h.d.ok(['exec', 'bld-app-1', 'cat', '/version'])).trim(), 'two');

  const down = await h.ok(['down', '--rmi', 'local']);
  assert.ok(down.stderr.includes(' Image bld-app  Removed\n'), down.stderr);
  assert.equal((await h.d.api('GET', '/images/bld-app/json')).status, 404);

  // --pull never and an image that is not there: the create fails (compose v2 does not pull then)
  h.write('compose.yaml', `name: bld
services:
  other:
    image: busybox:no-such-tag
    network_mode: none
`);
  const never = await h.compose(['up', '-d', '--pull', 'never']);
  assert.equal(never.code, 1);
  assert.match(never.stderr, /No such image|not found/i);
  assert.match((await h.compose(['up', '-d', '--pull', 'sometimes'])).stderr, /invalid --pull option "sometimes"/);
});
