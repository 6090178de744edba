/**
 * The ways into berth compose besides `berth compose`: the docker CLI plugin (the docker CLI v28 runs
 * cli-plugins/docker-compose for `docker compose`, with the engine it would use itself: -H,
 * DOCKER_HOST, --context, the current context) and bin/berth-compose.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/daemon.js';
import { daemonForClients, DOCKER, runOk, runProgram } from '../compat/helpers.js';

const PLUGIN = join(REPO, 'cli-plugins', 'docker-compose');
const BERTH_COMPOSE = join(REPO, 'bin', 'berth-compose');

/** A docker config directory whose cli-plugins holds berth's plugin (a link, as the install script makes). */
function pluginConfig(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync('/tmp/bt-dockercfg-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'cli-plugins'));
  symlinkSync(PLUGIN, join(dir, 'cli-plugins', 'docker-compose'));
  return dir;
}

function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of ['NODE_TEST_CONTEXT', 'DOCKER_HOST', 'DOCKER_CONTEXT', 'BERTH_HOST']) if (!(k in extra)) delete env[k];
  return env;
}

test('the plugin answers the docker CLI\'s metadata call, and docker compose version runs berth\'s', { skip: !existsSync(DOCKER) && 'docker CLI not installed' }, async (t) => {
  const meta = await runProgram(PLUGIN, ['docker-cli-plugin-metadata'], { env: cleanEnv({}) });
  assert.equal(meta.code, 0, meta.stderr);
  const m = JSON.parse(meta.stdout);
  assert.equal(m.SchemaVersion, '0.1.0');
  assert.equal(m.Vendor, 'berth');
  assert.match(m.Version, /^v2\.\d+\.\d+/);
  assert.equal(typeof m.ShortDescription, 'string');

  const cfg = pluginConfig(t);
  const v = await runOk(DOCKER, ['compose', 'version'], { env: cleanEnv({ DOCKER_CONFIG: cfg, HOME: cfg }) });
  assert.match(v.stdout, /^berth compose version v2\./);
  const short = await runOk(DOCKER, ['compose', 'version', '--short'], { env: cleanEnv({ DOCKER_CONFIG: cfg, HOME: cfg }) });
  assert.equal(short.stdout, m.Version.slice(1) + '\n');
});

test('docker compose ps reaches the engine the docker CLI would use; berth-compose takes -H', { skip: !existsSync(DOCKER) && 'docker CLI not installed', timeout: 120_000 }, async (t) => {
  const { d } = await daemonForClients(t);
  const cfg = pluginConfig(t);
  // a container of project "plug" as compose labels it
  const labels = {
    'com.docker.compose.project': 'plug', 'com.docker.compose.service': 'web', 'com.docker.compose.container-number': '1',
    'com.docker.compose.oneoff': 'False', 'com.docker.compose.config-hash': 'x', 'com.docker.compose.project.config_files': '/nowhere/compose.yaml',
  };
  const created = await d.api('POST', '/containers/create?name=plug-web-1', { Image: 'busybox', Cmd: ['sleep', '60'], Labels: labels, HostConfig: { NetworkMode: 'none' } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal((await d.api('POST', `/containers/${created.body.Id}/start`)).status, 204);

  const base = { DOCKER_CONFIG: cfg, HOME: cfg };
  const psLine = /^NAME\s+IMAGE\s+COMMAND\s+SERVICE\s+CREATED\s+STATUS\s+PORTS\nplug-web-1\s+busybox\s+"sleep 60"\s+web\s+.*Up/;
  // -H before compose, as the docker CLI passes its global options on
  assert.match((await runOk(DOCKER, ['-H', `unix://${d.socket}`, 'compose', '-p', 'plug', 'ps'], { env: cleanEnv(base) })).stdout, psLine);
  // DOCKER_HOST
  assert.match((await runOk(DOCKER, ['compose', '-p', 'plug', 'ps'], { env: cleanEnv({ ...base, DOCKER_HOST: `unix://${d.socket}` }) })).stdout, psLine);
  // a context made by the docker CLI: by --context, then as the current context
  await runOk(DOCKER, ['context', 'create', 'berth-test', '--docker', `host=unix://${d.socket}`], { env: cleanEnv(base) });
  assert.match((await runOk(DOCKER, ['--context', 'berth-test', 'compose', '-p', 'plug', 'ps'], { env: cleanEnv(base) })).stdout, psLine);
  await runOk(DOCKER, ['context', 'use', 'berth-test'], { env: cleanEnv(base) });
  assert.match((await runOk(DOCKER, ['compose', '-p', 'plug', 'ls'], { env: cleanEnv(base) })).stdout, /\nplug\s+running\(1\)\s+\/nowhere\/compose\.yaml\n/);
  // DOCKER_HOST wins over the current context, as in the docker CLI; a socket nobody serves is an error, and no daemon is started for it
  const nowhere = join(cfg, 'run', 'none.sock');
  const down = await runProgram(DOCKER, ['compose', '-p', 'plug', 'ps'], { env: cleanEnv({ ...base, DOCKER_HOST: `unix://${nowhere}` }) });
  assert.equal(down.code, 1);
  assert.match(down.stderr, /Cannot connect to .*none\.sock/);
  assert.ok(!existsSync(join(cfg, 'run')), 'no daemon was started for the docker CLI\'s host');

  // berth-compose: berth's own global options before the command
  const standalone = await runOk(BERTH_COMPOSE, ['-H', `unix://${d.socket}`, '-p', 'plug', 'ps', '--format', '{{.Name}} {{.Service}}'], { env: cleanEnv({ BERTH_NO_AUTOSTART: '1' }) });
  assert.equal(standalone.stdout, 'plug-web-1 web\n');
});
