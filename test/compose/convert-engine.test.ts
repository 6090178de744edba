/**
 * Plans through a real `berth serve`: a project's network and volume created from their bodies, and
 * containers created from their plans (one with the older API's connect-after, one sharing another's
 * network namespace, one with secrets copied in), then read back with inspect.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineClient } from '../../src/client/engine-client.js';
import { containerPlan, type ContainerPlan } from '../../src/compose/convert/container.js';
import { fileCopiesArchive } from '../../src/compose/convert/file-copies.js';
import { networkCreateBody, volumeCreateBody } from '../../src/compose/convert/resources.js';
import { startDaemon, waitFor } from '../helpers/daemon.js';
import { project, service } from './convert-fixtures.js';

/** What the orchestrator does with a plan: create, connect the other networks, copy files in. */
async function create(client: EngineClient, plan: ContainerPlan): Promise<string> {
  const { Id } = await client.json<{ Id: string }>('POST', '/containers/create', { query: { name: plan.name, platform: plan.platform }, body: plan.body });
  for (const c of plan.connectAfter) await client.json('POST', `/networks/${c.network}/connect`, { body: { Container: Id, EndpointConfig: c.endpoint } });
  if (plan.copies.length) {
    await client.call('PUT', `/containers/${Id}/archive`, { query: { path: '/' }, body: await fileCopiesArchive(plan.copies), contentType: 'application/x-tar' });
  }
  return Id;
}

