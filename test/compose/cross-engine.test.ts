/**
 * The same compose projects against berth and against dockerd (Debian's docker.io, in a namespace of
 * its own), compared on what users see: the containers, their names, services, states and health,
 * compose's labels on containers, networks and volumes (ids and hashes aside), exec output and exit
 * codes, logs, which containers a config change recreates, --scale, and that down -v leaves nothing.
 * Also docker-compose 1.29 and `berth compose` on one project: each lists what the other created.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  berthCompose, berthComposeLacks, composeV1, enginesMissing, ok, parsePsJson, projectView, startEngines, waitHealthy, withoutIds,
  type Engine, type Engines, type ProjectView,
} from './engines.js';

const missing = enginesMissing();
/** the commands the berth-compose scenarios use; they are skipped, saying why, while any is missing */
const berthLacks = missing || berthComposeLacks(['up', 'ps', 'exec', 'logs', 'down']);

/** A database-like service with a healthcheck and a volume, a web that waits for it, a worker on a second network. */
function projectFile(greeting: string): string {
  return `services:
  db:
    image: busybox
    command: ["sh", "-c", "trap 'exit 0' TERM; echo db ready; touch /tmp/ready; while true; do sleep 0.2; done"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
      timeout: 2s
      retries: 30
    volumes:
      - data:/data
  web:
    image: busybox
    depends_on:
      db:
        condition: service_healthy
    environment:
      GREETING: ${greeting}
    command: ["sh", "-c", "trap 'exit 0' TERM; echo web $$GREETING; while true; do sleep 0.2; done"]
    networks: [default, back]
  worker:
    image: busybox
    depends_on: [web]
    command: ["sh", "-c", "trap 'exit 0' TERM; echo worker up; while true; do sleep 0.2; done"]
    networks: [back]
volumes:
  data: {}
networks:
  back: {}
`;
}

let engines: Engines & { stop(): Promise<void> };
const dirs: string[] = [];

