/**
 * Contexts route real commands: two berth daemons and a dockerd (each with its own root in a network
 * namespace of its own), contexts naming their sockets, and berth (CLI and compose) and the docker
 * CLI switched between them by --context, DOCKER_CONTEXT and `context use`, without -H.
 *
 * Every berth run has BERTH_NO_AUTOSTART=1 and a private BERTH_RUN_ROOT, DOCKER_CONFIG and HOME, so
 * the only engines it can reach are the test's; the docker CLI gets the same private config.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BERTH_BIN, cleanEnv, startDaemon, type RunResult, type TestDaemon } from '../helpers/daemon.js';
import { dockerdMissing, runDockerCli, startDockerd } from '../helpers/dockerd.js';
import { runProgram } from '../compat/helpers.js';

interface Client { dir: string; env: NodeJS.ProcessEnv }

function client(t: { after: (fn: () => void) => void }): Client {
  const dir = mkdtempSync('/tmp/bt-ctxr-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = cleanEnv({ BERTH_NO_AUTOSTART: '1', BERTH_RUN_ROOT: join(dir, 'no-daemon'), DOCKER_CONFIG: join(dir, 'docker-config'), HOME: dir });
  for (const k of ['DOCKER_CONTEXT', 'BERTH_HOST', 'DOCKER_API_VERSION']) delete env[k];
  return { dir, env };
}

async function berth(c: Client, args: string[], env: NodeJS.ProcessEnv = {}, opts: { cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  const r: RunResult = await runProgram(BERTH_BIN, args, { env: { ...c.env, ...env }, cwd: opts.cwd, timeoutMs: opts.timeoutMs ?? 60_000 });
  assert.equal(r.code, 0, `berth ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

async function volumes(socketApi: TestDaemon['api']): Promise<string[]> {
  const r = await socketApi('GET', '/volumes');
  return ((r.body?.Volumes ?? []) as Array<{ Name: string }>).map((v) => v.Name).sort();
}

test('--context, DOCKER_CONTEXT and context use route berth and berth compose to one of two berth daemons', async (t) => {
  const a = await startDaemon();
  t.after(() => a.cleanup());
  const b = await startDaemon();
  t.after(() => b.cleanup());
  const c = client(t);
  await berth(c, ['context', 'create', 'eng-a', '--docker', `host=unix://${a.socket}`]);
  await berth(c, ['context', 'create', 'eng-b', '--docker', `host=unix://${b.socket}`]);

  await berth(c, ['--context', 'eng-a', 'volume', 'create', 'flag-a']);
  await berth(c, ['volume', 'create', 'env-b'], { DOCKER_CONTEXT: 'eng-b' });
  await berth(c, ['context', 'use', 'eng-a']);
  await berth(c, ['volume', 'create', 'current-a']);
  // the precedence, each against the config's current context (eng-a)
  await berth(c, ['volume', 'create', 'env-over-current-b'], { DOCKER_CONTEXT: 'eng-b' });
  await berth(c, ['--context', 'eng-b', 'volume', 'create', 'flag-over-env-b'], { DOCKER_CONTEXT: 'eng-a' });
  await berth(c, ['volume', 'create', 'docker-host-over-context-b'], { DOCKER_HOST: `unix://${b.socket}`, DOCKER_CONTEXT: 'eng-a' });
  await berth(c, ['volume', 'create', 'berth-host-over-context-b'], { BERTH_HOST: `unix://${b.socket}` });
  await berth(c, ['-H', `unix://${b.socket}`, 'volume', 'create', 'host-flag-b'], { DOCKER_CONTEXT: 'eng-a' });
  assert.deepEqual(await volumes(a.api), ['current-a', 'flag-a']);
  assert.deepEqual(await volumes(b.api), ['berth-host-over-context-b', 'docker-host-over-context-b', 'env-b', 'env-over-current-b', 'flag-over-env-b', 'host-flag-b']);

  // containers: an image built on eng-a, a container run there; eng-b has neither
  await berth(c, ['image', 'bootstrap', 'busybox'], {}, { timeoutMs: 120_000 });
  assert.equal(await berth(c, ['run', '--rm', 'busybox', 'echo', 'hello from a']), 'hello from a\n');
  assert.equal((await b.api('GET', '/images/json')).body.length, 0);

  // compose honours the context too
  const project = join(c.dir, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'compose.yaml'), 'services:\n  idle:\n    image: busybox\n    command: ["sleep", "60"]\n');
  await berth(c, ['compose', '-p', 'ctxproj', 'up', '-d'], {}, { cwd: project, timeoutMs: 90_000 });
  const onA = (await a.api('GET', '/containers/json?all=1')).body as Array<{ Labels: Record<string, string> }>;
  assert.ok(onA.some((x) => x.Labels['com.docker.compose.project'] === 'ctxproj'), 'the compose project runs on eng-a');
  assert.equal(((await b.api('GET', '/containers/json?all=1')).body as unknown[]).length, 0);
  // the same project through DOCKER_CONTEXT, taken down
  await berth(c, ['compose', '-p', 'ctxproj', 'down', '-t', '1'], { DOCKER_CONTEXT: 'eng-a' }, { cwd: project, timeoutMs: 90_000 });
  assert.equal(((await a.api('GET', '/containers/json?all=1')).body as unknown[]).length, 0);
});

test('one user switches between berth and dockerd with contexts, from berth and from the docker CLI', { skip: dockerdMissing() || false }, async (t) => {
  const a = await startDaemon();
  t.after(() => a.cleanup());
  const dk = await startDockerd();
  t.after(() => dk.cleanup());
  const c = client(t);
  const docker = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> => {
    const r = await runDockerCli({ ...c.env, ...env }, args, { timeoutMs: 60_000 });
    assert.equal(r.code, 0, `docker ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  // one context made by each tool
  await berth(c, ['context', 'create', 'berth-engine', '--description', 'berth', '--docker', `host=unix://${a.socket}`]);
  await docker(['context', 'create', 'docker-engine', '--description', 'dockerd', '--docker', `host=unix://${dk.socket}`]);

  // berth, switched without flags
  await berth(c, ['context', 'use', 'docker-engine']);
  await berth(c, ['volume', 'create', 'made-by-berth-on-dockerd']);
  await berth(c, ['context', 'use', 'berth-engine']);
  await berth(c, ['volume', 'create', 'made-by-berth-on-berth']);
  assert.match(await berth(c, ['version', '--format', '{{.Server.Version}}'], { DOCKER_CONTEXT: 'docker-engine' }), /^20\.10\./);

  // the docker CLI follows the context berth chose, and the other way round
  assert.equal(await docker(['context', 'show']), 'berth-engine\n');
  await docker(['volume', 'create', 'made-by-docker-on-berth']);
  await docker(['context', 'use', 'docker-engine']);
  await docker(['volume', 'create', 'made-by-docker-on-dockerd']);
  assert.equal(await berth(c, ['context', 'show']), 'docker-engine\n');
  assert.match(await berth(c, ['volume', 'ls', '-q']), /^made-by-docker-on-dockerd$/m);

  assert.deepEqual(await volumes(a.api), ['made-by-berth-on-berth', 'made-by-docker-on-berth']);
  assert.deepEqual(await volumes(dk.api), ['made-by-berth-on-dockerd', 'made-by-docker-on-dockerd']);
  // and berth says where each context points, as docker does
  const row = (await berth(c, ['context', 'ls', '--format', '{{.Name}} {{.Current}} {{.DockerEndpoint}}'])).split('\n');
  assert.ok(row.includes(`docker-engine true unix://${dk.socket}`));
  assert.ok(row.includes(`berth-engine false unix://${a.socket}`));
});
