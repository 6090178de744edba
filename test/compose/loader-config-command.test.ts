/**
 * `compose config`: the printed model and its lists, as compose v2 prints them; and, on files both
 * accept, the same normalisation as docker-compose 1.29's `config` where the two normalise alike.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compose, projectDir } from './loader-helpers.js';

const file = [
  'name: shop',
  'services:',
  '  web:',
  '    image: "nginx:${TAG:-1.25}"',
  '    ports: ["8080:80"]',
  '    volumes: ["./html:/usr/share/nginx/html:ro", "cache:/cache"]',
  '    depends_on: [db]',
  '    networks: [front, back]',
  '    x-note: kept',
  '  db:',
  '    image: busybox',
  '    environment: ["PASSWORD=${DB_PASSWORD}"]',
  '    networks: [back]',
  '  debug:',
  '    image: busybox',
  '    profiles: [dev]',
  '  builder:',
  '    build: ./app',
  '    profiles: [tools, dev]',
  'volumes:',
  '  cache: {}',
  'networks:',
  '  front: {}',
  '  back: {}',
  '',
].join('\n');

test('config prints the normalised model as YAML: name first, services sorted, internal fields left out', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': file });
  const r = await compose(dir, ['config']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, 'WARN[0000] The "DB_PASSWORD" variable is not set. Defaulting to a blank string.\n');
  assert.ok(r.stdout.startsWith('name: shop\nservices:\n  db:\n'), r.stdout.slice(0, 80));
  const doc = parse(r.stdout);
  assert.deepEqual(Object.keys(doc), ['name', 'services', 'networks', 'volumes']);
  assert.deepEqual(Object.keys(doc.services), ['db', 'web']);
  const web = doc.services.web;
  assert.equal(web.name, undefined);
  assert.equal(web.environment, undefined);
  assert.equal(web['x-note'], 'kept');
  assert.deepEqual(web.ports, [{ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' }]);
  assert.deepEqual(web.networks, { back: null, front: null });
  assert.deepEqual(doc.services.db.environment, { PASSWORD: '' });
  assert.deepEqual(doc.networks.front, { name: 'shop_front' });
  for (const k of ['workingDir', 'configFiles', 'environment', 'disabledServices']) assert.equal(doc[k], undefined, k);
});

test('config --format json, -q, -o, --no-interpolate', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': file });
  const json = await compose(dir, ['config', '--format', 'json'], { DB_PASSWORD: 'x' });
  assert.equal(JSON.parse(json.stdout).services.db.environment.PASSWORD, 'x');
  const quiet = await compose(dir, ['config', '-q'], { DB_PASSWORD: 'x' });
  assert.deepEqual([quiet.code, quiet.stdout, quiet.stderr], [0, '', '']);
  const out = await compose(dir, ['config', '-o', 'out.yaml'], { DB_PASSWORD: 'x' });
  assert.equal(out.stdout, '');
  assert.equal(parse(readFileSync(join(dir, 'out.yaml'), 'utf8')).name, 'shop');
  const raw = await compose(dir, ['config', '--no-interpolate']);
  assert.equal(parse(raw.stdout).services.web.image, 'nginx:${TAG:-1.25}');
  const bad = await compose(dir, ['config', '--format', 'toml']);
  assert.notEqual(bad.code, 0);
});

test('config lists: --services, --volumes, --networks, --profiles, --images', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': file });
  const env = { DB_PASSWORD: 'x' };
  assert.equal((await compose(dir, ['config', '--services'], env)).stdout, 'db\nweb\n');
  assert.equal((await compose(dir, ['--profile', 'dev', 'config', '--services'], env)).stdout, 'builder\ndb\ndebug\nweb\n');
  assert.equal((await compose(dir, ['config', '--volumes'], env)).stdout, 'cache\n');
  assert.equal((await compose(dir, ['config', '--networks'], env)).stdout, 'back\nfront\n');
  assert.equal((await compose(dir, ['config', '--profiles'], env)).stdout, 'dev\ntools\n');
  assert.equal((await compose(dir, ['--profile', 'tools', 'config', '--images'], env)).stdout, 'shop-builder\nbusybox\nnginx:1.25\n');
});

test('config SERVICE… prints those services and what they depend on', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': file });
  const r = await compose(dir, ['config', '--services', 'web'], { DB_PASSWORD: 'x' });
  assert.equal(r.stdout, 'db\nweb\n');
  const debug = await compose(dir, ['config', '--services', 'debug'], { DB_PASSWORD: 'x' });
  assert.equal(debug.stdout, 'debug\n');
});

test('config errors: a message naming the place, and compose v2\'s exit codes', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': 'services:\n  web:\n    image: busybox\n    networks: [nope]\n' });
  const r = await compose(dir, ['config']);
  assert.equal(r.code, 15);
  assert.equal(r.stderr, `${dir}/compose.yaml:4:16: service "web" refers to undefined network nope: invalid compose project\n`);
  const none = await compose(join(dir, '..'), ['-f', 'missing.yaml', 'config']);
  assert.equal(none.code, 14);
});

/** docker-compose 1.29's `config`, parsed, for the fields both normalise the same way. */
function facts(doc: any): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  for (const [name, s] of Object.entries<any>(doc.services ?? {})) {
    const ports = (s.ports ?? []).map((p: any) => {
      if (typeof p === 'string') { // 1.29 keeps "ip:published:target/proto" short
        const m = /^(?:(.*):)?(\d*):(\d+)(?:\/(\w+))?$/.exec(p)!;
        return `${m[2] ?? ''}:${m[3]}/${m[4] ?? 'tcp'}`;
      }
      return `${p.published ?? ''}:${p.target}/${p.protocol ?? 'tcp'}`;
    });
    const volumes = (s.volumes ?? []).map((v: any) => (typeof v === 'string' ? (v.split(':')[1] ?? v.split(':')[0]) : v.target));
    const environment = Object.fromEntries(Object.entries<any>(s.environment ?? {}).map(([k, v]) => [k, v === null ? null : String(v)]));
    services[name] = { image: s.image, ports, volumes, environment, networks: Object.keys(s.networks ?? {}).filter((n) => n !== 'default').sort() }; // 1.29 leaves the implicit default out
  }
  return { services, volumes: Object.keys(doc.volumes ?? {}).sort(), networks: Object.keys(doc.networks ?? {}).filter((n) => n !== 'default').sort() };
}

