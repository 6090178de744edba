/** Plans of projects the loader read from real files: the short syntaxes written long arrive as compose v2 sends them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkRequestBody } from '../../src/common/engine-api/validate.js';
import { containerPlan } from '../../src/compose/convert/container.js';
import { networkCreateBody, volumeCreateBody } from '../../src/compose/convert/resources.js';
import { loadProject } from '../../src/compose/loader/load.js';

const FILE = `
name: shop
services:
  web:
    image: httpd:2.4
    ports: ["8080-8081:80-81", "127.0.0.1::443", "5353:53/udp"]
    volumes: ["./site:/usr/local/apache2/htdocs:ro", "logs:/var/log/httpd", "/cache"]
    environment: [MODE=prod, FROM_ENV_FILE, UNSET_ONE]
    extra_hosts: {db.local: 10.0.0.5, gw: host-gateway}
    depends_on:
      db: {condition: service_healthy, restart: true}
    networks: [front, back]
    secrets: [api_key]
    tmpfs: /run
    ulimits: {nofile: {soft: 1024, hard: 2048}}
  db:
    image: busybox
    command: sh -c "echo db; sleep 1000"
    healthcheck:
      test: pg_isready || exit 1
      interval: 5s
      start_period: 30s
    stop_grace_period: 1m
    mem_limit: 256m
    networks:
      back: {aliases: [database], ipv4_address: 172.28.0.10}
    deploy: {resources: {limits: {cpus: "0.5", pids: 100}}, restart_policy: {condition: on-failure, max_attempts: 3}}
  worker:
    build: ./worker
    network_mode: "service:db"
    restart: unless-stopped
networks:
  front: {}
  back:
    ipam: {config: [{subnet: 172.28.0.0/16}]}
volumes:
  logs: {}
secrets:
  api_key: {file: ./api_key.txt}
`;

test('a project loaded from a file gives valid plans with compose v2\'s shapes', async (t) => {
  const dir = realpathSync(mkdtempSync('/tmp/bt-convert-loaded-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'compose.yaml'), FILE);
  writeFileSync(join(dir, 'prod.env'), 'FROM_ENV_FILE=yes\n');
  const project = await loadProject({ files: [], profiles: [], envFiles: ['prod.env'], env: { PATH: '/usr/bin' }, cwd: dir });
  assert.deepEqual(project.envFiles, [join(dir, 'prod.env')]);

  const plans = Object.fromEntries(Object.values(project.services).map((s) => [s.name, containerPlan(project, s, {
    number: 1, apiVersion: '1.47', resolver: { containerId: (n) => (n === 'db' ? 'd'.repeat(64) : undefined) },
  })]));
  for (const [name, p] of Object.entries(plans)) assert.equal(checkRequestBody('ContainerCreate', p.body), undefined, name);
  for (const k of Object.keys(project.networks)) assert.equal(checkRequestBody('NetworkCreate', networkCreateBody(project, k)), undefined, k);
  assert.equal(checkRequestBody('VolumeCreate', volumeCreateBody(project, 'logs')), undefined);

  const web = plans.web.body;
  assert.equal(plans.web.name, 'shop-web-1');
  assert.deepEqual(web.HostConfig!.PortBindings, {
    '80/tcp': [{ HostIp: '', HostPort: '8080' }],
    '81/tcp': [{ HostIp: '', HostPort: '8081' }],
    '443/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
    '53/udp': [{ HostIp: '', HostPort: '5353' }],
  });
  assert.deepEqual(web.HostConfig!.Binds, [`${dir}/site:/usr/local/apache2/htdocs:ro`, 'shop_logs:/var/log/httpd:rw']);
  assert.deepEqual(web.HostConfig!.Mounts!.map((m) => [m.Type, m.Target, m.Source, m.ReadOnly]), [
    ['volume', '/cache', undefined, undefined],
    ['bind', '/run/secrets/api_key', join(dir, 'api_key.txt'), true],
  ]);
  assert.deepEqual(web.HostConfig!.Tmpfs, { '/run': '' });
  assert.deepEqual(web.Env, ['FROM_ENV_FILE=yes', 'MODE=prod']);
  assert.deepEqual(web.HostConfig!.ExtraHosts, ['db.local:10.0.0.5', 'gw:host-gateway']);
  assert.deepEqual(web.HostConfig!.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 2048 }]);
  assert.equal(web.Labels!['com.docker.compose.depends_on'], 'db:service_healthy:true');
  assert.equal(web.Labels!['com.docker.compose.project.environment_file'], join(dir, 'prod.env'));
  assert.equal(web.Labels!['com.docker.compose.project.config_files'], join(dir, 'compose.yaml'));
  assert.equal(web.Labels!['com.docker.compose.project.working_dir'], dir);
  assert.equal(web.HostConfig!.NetworkMode, 'shop_back');
  assert.deepEqual(Object.keys(web.NetworkingConfig!.EndpointsConfig!), ['shop_back', 'shop_front']);

  const db = plans.db.body;
  assert.deepEqual(db.Cmd, ['sh', '-c', 'echo db; sleep 1000']);
  assert.deepEqual(db.Healthcheck, { Test: ['CMD-SHELL', 'pg_isready || exit 1'], Interval: 5e9, StartPeriod: 30e9 });
  assert.equal(db.StopTimeout, 60);
  assert.equal(db.HostConfig!.Memory, 256 * 1024 * 1024);
  assert.equal(db.HostConfig!.NanoCpus, 500_000_000);
  assert.equal(db.HostConfig!.PidsLimit, 100);
  assert.deepEqual(db.HostConfig!.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.deepEqual(db.NetworkingConfig!.EndpointsConfig!.shop_back, { Aliases: ['shop-db-1', 'db', 'database'], IPAMConfig: { IPv4Address: '172.28.0.10' } });

  const worker = plans.worker.body;
  assert.equal(worker.Image, 'shop-worker');
  assert.equal(worker.HostConfig!.NetworkMode, `container:${'d'.repeat(64)}`);
  assert.equal(worker.NetworkingConfig, undefined);
  assert.deepEqual(worker.HostConfig!.RestartPolicy, { Name: 'unless-stopped', MaximumRetryCount: 0 });

  assert.deepEqual(networkCreateBody(project, 'back').IPAM, { Config: [{ Subnet: '172.28.0.0/16' }] });
});
