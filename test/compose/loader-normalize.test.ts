/**
 * Normalisation to the model: short syntaxes written long, engine names, paths; compose-go's own
 * full-example.yml (test/compose/fixtures, from compose-spec/compose-go) as the conformance input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parsePortSpec } from '../../src/compose/loader/ports.js';
import { parseVolumeSpec } from '../../src/compose/loader/volume-spec.js';
import { load, projectDir } from './loader-helpers.js';

test('ports: ranges, host ip, IPv6, protocol, ephemeral', () => {
  assert.deepEqual(parsePortSpec('8000-8001:80-81/udp'), [
    { mode: 'ingress', target: 80, published: '8000', protocol: 'udp' },
    { mode: 'ingress', target: 81, published: '8001', protocol: 'udp' },
  ]);
  assert.deepEqual(parsePortSpec('127.0.0.1:5000:5000'), [{ mode: 'ingress', host_ip: '127.0.0.1', target: 5000, published: '5000', protocol: 'tcp' }]);
  assert.deepEqual(parsePortSpec('[::1]:6001:6001'), [{ mode: 'ingress', host_ip: '::1', target: 6001, published: '6001', protocol: 'tcp' }]);
  assert.deepEqual(parsePortSpec('::1:6000:6000'), [{ mode: 'ingress', host_ip: '::1', target: 6000, published: '6000', protocol: 'tcp' }]);
  assert.deepEqual(parsePortSpec(3000), [{ mode: 'ingress', target: 3000, protocol: 'tcp' }]);
  assert.deepEqual(parsePortSpec('3000-3001'), [{ mode: 'ingress', target: 3000, protocol: 'tcp' }, { mode: 'ingress', target: 3001, protocol: 'tcp' }]);
  assert.deepEqual(parsePortSpec('9090-9091:80'), [{ mode: 'ingress', target: 80, published: '9090-9091', protocol: 'tcp' }]);
  assert.deepEqual(parsePortSpec('127.0.0.1::80'), [{ mode: 'ingress', host_ip: '127.0.0.1', target: 80, protocol: 'tcp' }]);
  assert.throws(() => parsePortSpec('8000-8002:80-81'), /Invalid ranges/);
  assert.throws(() => parsePortSpec('abc'), /Invalid containerPort/);
});

test('volumes: bind, named, anonymous, options', () => {
  assert.deepEqual(parseVolumeSpec('./src:/app:ro'), { type: 'bind', source: './src', target: '/app', read_only: true, bind: { create_host_path: true } });
  assert.deepEqual(parseVolumeSpec('data:/data'), { type: 'volume', source: 'data', target: '/data', volume: {} });
  assert.deepEqual(parseVolumeSpec('/tmp'), { type: 'volume', target: '/tmp', volume: {} });
  assert.deepEqual(parseVolumeSpec('data:/data:nocopy'), { type: 'volume', source: 'data', target: '/data', volume: { nocopy: true } });
  assert.deepEqual(parseVolumeSpec('/h:/c:rw,rshared,z'), { type: 'bind', source: '/h', target: '/c', read_only: false, bind: { propagation: 'rshared', selinux: 'z', create_host_path: true } });
  assert.throws(() => parseVolumeSpec('a:b:c:d'), /too many colons/);
});

test('a service written short comes out long', async (t) => {
  const dir = projectDir(t, {
    'compose.yaml': [
      'services:',
      '  web:',
      '    build: ./app',
      '    image: web:dev',
      '    command: sh -c "echo \'a b\'"',
      '    entrypoint: ["/bin/sh"]',
      '    ports: ["8000-8001:80-81/udp"]',
      '    volumes: ["./src:/app:ro", "data:/data", "/tmp", "~/cfg:/cfg"]',
      '    depends_on: [db]',
      '    healthcheck: {test: "curl -f localhost", interval: 5s}',
      '    labels: [a=b, c]',
      '    environment: [A=1, "B", "C="]',
      '    extra_hosts: {gw: host-gateway}',
      '    tmpfs: /run',
      '    dns: 1.1.1.1',
      '    devices: ["/dev/fuse"]',
      '    secrets: [token]',
      '  db:',
      '    image: busybox',
      '    network_mode: host',
      'volumes:',
      '  data:',
      '  ext: {external: true}',
      '  named: {name: exact}',
      'secrets:',
      '  token: {file: ./token.txt}',
      '',
    ].join('\n'),
  });
  const { project } = await load(dir, { allResources: true });
  const web = project.services.web!;
  assert.deepEqual(web.build, { context: `${dir}/app`, dockerfile: 'Dockerfile' });
  assert.deepEqual(web.command, ['sh', '-c', "echo 'a b'"]);
  assert.deepEqual(web.entrypoint, ['/bin/sh']);
  assert.equal(web.ports.length, 2);
  assert.deepEqual(web.volumes, [
    { type: 'bind', source: `${dir}/src`, target: '/app', read_only: true, bind: { create_host_path: true } },
    { type: 'volume', source: 'data', target: '/data', volume: {} },
    { type: 'volume', target: '/tmp', volume: {} },
    { type: 'bind', source: '/home/tester/cfg', target: '/cfg', bind: { create_host_path: true } },
  ]);
  assert.deepEqual(web.depends_on, { db: { condition: 'service_started', required: true, restart: false } });
  assert.deepEqual(web.healthcheck, { test: ['CMD-SHELL', 'curl -f localhost'], interval: '5s' });
  assert.deepEqual(web.labels, { a: 'b', c: '' });
  assert.deepEqual(web.environment, { A: '1', B: null, C: '' });
  assert.deepEqual(web.networks, { default: {} });
  assert.deepEqual(web.extra_hosts, ['gw=host-gateway']);
  assert.deepEqual(web.tmpfs, ['/run']);
  assert.deepEqual(web.dns, ['1.1.1.1']);
  assert.deepEqual(web.devices, [{ source: '/dev/fuse', target: '/dev/fuse', permissions: 'rwm' }]);
  assert.deepEqual(web.secrets, [{ source: 'token' }]);
  assert.equal(project.services.db!.networks, undefined);
  assert.deepEqual(project.networks, { default: { name: 'proj_default' } });
  assert.deepEqual(project.volumes, { data: { name: 'proj_data' }, ext: { external: true, name: 'ext' }, named: { name: 'exact' } });
  assert.deepEqual(project.secrets, { token: { file: `${dir}/token.txt`, name: 'proj_token' } });
  // without --all-resources, what no service uses is left out, as compose v2 does
  const trimmed = (await load(dir)).project;
  assert.deepEqual(Object.keys(trimmed.volumes), ['data']);
});

test("compose-go's full-example.yml loads and normalises as compose-go expects", async (t) => {
  const fixtures = new URL('./fixtures/', import.meta.url).pathname;
  const dir = projectDir(t, {});
  for (const f of readdirSync(fixtures)) copyFileSync(join(fixtures, f), join(dir, f));
  const { project } = await load(dir, {
    files: ['full-example.yml'], skipConsistencyCheck: true, allResources: true, // as compose-go's own test loads it
    env: { HOME: '/home/foo', BAR: 'this is a secret', QUX: 'qux_from_environment' },
  });
  assert.equal(project.name, 'full_example_project_name');
  assert.deepEqual(Object.keys(project.services).sort(), ['bar', 'foo']);
  const foo = project.services.foo!;
  assert.equal(foo.build!.context, `${dir}/dir`);
  assert.deepEqual(foo.build!.args, { foo: 'bar' });
  assert.deepEqual(foo.command, ['bundle', 'exec', 'thin', '-p', '3000']);
  assert.deepEqual(foo.environment, {
    FOO: 'foo_from_env_file', BAR: 'bar_from_env_file_2', BAZ: 'baz_from_service_def', QUX: 'qux_from_environment',
    'ENV.WITH.DOT': 'ok', ENV_WITH_UNDERSCORE: 'ok',
  });
  assert.deepEqual(foo.labels, {
    FOO: 'foo_from_label_file', BAR: 'bar_from_label_file_2', BAZ: 'baz_from_label_file', QUX: 'quz_from_label_file_2',
    'LABEL.WITH.DOT': 'ok', LABEL_WITH_UNDERSCORE: 'ok',
    'com.example.description': 'Accounting webapp', 'com.example.number': '42', 'com.example.empty-label': '',
  });
  // compose-go's expected ports, in its order
  const ports = foo.ports.map((p) => `${p.host_ip ? `${p.host_ip}:` : ''}${p.published ?? ''}:${p.target}/${p.protocol}`);
  assert.deepEqual(ports, [
    ':3000/tcp', ':3001/tcp', ':3002/tcp', ':3003/tcp', ':3004/tcp', ':3005/tcp',
    '8000:8000/tcp', '9090:8080/tcp', '9091:8081/tcp', '49100:22/tcp', '127.0.0.1:8001:8001/tcp',
    '127.0.0.1:5000:5000/tcp', '127.0.0.1:5001:5001/tcp', '127.0.0.1:5002:5002/tcp', '127.0.0.1:5003:5003/tcp',
    '127.0.0.1:5004:5004/tcp', '127.0.0.1:5005:5005/tcp', '127.0.0.1:5006:5006/tcp', '127.0.0.1:5007:5007/tcp',
    '127.0.0.1:5008:5008/tcp', '127.0.0.1:5009:5009/tcp', '127.0.0.1:5010:5010/tcp',
  ]);
  assert.deepEqual(foo.volumes.map((v) => `${v.type}:${v.source ?? ''}:${v.target}${v.read_only ? ':ro' : ''}`), [
    'volume::/var/lib/anonymous', 'bind:/opt/data:/var/lib/data', `bind:${dir}:/code`, `bind:${dir}/static:/var/www/html`,
    'bind:/home/foo/configs:/etc/configs:ro', 'volume:datavolume:/var/lib/volume', `bind:${dir}/opt:/opt/cached`, 'tmpfs::/opt/tmpfs',
  ]);
  assert.deepEqual(foo.depends_on, {
    db: { condition: 'service_started', required: true, restart: false },
    redis: { condition: 'service_started', required: true, restart: false },
  });
  assert.deepEqual(foo.healthcheck?.test, ['CMD-SHELL', 'echo "hello world"']);
  assert.deepEqual(foo.networks?.['some-network'], { aliases: ['alias1', 'alias3'] });
  assert.deepEqual(foo.extensions, { 'x-bar': 'baz', 'x-foo': 'bar' });
  assert.equal(project.networks['other-external-network']!.name, 'my-cool-network');
  assert.equal(project.networks['some-network']!.name, 'full_example_project_name_some-network');
  assert.equal(project.volumes['another-volume']!.name, 'user_specified_name');
  assert.deepEqual(project.volumes['other-volume']!.driver_opts, { foo: 'bar', baz: '1' });
  assert.equal(project.secrets.secret1!.file, `${dir}/secret_data`);
  assert.equal(project.secrets.secret4!.environment, 'BAR');
  assert.equal(project.configs.config4!.file, '/home/foo/config_data');
});