test('containers created from plans are what inspect shows', { timeout: 180_000 }, async (t) => {
  const d = await startDaemon();
  const dir = mkdtempSync('/tmp/bt-convert-');
  t.after(async () => { await d.cleanup(); rmSync(dir, { recursive: true, force: true }); });
  const client = new EngineClient(d.socket);
  t.after(() => client.close());
  await client.ping();
  const pull = await client.call('POST', '/images/create', { query: { fromImage: 'busybox', tag: 'latest' } });
  assert.equal(pull.status, 200);

  writeFileSync(join(dir, 'db_pass.txt'), 'hunter2\n');
  const loop = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'];
  const db = service('db', {
    image: 'busybox',
    command: loop,
    environment: { ROLE: 'database', EMPTY: '', UNSET: null },
    labels: { tier: 'data' },
    volumes: [{ type: 'volume', source: 'data', target: '/data' }, { type: 'bind', source: join(dir, 'made-by-engine'), target: '/made', bind: { create_host_path: true } }],
    networks: { default: null, back: { aliases: ['database'] } },
    ports: [{ target: 5432, published: '15432', host_ip: '127.0.0.1', protocol: 'tcp' }],
    healthcheck: { test: ['CMD', 'true'], interval: '1s', timeout: '2s', retries: 3, start_period: '0s' },
    restart: 'on-failure:2',
    stop_grace_period: '3s',
    mem_limit: '64m',
    pids_limit: 64,
    extra_hosts: ['gw:host-gateway'],
  });
  const side = service('side', { image: 'busybox', command: loop, network_mode: 'service:db', networks: undefined });
  const app = service('app', {
    image: 'busybox',
    command: ['sh', '-c', 'cat /run/secrets/db_pass /run/secrets/token /etc/app.conf; trap "exit 0" TERM; while true; do sleep 0.2; done'],
    secrets: [{ source: 'db_pass' }, { source: 'token', mode: 0o400 }],
    configs: [{ source: 'conf', target: '/etc/app.conf' }],
    networks: { default: null, back: null },
  });
  const p = project([db, side, app], {
    workingDir: dir,
    environment: { TOKEN: 'tok-123' },
    networks: { default: { name: 'proj_default' }, back: { name: 'proj_back', internal: true } },
    volumes: { data: { name: 'proj_data' } },
    secrets: { db_pass: { name: 'proj_db_pass', file: join(dir, 'db_pass.txt') }, token: { name: 'proj_token', environment: 'TOKEN' } },
    configs: { conf: { name: 'proj_conf', content: 'mode=test\n' } },
  });

  for (const key of ['default', 'back']) await client.json('POST', '/networks/create', { body: networkCreateBody(p, key) });
  await client.json('POST', '/volumes/create', { body: volumeCreateBody(p, 'data') });
  const back = await client.json('GET', '/networks/proj_back');
  assert.equal(back.Internal, true);
  assert.equal(back.Labels['com.docker.compose.network'], 'back');
  assert.equal(back.Labels['com.docker.compose.project'], 'proj');
  const vol = await client.json('GET', '/volumes/proj_data');
  assert.equal(vol.Labels['com.docker.compose.volume'], 'data');

  const dbPlan = containerPlan(p, db, { number: 1, apiVersion: client.apiVersion });
  const dbId = await create(client, dbPlan);
  const sidePlan = containerPlan(p, side, { number: 1, apiVersion: client.apiVersion, resolver: { containerId: (n) => (n === 'db' ? dbId : undefined) } });
  // an engine before 1.44 takes one network at create: the plan connects the other after
  const appPlan = containerPlan(p, app, { number: 1, apiVersion: '1.43' });
  assert.equal(appPlan.connectAfter.length, 1);
  const appId = await create(client, appPlan);
  await client.call('POST', `/containers/${dbId}/start`);
  const sideId = await create(client, sidePlan);
  await client.call('POST', `/containers/${sideId}/start`);
  await client.call('POST', `/containers/${appId}/start`);

  const i = await client.json('GET', `/containers/${dbId}/json`);
  assert.equal(i.Name, '/proj-db-1');
  assert.equal(i.Config.Labels['com.docker.compose.service'], 'db');
  assert.equal(i.Config.Labels['com.docker.compose.container-number'], '1');
  assert.equal(i.Config.Labels['com.docker.compose.config-hash'], dbPlan.configHash);
  assert.equal(i.Config.Labels.tier, 'data');
  assert.ok(i.Config.Env.includes('ROLE=database'));
  assert.ok(i.Config.Env.includes('EMPTY='));
  assert.ok(!i.Config.Env.some((e: string) => e.startsWith('UNSET')));
  const hc = i.Config.Healthcheck;
  assert.deepEqual([hc.Test, hc.Interval, hc.Timeout, hc.Retries, hc.StartPeriod ?? 0], [['CMD', 'true'], 1e9, 2e9, 3, 0]);
  assert.equal(i.Config.StopTimeout, 3);
  assert.deepEqual(i.HostConfig.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 2 });
  assert.equal(i.HostConfig.Memory, 64 * 1024 * 1024);
  assert.equal(i.HostConfig.PidsLimit, 64);
  assert.deepEqual(i.HostConfig.ExtraHosts, ['gw:host-gateway']);
  assert.deepEqual(i.HostConfig.PortBindings, { '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '15432' }] });
  assert.equal(i.HostConfig.NetworkMode, 'proj_back', 'equal priorities: the first network by name');
  assert.deepEqual(Object.keys(i.NetworkSettings.Networks).sort(), ['proj_back', 'proj_default']);
  assert.ok(i.NetworkSettings.Networks.proj_back.Aliases.includes('database'));
  assert.ok(i.NetworkSettings.Networks.proj_default.Aliases.includes('db'));
  const dataMount = i.Mounts.find((m: any) => m.Destination === '/data');
  assert.equal(dataMount.Name, 'proj_data');
  const made = i.Mounts.find((m: any) => m.Destination === '/made');
  assert.equal(made.Source, join(dir, 'made-by-engine'), 'the engine created the missing bind source');

  const s = await client.json('GET', `/containers/${sideId}/json`);
  assert.equal(s.HostConfig.NetworkMode, `container:${dbId}`);

  const a = await client.json('GET', `/containers/${appId}/json`);
  assert.deepEqual(Object.keys(a.NetworkSettings.Networks).sort(), ['proj_back', 'proj_default']);
  assert.deepEqual(a.Mounts.filter((m: any) => m.Type === 'bind').map((m: any) => [m.Destination, m.RW]), [['/run/secrets/db_pass', false]]);
  // the file secret through the bind, the environment secret and the content config copied in before start
  let logs = '';
  await waitFor(async () => {
    logs = (await client.call('GET', `/containers/${appId}/logs`, { query: { stdout: 1, stderr: 1 } })).body.toString('latin1');
    return logs.includes('mode=test');
  }, 20_000, 'app to print its secrets');
  assert.match(logs, /hunter2/);
  assert.match(logs, /tok-123/);
  await waitFor(async () => (await client.json('GET', `/containers/${dbId}/json`)).State.Health?.Status === 'healthy', 30_000, 'db to be healthy');
});
