/**
 * Dependencies beyond the order: `restart: true` (a restarted or recreated dependency restarts its
 * dependants), `network_mode: service:x` following a recreated x, `--no-deps`, and a network whose
 * definition changed (made again, its containers recreated on it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeHarness } from './up-harness.js';

const loop = (msg: string) => JSON.stringify(`sh -c 'trap "exit 0" TERM; echo ${msg}; while true; do sleep 0.2; done'`);

function file(dbEnv: string, netLabel: string): string {
  return `name: deps
services:
  db:
    image: busybox
    command: ${loop('db')}
    environment:
      V: ${dbEnv}
  app:
    image: busybox
    command: ${loop('app')}
    depends_on:
      db: {condition: service_started, restart: true}
  other:
    image: busybox
    command: ${loop('other')}
    depends_on: [db]
  sidecar:
    image: busybox
    command: ${loop('sidecar')}
    network_mode: service:db
networks:
  default:
    labels:
      tag: ${netLabel}
`;
}

test('restart: true, service: namespaces after a recreate, --no-deps, a changed network', { timeout: 180_000 }, async (t) => {
  const h = await composeHarness(t);
  h.write('compose.yaml', file('1', 'a'));
  await h.ok(['up', '-d']);
  const state = async () => Object.fromEntries(await Promise.all(['db', 'app', 'other', 'sidecar'].map(async (s) => {
    const c = await h.inspect(`deps-${s}-1`);
    return [s, { id: c.Id as string, started: c.State.StartedAt as string, running: c.State.Running as boolean, net: c.HostConfig.NetworkMode as string }];
  })));
  const s0 = await state();
  assert.equal(s0.sidecar.net, `container:${s0.db.id}`);

  // `restart db`: app (restart: true) restarts with it, other does not
  const r = await h.ok(['restart', 'db']);
  assert.ok(r.stderr.includes(' Container deps-app-1  Restarting\n'), r.stderr);
  const s1 = await state();
  assert.notEqual(s1.db.started, s0.db.started);
  assert.notEqual(s1.app.started, s0.app.started);
  assert.equal(s1.other.started, s0.other.started);

  // db's config changes: db recreated; app stopped and started again (same container); other untouched;
  // the sidecar in db's network namespace is recreated onto the new db
  h.write('compose.yaml', file('2', 'a'));
  const up = await h.ok(['up', '-d']);
  const s2 = await state();
  assert.notEqual(s2.db.id, s1.db.id);
  assert.equal(s2.app.id, s1.app.id);
  assert.notEqual(s2.app.started, s1.app.started, `app restarted\n${up.stderr}`);
  assert.ok(s2.app.running);
  assert.equal(s2.other.id, s1.other.id);
  assert.equal(s2.other.started, s1.other.started);
  assert.notEqual(s2.sidecar.id, s1.sidecar.id);
  assert.equal(s2.sidecar.net, `container:${s2.db.id}`);
  assert.ok(s2.sidecar.running);

  // --no-deps: only the named service, its dependency left alone
  await h.ok(['stop', 'db']);
  await h.ok(['up', '-d', '--no-deps', '--force-recreate', 'other']);
  assert.equal((await h.inspect('deps-db-1')).State.Running, false);
  assert.equal((await h.inspect('deps-other-1')).State.Running, true);

  // the default network's definition changes: made again, every container on it recreated onto it
  h.write('compose.yaml', file('2', 'b'));
  const net = await h.ok(['up', '-d']);
  assert.ok(net.stderr.includes(' Network deps_default  Removed\n') && net.stderr.includes(' Network deps_default  Created\n'), net.stderr);
  const n = (await h.d.api('GET', '/networks/deps_default')).body;
  assert.equal(n.Labels.tag, 'b');
  for (const s of ['db', 'app', 'other']) {
    const c = await h.inspect(`deps-${s}-1`);
    assert.ok(c.State.Running, `${s} running`);
    assert.equal(c.NetworkSettings.Networks.deps_default?.NetworkID, n.Id, `${s} on the new network`);
  }
  await h.ok(['down', '-t', '1']);
});