before(async () => { if (!missing) engines = await startEngines(); }, { timeout: 180_000 });
after(async () => {
  await engines?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** One project directory for both engines: the working-dir and config-files labels then agree too. */
function projectDir(content: string): string {
  const dir = mkdtempSync('/tmp/bt-xeng-');
  dirs.push(dir);
  writeFileSync(join(dir, 'compose.yaml'), content);
  return dir;
}

const nothingLeft: ProjectView = { containers: [], networks: [], volumes: [] };

/** Run `fn` for berth and dockerd at once (two engines, nothing shared); the results are compared afterwards. */
async function onBoth<T>(fn: (e: Engine) => Promise<T>): Promise<{ berth: T; dockerd: T }> {
  const [berth, dockerd] = await Promise.all([fn(engines.berth), fn(engines.dockerd)]);
  return { berth, dockerd };
}

test('docker-compose 1.29: the same project on berth and dockerd', { skip: missing, timeout: 300_000 }, async () => {
  const dir = projectDir(projectFile('hi'));
  const p = 'xv1';
  const compose = (e: Engine, args: string[]) => ok(composeV1(e, dir, ['-p', p, ...args]), `docker-compose ${args.join(' ')} on ${e.name}`);

  await onBoth((e) => compose(e, ['up', '-d']));
  const views = await onBoth((e) => waitHealthy(e, p));
  assert.deepEqual(withoutIds(views.berth), withoutIds(views.dockerd));
  assert.deepEqual(views.berth.containers.map((c) => c.name), ['xv1_db_1', 'xv1_web_1', 'xv1_worker_1']);
  assert.deepEqual(views.berth.networks.map((n) => n.name), ['xv1_back', 'xv1_default']);
  assert.deepEqual(views.berth.volumes.map((v) => v.name), ['xv1_data']);

  // ps: the same rows (1.29 prints Name, Command, State, Ports)
  const ps = await onBoth(async (e) => (await compose(e, ['ps'])).stdout.split('\n').slice(2).filter(Boolean).map((l) => l.split(/\s{2,}/)[0]));
  assert.deepEqual(ps.berth, ps.dockerd);

  const exec = await onBoth((e) => composeV1(e, dir, ['-p', p, 'exec', '-T', 'web', 'sh', '-c', 'echo $GREETING from exec; exit 3']));
  assert.deepEqual([exec.berth.code, exec.berth.stdout], [3, 'hi from exec\n']);
  assert.deepEqual([exec.dockerd.code, exec.dockerd.stdout], [3, 'hi from exec\n']);

  const logs = await onBoth(async (e) => (await compose(e, ['logs', '--no-color'])).stdout.split('\n').filter(Boolean).sort());
  assert.deepEqual(logs.berth, logs.dockerd);
  assert.ok(logs.berth.some((l) => /^web_1\s+\| web hi$/.test(l)), logs.berth.join('\n'));

  await onBoth((e) => compose(e, ['down', '-v']));
  const left = await onBoth((e) => projectView(e, p));
  assert.deepEqual(left, { berth: nothingLeft, dockerd: nothingLeft });
});

test('berth compose: up --wait, ps, labels, exec and logs on berth and dockerd alike', { skip: berthLacks, timeout: 300_000 }, async () => {
  const dir = projectDir(projectFile('hi'));
  const p = 'xv2';
  const compose = (e: Engine, args: string[]) => ok(berthCompose(e, dir, ['-p', p, ...args]), `berth compose ${args.join(' ')} on ${e.name}`);
  try {
    await onBoth((e) => compose(e, ['up', '-d', '--wait']));
    // --wait returned: everything is already running and healthy, on both
    const views = await onBoth((e) => projectView(e, p));
    for (const v of [views.berth, views.dockerd]) {
      assert.deepEqual(v.containers.map((c) => [c.name, c.state, c.health]), [['xv2-db-1', 'running', 'healthy'], ['xv2-web-1', 'running', ''], ['xv2-worker-1', 'running', '']]);
    }
    assert.deepEqual(withoutIds(views.berth), withoutIds(views.dockerd));
    const db = views.berth.containers[0].labels;
    for (const key of ['project', 'service', 'container-number', 'oneoff', 'config-hash', 'project.working_dir', 'project.config_files', 'depends_on', 'image', 'version']) {
      assert.ok(`com.docker.compose.${key}` in db, `label com.docker.compose.${key} on ${JSON.stringify(db)}`);
    }
    assert.equal(db['com.docker.compose.project.working_dir'], dir);
    assert.equal(db['com.docker.compose.oneoff'], 'False');
    assert.deepEqual(views.berth.networks.map((n) => [n.name, n.labels['com.docker.compose.network']]), [['xv2_back', 'back'], ['xv2_default', 'default']]);
    assert.deepEqual(views.berth.volumes.map((v) => [v.name, v.labels['com.docker.compose.volume']]), [['xv2_data', 'data']]);

    const ps = await onBoth(async (e) => parsePsJson((await compose(e, ['ps', '--format', 'json'])).stdout).map((c) => [c.Name, c.Service, c.State, c.Health]));
    assert.deepEqual(ps.berth, [['xv2-db-1', 'db', 'running', 'healthy'], ['xv2-web-1', 'web', 'running', ''], ['xv2-worker-1', 'worker', 'running', '']]);
    assert.deepEqual(ps.dockerd, ps.berth);
    const services = await onBoth(async (e) => (await compose(e, ['ps', '--services'])).stdout);
    assert.equal(services.berth, services.dockerd);

    const exec = await onBoth((e) => berthCompose(e, dir, ['-p', p, 'exec', '-T', 'web', 'sh', '-c', 'echo $GREETING from exec; echo err >&2; exit 3']));
    for (const r of [exec.berth, exec.dockerd]) assert.deepEqual([r.code, r.stdout, r.stderr], [3, 'hi from exec\n', 'err\n']);

    const logs = await onBoth(async (e) => (await compose(e, ['logs', '--no-color'])).stdout.split('\n').filter(Boolean).sort());
    assert.deepEqual(logs.berth, logs.dockerd);
    assert.ok(logs.berth.some((l) => /^web-1\s+\| web hi$/.test(l)), logs.berth.join('\n'));
    const tail = await onBoth(async (e) => (await compose(e, ['logs', '--no-color', '--no-log-prefix', 'db'])).stdout);
    assert.deepEqual(tail, { berth: 'db ready\n', dockerd: 'db ready\n' });
  } finally {
    await onBoth((e) => berthCompose(e, dir, ['-p', p, 'down', '-v']));
  }
  assert.deepEqual(await onBoth((e) => projectView(e, p)), { berth: nothingLeft, dockerd: nothingLeft });
});

test('berth compose: a config change recreates only that service, --scale, down -v leaves nothing, on both', { skip: berthLacks, timeout: 300_000 }, async () => {
  const dir = projectDir(projectFile('hi'));
  const p = 'xv3';
  const compose = (e: Engine, args: string[]) => ok(berthCompose(e, dir, ['-p', p, ...args]), `berth compose ${args.join(' ')} on ${e.name}`);
  try {
    await onBoth((e) => compose(e, ['up', '-d', '--wait']));
    const first = await onBoth((e) => projectView(e, p));

    // unchanged: a second up touches nothing
    await onBoth((e) => compose(e, ['up', '-d', '--wait']));
    const same = await onBoth((e) => projectView(e, p));
    for (const n of ['berth', 'dockerd'] as const) assert.deepEqual(same[n].containers.map((c) => c.id), first[n].containers.map((c) => c.id), `${n}: a no-op up recreated`);

    // web's environment changes: web is recreated, db and worker keep their containers
    writeFileSync(join(dir, 'compose.yaml'), projectFile('hello'));
    await onBoth((e) => compose(e, ['up', '-d', '--wait']));
    const second = await onBoth((e) => projectView(e, p));
    const recreated = (a: ProjectView, b: ProjectView) => a.containers.filter((c) => b.containers.find((x) => x.name === c.name)?.id !== c.id).map((c) => c.service);
    assert.deepEqual(recreated(first.berth, second.berth), ['web']);
    assert.deepEqual(recreated(first.dockerd, second.dockerd), ['web']);
    assert.deepEqual(withoutIds(second.berth), withoutIds(second.dockerd));
    const greeting = await onBoth(async (e) => (await compose(e, ['exec', '-T', 'web', 'sh', '-c', 'echo $GREETING'])).stdout);
    assert.deepEqual(greeting, { berth: 'hello\n', dockerd: 'hello\n' });

    await onBoth((e) => compose(e, ['up', '-d', '--wait', '--scale', 'worker=3']));
    const scaled = await onBoth((e) => projectView(e, p));
    for (const n of ['berth', 'dockerd'] as const) {
      assert.deepEqual(scaled[n].containers.filter((c) => c.service === 'worker').map((c) => [c.name, c.number, c.state]),
        [['xv3-worker-1', '1', 'running'], ['xv3-worker-2', '2', 'running'], ['xv3-worker-3', '3', 'running']], n);
    }
    assert.deepEqual(withoutIds(scaled.berth), withoutIds(scaled.dockerd));

    await onBoth((e) => compose(e, ['up', '-d', '--wait', '--scale', 'worker=1']));
    const down = await onBoth((e) => projectView(e, p));
    assert.deepEqual(down.berth.containers.filter((c) => c.service === 'worker').map((c) => c.name), ['xv3-worker-1']);
    assert.deepEqual(withoutIds(down.berth), withoutIds(down.dockerd));
  } finally {
    await onBoth((e) => berthCompose(e, dir, ['-p', p, 'down', '-v']));
  }
  assert.deepEqual(await onBoth((e) => projectView(e, p)), { berth: nothingLeft, dockerd: nothingLeft });
  // the image is the user's, not the project's: down without --rmi keeps it
  for (const e of engines.both) assert.equal((await e.api('GET', '/images/busybox:latest/json')).status, 200, e.name);
});

/**
 * docker-compose 1.29 and berth compose on one project, on each engine. What 1.29's older labels
 * allow: both find the project's containers by com.docker.compose.project/service/oneoff, and
 * networks/volumes by name (<project>_<name>). What differs: 1.29 names containers <p>_<s>_<n> (v2:
 * <p>-<s>-<n>), sets no depends_on, image or config-hash labels on networks and volumes, writes
 * config_files relative, and hashes the configuration its own way, so `berth compose up` recreates
 * what 1.29 created (as compose v2 does) under v2's names, keeping its networks and volume.
 */
test('docker-compose 1.29 and berth compose see the same project', { skip: berthLacks, timeout: 300_000 }, async () => {
  const dir = projectDir(projectFile('hi'));
  for (const e of engines.both) {
    const p = `xi${e.name}`;
    const v1 = (args: string[]) => ok(composeV1(e, dir, ['-p', p, ...args]), `docker-compose ${args.join(' ')} on ${e.name}`);
    const v2 = (args: string[]) => ok(berthCompose(e, dir, ['-p', p, ...args]), `berth compose ${args.join(' ')} on ${e.name}`);
    try {
      // 1.29 creates, berth compose lists and execs into it
      await v1(['up', '-d']);
      await waitHealthy(e, p);
      const listed = parsePsJson((await v2(['ps', '--format', 'json'])).stdout).map((c) => [c.Name, c.Service, c.State]);
      assert.deepEqual(listed, [[`${p}_db_1`, 'db', 'running'], [`${p}_web_1`, 'web', 'running'], [`${p}_worker_1`, 'worker', 'running']], e.name);
      assert.equal((await v2(['exec', '-T', 'web', 'sh', '-c', 'echo $GREETING'])).stdout, 'hi\n');
      const v1View = await projectView(e, p);
      const v1Labels = v1View.containers.find((c) => c.service === 'web')!.labels;
      assert.equal(v1Labels['com.docker.compose.version'], '1.29.2');
      assert.equal(v1Labels['com.docker.compose.project.config_files'], 'compose.yaml');
      assert.equal('com.docker.compose.depends_on' in v1Labels, false);

      // berth compose up over 1.29's project: another hash, so every container is recreated under v2's name
      await v2(['up', '-d', '--wait']);
      const taken = await projectView(e, p);
      assert.deepEqual(taken.containers.map((c) => [c.name, c.labels['com.docker.compose.version'] !== '1.29.2', v1View.containers.some((x) => x.id === c.id)]),
        [[`${p}-db-1`, true, false], [`${p}-web-1`, true, false], [`${p}-worker-1`, true, false]], e.name);
      assert.deepEqual(taken.networks.map((n) => n.name), v1View.networks.map((n) => n.name));
      assert.deepEqual(taken.volumes.map((v) => v.name), [`${p}_data`]);

      // berth compose takes the project down: the containers, 1.29's networks and volume go
      await v2(['down', '-v']);
      assert.deepEqual(await projectView(e, p), nothingLeft, e.name);

      // berth compose creates, 1.29 lists, execs and takes it down
      await v2(['up', '-d', '--wait']);
      const rows = (await v1(['ps'])).stdout.split('\n').slice(2).filter(Boolean).map((l) => l.split(/\s{2,}/)[0]);
      assert.deepEqual(rows, [`${p}-db-1`, `${p}-web-1`, `${p}-worker-1`], e.name);
      assert.equal((await v1(['exec', '-T', 'web', 'sh', '-c', 'echo $GREETING'])).stdout, 'hi\n');
      await v1(['down', '-v']);
      assert.deepEqual(await projectView(e, p), nothingLeft, e.name);
    } finally {
      await berthCompose(e, dir, ['-p', p, 'down', '-v']).catch(() => {});
      await composeV1(e, dir, ['-p', p, 'down', '-v']).catch(() => {});
    }
  }
});