test('the same normalisation as docker-compose 1.29 on files both accept', { skip: !existsSync('/usr/bin/docker-compose') && 'docker-compose 1.29 is not installed' }, async (t) => {
  const files = [
    [
      'version: "3.8"',
      'services:',
      '  web:',
      '    image: "nginx:${TAG:-latest}"',
      '    ports: ["8000-8001:80-81/udp", "127.0.0.1:9000:90", "9100:91"]',
      '    volumes: ["./src:/app:ro", "data:/data", "/tmp"]',
      '    environment: [A=1, B, "C=x y"]',
      '    depends_on: [db]',
      '    networks: [front, back]',
      '  db:',
      '    image: postgres',
      '    environment: {X: 1, Y: "two"}',
      '    networks:',
      '      back:',
      '        aliases: [database]',
      'volumes:',
      '  data: {}',
      'networks:',
      '  front:',
      '  back:',
      '',
    ].join('\n'),
    [
      'services:',
      '  base:',
      '    image: busybox',
      '    environment: {FROM_BASE: "1"}',
      '    ports: ["7000:70"]',
      '  web:',
      '    extends: base',
      '    env_file: [web.env]',
      '    environment: [LOCAL=yes, FROM_SHELL, "ON=on"]',
      '    ports: ["7001:71"]',
      '    volumes:',
      '      - {type: bind, source: ./data, target: /data}',
      '      - logs:/logs:ro',
      'volumes:',
      '  logs:',
      '',
    ].join('\n'),
    [
      'version: "3.8"',
      'x-base: &base',
      '  image: busybox',
      '  environment: {SHARED: "yes"}',
      'services:',
      '  a:',
      '    <<: *base',
      '    ports: ["${PORT:-8080}:80"]',
      '  b:',
      '    <<: *base',
      '    image: "busybox:${B_TAG}"',
      '    volumes: [{type: volume, source: v, target: /v}]',
      'volumes:',
      '  v:',
      '',
    ].join('\n'),
  ];
  for (const [i, content] of files.entries()) {
    const dir = projectDir(t, { 'docker-compose.yml': content, '.env': 'B_TAG=1.36\nTAG=1.25\n', 'web.env': 'FILE_VAR=file\nQUOTED="a b"\n' }, `cmp${i}`);
    const env = { HOME: '/home/tester', PATH: process.env.PATH ?? '/usr/bin:/bin', FROM_SHELL: 'sh' };
    const dc = spawnSync('/usr/bin/docker-compose', ['config'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(dc.status, 0, dc.stderr);
    const ours = await compose(dir, ['config'], { FROM_SHELL: 'sh' });
    assert.equal(ours.code, 0, ours.stderr);
    // what we print reads back the same with a YAML 1.1 reader too (yes/on stay strings)
    assert.deepEqual(parse(ours.stdout, { version: '1.1' }), parse(ours.stdout));
    assert.deepEqual(facts(parse(ours.stdout)), facts(parse(dc.stdout)), `file ${i}`);
  }
});

test('config --hash prints "service hash" lines, for * or a list', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': file });
  const env = { DB_PASSWORD: 'x' };
  const all = await compose(dir, ['config', '--hash', '*'], env);
  assert.equal(all.code, 0, all.stderr);
  const lines = all.stdout.trim().split('\n');
  assert.deepEqual(lines.map((l) => l.split(' ')[0]), ['web', 'db']);
  for (const l of lines) assert.match(l, /^\w+ [0-9a-f]{64}$/);
  const one = await compose(dir, ['config', '--hash', 'db'], env);
  assert.equal(one.stdout, `${lines[1]}\n`);
  // the hash follows the configuration
  const changed = await compose(dir, ['config', '--hash', 'db'], { DB_PASSWORD: 'y' });
  assert.notEqual(changed.stdout, one.stdout);
  const unknown = await compose(dir, ['config', '--hash', 'nope'], env);
  assert.notEqual(unknown.code, 0);
});
