/** The pure parts of berth compose's commands: their parsing and their decisions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDockerHost } from '../../src/client/docker-host.js';
import { parsePluginArgs } from '../../src/cli/docker-plugin.js';
import { parsePortSpec, parseVolumeSpec, shellWords } from '../../src/compose/ops/short-syntax.js';
import { pullDecision } from '../../src/compose/ops/pull.js';
import { combinedStatus, stacksOf } from '../../src/compose/commands/ls.js';
import type { ContainerSummary } from '../../src/common/engine-api/types.js';
import { resolveBuildArgs, serviceImageName } from '../../src/compose/ops/build.js';
import { splitServicePath } from '../../src/compose/commands/exec.js';
import type { Project, ServiceConfig } from '../../src/compose/model.js';

function svc(name: string, extra: Partial<ServiceConfig> = {}): ServiceConfig {
  return { name, environment: {}, labels: {}, ports: [], volumes: [], depends_on: {}, ...extra };
}

function project(services: ServiceConfig[], environment: Record<string, string> = {}): Project {
  return {
    name: 'demo', workingDir: '/work/demo', configFiles: [], environment, networks: {}, volumes: {}, secrets: {}, configs: {}, disabledServices: {},
    services: Object.fromEntries(services.map((s) => [s.name, s])),
  };
}

test('the docker CLI\'s host: -H, --context, DOCKER_HOST, DOCKER_CONTEXT, currentContext, default', (t) => {
  const dir = mkdtempSync('/tmp/bt-dockerhost-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const meta = (name: string, host: string) => {
    const d = join(dir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'meta.json'), JSON.stringify({ Name: name, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
  };
  meta('one', 'unix:///run/one.sock');
  meta('two', 'unix:///run/two.sock');
  const env = { DOCKER_CONFIG: dir };
  assert.deepEqual(resolveDockerHost({ hosts: [], env }), { context: 'default', host: 'unix:///var/run/docker.sock' });
  assert.equal(resolveDockerHost({ hosts: ['unix:///x.sock'], env: { ...env, DOCKER_HOST: 'unix:///y.sock' } }).host, 'unix:///x.sock');
  assert.equal(resolveDockerHost({ hosts: [], context: 'one', env: { ...env, DOCKER_HOST: 'unix:///y.sock' } }).host, 'unix:///run/one.sock');
  assert.equal(resolveDockerHost({ hosts: [], env: { ...env, DOCKER_HOST: 'unix:///y.sock', DOCKER_CONTEXT: 'one' } }).host, 'unix:///y.sock');
  assert.equal(resolveDockerHost({ hosts: [], env: { ...env, DOCKER_CONTEXT: 'one' } }).host, 'unix:///run/one.sock');
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: 'two' }));
  assert.equal(resolveDockerHost({ hosts: [], env }).host, 'unix:///run/two.sock');
  assert.equal(resolveDockerHost({ hosts: [], env: { ...env, DOCKER_CONTEXT: 'one' } }).host, 'unix:///run/one.sock');
  assert.throws(() => resolveDockerHost({ hosts: [], context: 'three', env }), /context "three" does not exist/);
  assert.throws(() => resolveDockerHost({ hosts: ['unix:///x'], context: 'one', env }), /conflicting options/);
});

test('the plugin reads the docker CLI\'s global options before "compose"', () => {
  assert.deepEqual(parsePluginArgs(['compose', 'ps', '-a']).rest, ['ps', '-a']);
  const a = parsePluginArgs(['-H', 'unix:///a', '--context=c', '--config', '/cfg', '-D', 'compose', '-H', 'x']);
  assert.deepEqual(a.hosts, ['unix:///a']);
  assert.equal(a.context, 'c');
  assert.equal(a.config, '/cfg');
  assert.deepEqual(a.rest, ['-H', 'x']);
  assert.deepEqual(parsePluginArgs(['-Hunix:///b', '--host=unix:///c', 'compose']).hosts, ['unix:///b', 'unix:///c']);
  assert.throws(() => parsePluginArgs(['ps']), /docker-compose \[OPTIONS\] compose/);
});

test('run\'s -p, -v and --entrypoint in the model\'s long form', () => {
  assert.deepEqual(parsePortSpec('8080:80'), [{ target: 80, published: '8080', protocol: 'tcp', mode: 'ingress' }]);
  assert.deepEqual(parsePortSpec('127.0.0.1:53:53/udp'), [{ target: 53, published: '53', protocol: 'udp', mode: 'ingress', host_ip: '127.0.0.1' }]);
  assert.deepEqual(parsePortSpec('80'), [{ target: 80, protocol: 'tcp', mode: 'ingress' }]);
  assert.deepEqual(parsePortSpec('9000-9001:80-81').map((p) => `${p.published}->${p.target}`), ['9000->80', '9001->81']);
  assert.throws(() => parsePortSpec('a:b'), /invalid/);
  assert.deepEqual(parseVolumeSpec('./data:/data:ro', '/w'), { type: 'bind', source: '/w/data', target: '/data', read_only: true, bind: { create_host_path: true } });
  assert.deepEqual(parseVolumeSpec('cache:/cache', '/w'), { type: 'volume', source: 'cache', target: '/cache' });
  assert.deepEqual(parseVolumeSpec('/anon', '/w'), { type: 'volume', target: '/anon' });
  assert.deepEqual(shellWords(`sh -c 'echo "a b"' x\\ y ""`), ['sh', '-c', 'echo "a b"', 'x y', '']);
  assert.deepEqual(shellWords(''), []);
  assert.throws(() => shellWords('"open'), /invalid command line/);
});

test('compose pull\'s decisions by pull_policy', () => {
  const s = (image: string | undefined, pull_policy?: string) => svc('web', { image, pull_policy });
  assert.deepEqual(pullDecision(s(undefined), false), { pull: false, why: 'Skipped - No image to be pulled' });
  assert.deepEqual(pullDecision(s('busybox'), true), { pull: true });
  assert.deepEqual(pullDecision(s('busybox', 'never'), false), { pull: false, why: 'Skipped' });
  assert.equal(pullDecision(s('busybox', 'build'), false).pull, false);
  assert.equal(pullDecision(s('busybox', 'always'), true).pull, true);
  // missing: a present :latest is pulled again, a present pinned tag is not
  assert.equal(pullDecision(s('busybox', 'missing'), true).pull, true);
  assert.deepEqual(pullDecision(s('busybox:1.36', 'missing'), true), { pull: false, why: 'Skipped - Image is already present locally' });
  assert.equal(pullDecision(s('busybox:1.36', 'if_not_present'), false).pull, true);
  // --policy overrides the file's
  assert.equal(pullDecision(s('busybox:1.36', 'never'), true, 'always').pull, true);
  assert.throws(() => pullDecision(s('busybox', 'sometimes'), false), /invalid pull_policy/);
  assert.throws(() => pullDecision(s('busybox', 'daily'), false), /not supported/);
});

test('ls groups containers by project', () => {
  assert.equal(combinedStatus(['running', 'exited', 'running']), 'exited(1), running(2)');
  const c = (p: string, state: ContainerSummary['State'], files?: string) => ({ State: state, Labels: { 'com.docker.compose.project': p, ...(files ? { 'com.docker.compose.project.config_files': files } : {}) } });
  assert.deepEqual(stacksOf([c('b', 'running', '/b/compose.yaml'), c('a', 'exited', '/a/x.yml,/a/y.yml'), c('a', 'running', '/a/x.yml')]), [
    { Name: 'a', Status: 'exited(1), running(1)', ConfigFiles: '/a/x.yml,/a/y.yml' },
    { Name: 'b', Status: 'running(1)', ConfigFiles: '/b/compose.yaml' },
  ]);
  assert.equal(stacksOf([c('a', 'running')])[0].ConfigFiles, 'N/A');
});

test('build args and image names', () => {
  const web = svc('web', { build: { context: '.', args: { A: '1', FROM_ENV: null, UNSET: null } } });
  const db = svc('db', { image: 'busybox' });
  const p = project([web, db], { FROM_ENV: 'env', B: 'bee' });
  assert.deepEqual(resolveBuildArgs(p, web, ['A=2', 'B', 'C=3', 'NOPE']), { A: '2', FROM_ENV: 'env', B: 'bee', C: '3' });
  assert.equal(serviceImageName(p, web), 'demo-web');
  assert.equal(serviceImageName(p, db), 'busybox');
});

test('cp arguments: service:path, or a local path', () => {
  assert.deepEqual(splitServicePath('web:/etc/hosts'), { service: 'web', path: '/etc/hosts' });
  assert.deepEqual(splitServicePath('./a:b'), { service: '', path: './a:b' });
  assert.deepEqual(splitServicePath('/abs:x'), { service: '', path: '/abs:x' });
  assert.deepEqual(splitServicePath('file.txt'), { service: '', path: 'file.txt' });
});
