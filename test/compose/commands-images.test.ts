/**
 * compose build, push and pull through a real `berth serve` and a berth registry: a service built
 * from a Dockerfile with args (one from the environment), labels, .dockerignore and an inline
 * Dockerfile; its image pushed, removed and pulled back with compose's progress lines; pull_policy
 * and --ignore-pull-failures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BERTH_BIN } from '../helpers/daemon.js';
import { daemonForClients, runProgram } from '../compat/helpers.js';
import { serveRegistry } from '../registry/peers.js';

const REG = '127.0.0.1:5011';

const FILE = `services:
  app:
    build:
      context: ./app
      args:
        GREETING:
        FIXED: fixed
      labels:
        com.example.built-by: compose
    image: ${REG}/demo/app:v1
    network_mode: none
    command: ["cat", "/greeting"]
  tool:
    build:
      context: ./tool
      dockerfile_inline: |
        FROM busybox
        RUN echo tool > /tool
    network_mode: none
  db:
    image: busybox
    pull_policy: never
    network_mode: none
  ghost:
    image: ${REG}/demo/none:v1
    network_mode: none
`;

test('compose build, push and pull', { timeout: 300_000 }, async (t) => {
  const { d } = await daemonForClients(t);
  const dir = mkdtempSync('/tmp/bt-compose-img-');
  const reg = await serveRegistry(d.netns, join(dir, 'reg'), REG);
  t.after(() => { reg.stop(); rmSync(dir, { recursive: true, force: true }); });
  const proj = join(dir, 'proj');
  mkdirSync(join(proj, 'app'), { recursive: true });
  mkdirSync(join(proj, 'tool'));
  writeFileSync(join(proj, 'compose.yaml'), FILE);
  writeFileSync(join(proj, 'app', 'Dockerfile'), 'FROM busybox\nARG GREETING\nARG FIXED\nRUN echo "$GREETING $FIXED" > /greeting\nCOPY . /ctx\n');
  writeFileSync(join(proj, 'app', '.dockerignore'), 'secret.txt\n');
  writeFileSync(join(proj, 'app', 'secret.txt'), 'not for the image\n');
  writeFileSync(join(proj, 'app', 'kept.txt'), 'kept\n');
  const env: NodeJS.ProcessEnv = { ...process.env, BERTH_NO_AUTOSTART: '1', GREETING: 'hello' };
  delete env.NODE_TEST_CONTEXT;
  delete env.DOCKER_HOST;
  const compose = (args: string[], extra: NodeJS.ProcessEnv = {}) => runProgram(BERTH_BIN, ['-H', `unix://${d.socket}`, 'compose', '-p', 'demo', '--progress', 'plain', ...args], { env: { ...env, ...extra }, cwd: proj, timeoutMs: 120_000 });
  const ok = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const r = await compose(args, extra);
    assert.equal(r.code, 0, `compose ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r;
  };
  const imageOf = async (ref: string) => (await d.api('GET', `/images/${encodeURIComponent(ref)}/json`));
  const fileIn = async (ref: string, path: string) => (await d.ok(['run', '--rm', '--network', 'none', ref, 'cat', path])).trim();

  const built = await ok(['build']);
  assert.match(built.stderr, / Service app Built /);
  assert.match(built.stderr, / Service tool Built /);
  const app = await imageOf(`${REG}/demo/app:v1`);
  assert.equal(app.status, 200);
  assert.equal(app.body.Config.Labels['com.example.built-by'], 'compose');
  assert.equal(app.body.Config.Labels['com.docker.compose.image.builder'], 'classic');
  assert.equal(await fileIn(`${REG}/demo/app:v1`, '/greeting'), 'hello fixed');
  assert.equal(await fileIn(`${REG}/demo/app:v1`, '/ctx/kept.txt'), 'kept');
  assert.notEqual((await d.berth(['run', '--rm', '--network', 'none', `${REG}/demo/app:v1`, 'cat', '/ctx/secret.txt'])).code, 0, '.dockerignore applied');
  // no image: named <project>-<service>; dockerfile_inline
  assert.equal(await fileIn('demo-tool', '/tool'), 'tool');

  await ok(['build', '-q', '--build-arg', 'GREETING=bye', 'app']);
  assert.equal(await fileIn(`${REG}/demo/app:v1`, '/greeting'), 'bye fixed');
  const unknown = await compose(['build', 'nope']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no such service: nope/);

  const pushed = await ok(['push', 'app', 'db']);
  assert.match(pushed.stderr, new RegExp(` ${REG.replace(/\./g, '\\.')}/demo/app:v1 Pushed `));
  assert.match(pushed.stderr, / db Skipped /);

  assert.equal((await d.api('DELETE', `/images/${encodeURIComponent(`${REG}/demo/app:v1`)}`)).status, 200);
  const pulled = await ok(['pull', 'app', 'db']);
  assert.match(pulled.stderr, / app Pulling /);
  assert.match(pulled.stderr, / app Pulled /);
  assert.match(pulled.stderr, / db Skipped /);
  assert.equal((await imageOf(`${REG}/demo/app:v1`)).status, 200);
  assert.equal((await ok(['pull', '-q', 'app'])).stderr, '');

  const failed = await compose(['pull', 'ghost']);
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, / ghost Error /);
  const ignored = await compose(['pull', '--ignore-pull-failures', 'ghost', 'app']);
  assert.equal(ignored.code, 0, ignored.stderr);
  assert.match(ignored.stderr, / app Pulled /);
});
