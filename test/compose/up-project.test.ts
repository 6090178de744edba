/**
 * `berth compose up` on a real multi-service project through a real `berth serve`: a healthcheck-gated
 * database, a one-shot init job (service_completed_successfully), a named volume, two networks with an
 * alias; then a recreate after a config change, --scale, orphans and `down -v`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeHarness } from './up-harness.js';

const LOOP = `sh -c 'trap "exit 0" TERM; while true; do sleep 0.2; done'`;

function projectFile(webGreeting: string, withProxy = true): string {
  return `name: proj
services:
  db:
    image: busybox
    command: sh -c 'trap "exit 0" TERM; sleep 0.5; touch /tmp/ready; echo db ready; while true; do sleep 0.2; done'
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 300ms
      retries: 30
    volumes:
      - data:/data
    networks:
      back:
        aliases: [database]
  init:
    image: busybox
    command: sh -c 'echo seeded > /data/seed'
    volumes:
      - data:/data
    network_mode: none
    depends_on:
      db:
        condition: service_healthy
  web:
    image: busybox
    command: ${JSON.stringify(LOOP)}
    environment:
      GREETING: ${webGreeting}
    depends_on:
      db:
        condition: service_healthy
      init:
        condition: service_completed_successfully
    networks: [front, back]
${withProxy ? `  proxy:
    image: busybox
    command: ${JSON.stringify(LOOP)}
    networks: [front]
    depends_on: [web]
` : ''}volumes:
  data: {}
networks:
  front: {}
  back: {}
`;
}

const startedAt = (c: any) => Date.parse(c.State.StartedAt);

test('up -d --wait: dependency order, health and completion gates, volume, networks with aliases; recreate, scale, orphans, down -v', { timeout: 240_000 }, async (t) => {
  const h = await composeHarness(t);
  h.write('compose.yaml', projectFile('hello'));

  const up = await h.ok(['up', '-d', '--wait']);
  for (const line of [
    ' Network proj_front  Creating', ' Network proj_front  Created', ' Network proj_back  Created',
    ' Volume "proj_data"  Creating', ' Volume "proj_data"  Created',
    ' Container proj-db-1  Creating', ' Container proj-db-1  Created', ' Container proj-db-1  Started',
    ' Container proj-db-1  Healthy', ' Container proj-init-1  Exited', ' Container proj-web-1  Started', ' Container proj-proxy-1  Started',
  ]) assert.ok(up.stderr.includes(`${line}\n`), `missing "${line}" in:\n${up.stderr}`);

  const list = await h.containers('proj');
  assert.deepEqual(list.map((c) => `${c.Names[0]} ${c.State}`), ['/proj-db-1 running', '/proj-init-1 exited', '/proj-proxy-1 running', '/proj-web-1 running']);
  const [db, init, web, proxy] = await Promise.all(['proj-db-1', 'proj-init-1', 'proj-web-1', 'proj-proxy-1'].map((n) => h.inspect(n)));
  assert.equal(init.State.ExitCode, 0);
  assert.equal(db.State.Health.Status, 'healthy');
  // depends_on order: init after db was healthy, web after init completed, proxy after web
  assert.ok(startedAt(init) >= startedAt(db) + 400, 'init waited for db to become healthy');
  assert.ok(startedAt(web) >= Date.parse(init.State.FinishedAt), 'web waited for init to complete');
  assert.ok(startedAt(proxy) >= startedAt(web), 'proxy after web');
  assert.equal(web.Config.Labels['com.docker.compose.depends_on'].split(',').sort().join(','), 'db:service_healthy:false,init:service_completed_successfully:false');

  // the named volume is shared, the alias resolves on the shared network, the other network is separate
  assert.equal((await h.d.ok(['exec', 'proj-db-1', 'cat', '/data/seed'])).trim(), 'seeded');
  assert.equal((await h.d.berth(['exec', 'proj-web-1', 'nslookup', 'database'])).code, 0);
  assert.notEqual((await h.d.berth(['exec', 'proj-proxy-1', 'nslookup', 'database'])).code, 0, 'proxy is not on the back network');
  assert.equal((await h.d.berth(['exec', 'proj-proxy-1', 'nslookup', 'web'])).code, 0, 'web resolves on the front network');

  // a no-op up leaves everything as it is
  const again = await h.ok(['up', '-d']);
  assert.ok(again.stderr.includes(' Container proj-db-1  Running\n'), again.stderr);
  assert.ok(!/Recreate|Creating/.test(again.stderr), again.stderr);

  // a config change recreates only the changed service; unchanged services keep their containers
  h.write('compose.yaml', projectFile('changed'));
  const re = await h.ok(['up', '-d', '--wait']);
  assert.ok(re.stderr.includes(' Container proj-web-1  Recreate\n') && re.stderr.includes(' Container proj-web-1  Recreated\n'), re.stderr);
  const after = await Promise.all(['proj-db-1', 'proj-web-1', 'proj-proxy-1'].map((n) => h.inspect(n)));
  assert.equal(after[0].Id, db.Id, 'db kept');
  assert.notEqual(after[1].Id, web.Id, 'web recreated');
  assert.equal(after[2].Id, proxy.Id, 'proxy kept');
  assert.ok(after[1].Config.Env.includes('GREETING=changed'));
  assert.equal(after[1].Config.Labels['com.docker.compose.replace'], 'web-1');
  assert.deepEqual((await h.containers('proj')).map((c) => c.Names[0]).sort(), ['/proj-db-1', '/proj-init-1', '/proj-proxy-1', '/proj-web-1']);

  // --scale adds numbers after the highest and removes the highest first
  await h.ok(['up', '-d', '--scale', 'web=3']);
  assert.deepEqual((await h.containers('proj')).filter((c) => c.Labels['com.docker.compose.service'] === 'web').map((c) => `${c.Names[0]} ${c.State}`),
    ['/proj-web-1 running', '/proj-web-2 running', '/proj-web-3 running']);
  assert.equal((await h.inspect('proj-web-1')).Id, after[1].Id, 'web-1 kept while scaling');
  await h.ok(['up', '-d', '--scale', 'web=1']);
  assert.deepEqual((await h.containers('proj')).filter((c) => c.Labels['com.docker.compose.service'] === 'web').map((c) => c.Names[0]), ['/proj-web-1']);

  // a service removed from the file leaves an orphan: warned about, removed with --remove-orphans
  h.write('compose.yaml', projectFile('changed', false));
  const orphan = await h.ok(['up', '-d']);
  assert.match(orphan.stderr, /Found orphan containers \(\[proj-proxy-1\]\) for this project\. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up\./);
  const removed = await h.ok(['up', '-d', '--remove-orphans']);
  assert.ok(removed.stderr.includes(' Container proj-proxy-1  Removed\n'), removed.stderr);
  assert.ok(!(await h.containers('proj')).some((c) => c.Names[0] === '/proj-proxy-1'));

  // down -v: containers, then networks, then the named volume
  const down = await h.ok(['down', '-v']);
  for (const line of [' Container proj-web-1  Removed', ' Container proj-db-1  Removed', ' Network proj_front  Removed', ' Network proj_back  Removed', ' Volume proj_data  Removed']) {
    assert.ok(down.stderr.includes(`${line}\n`), `missing "${line}" in:\n${down.stderr}`);
  }
  assert.ok(down.stderr.indexOf('Container proj-web-1  Removed') < down.stderr.indexOf('Container proj-db-1  Removed'), 'dependants removed first');
  assert.deepEqual(await h.containers('proj'), []);
  const label = encodeURIComponent(JSON.stringify({ label: ['com.docker.compose.project=proj'] }));
  assert.deepEqual((await h.d.api('GET', `/networks?filters=${label}`)).body, []);
  assert.deepEqual((await h.d.api('GET', `/volumes?filters=${label}`)).body.Volumes ?? [], []);
  const nothing = await h.ok(['down']);
  assert.match(nothing.stderr, /No resource found to remove for project "proj"/);
});
