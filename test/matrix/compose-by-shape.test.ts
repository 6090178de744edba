/**
 * The container shapes compose can express, through docker-compose 1.29: one project with a
 * service per shape, `up -d` once, then exec / logs / top / restart / ps against each service and
 * `down -v` at the end. Cells are named `compose <op> × <shape>` like ops-by-shape.test.ts's.
 * (compose 1.29 has no cp; user namespaces and --rm are not compose shapes.)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { runOk, runProgram } from '../compat/helpers.js';

const COMPOSE = '/usr/bin/docker-compose';
const skip = !existsSync(COMPOSE) && 'docker-compose not installed';
const work = mkdtempSync('/tmp/bt-matrix-compose-');
const bindDir = join(work, 'bind');
const LOOP = (name: string) => `sh -c 'trap "exit 0" TERM; echo ready ${name}; while true; do sleep 0.5; done'`;

interface Shape { name: string; service: string; yaml: string; dir: string; uid: number; readOnly?: boolean; hostData?: () => Promise<string> }

const SHAPES: Shape[] = [
  { name: 'named volume', service: 'named', yaml: 'volumes: ["data:/data"]', dir: '/data', uid: 0,
    hostData: async () => (await d.api('GET', '/volumes/mxc_data')).body.Mountpoint },
  { name: 'anonymous volume', service: 'anon', yaml: 'volumes: ["/data"]', dir: '/data', uid: 0,
    hostData: async () => (await d.api('GET', '/containers/mxc_anon_1/json')).body.Mounts[0].Source },
  { name: 'bind', service: 'bind', yaml: `volumes: ["${bindDir}:/data"]`, dir: '/data', uid: 0, hostData: async () => bindDir },
  { name: 'tmpfs', service: 'tmpfs', yaml: 'tmpfs: ["/data"]', dir: '/data', uid: 0 },
  { name: 'read-only rootfs', service: 'readonly', yaml: 'read_only: true', dir: '/tmp', uid: 0, readOnly: true },
  { name: 'user-defined network', service: 'net', yaml: 'networks: [front]', dir: '/tmp', uid: 0 },
  { name: 'custom user', service: 'user', yaml: 'user: "1000:1000"', dir: '/tmp', uid: 1000 },
  { name: 'healthcheck', service: 'health', yaml: 'healthcheck: { test: ["CMD", "test", "-f", "/etc/hostname"], interval: 300ms }', dir: '/tmp', uid: 0 },
];

const TODO: Record<string, string> = {
};

function composeFile(): string {
  const services = SHAPES.map((s) => `  ${s.service}:\n    image: busybox\n    command: ${LOOP(s.name)}\n    ${s.yaml}\n`).join('');
  return `version: "2.4"\nservices:\n${services}volumes:\n  data: {}\nnetworks:\n  front: {}\n`;
}

let d: TestDaemon;
let env: NodeJS.ProcessEnv;
const compose = (args: string[], timeoutMs = 90_000) => runOk(COMPOSE, ['--no-ansi', '-p', 'mxc', ...args], { env, cwd: work, timeoutMs });
const container = async (s: Shape) => (await d.api('GET', `/containers/mxc_${s.service}_1/json`)).body;

before(async () => {
  if (skip) return;
  d = await startDaemon();
  env = { ...cleanEnv(), DOCKER_HOST: `unix://${d.socket}`, DOCKER_CONFIG: work, HOME: work, COMPOSE_INTERACTIVE_NO_CLI: '1' };
  delete env.DOCKER_API_VERSION;
  delete env.DOCKER_CONTEXT;
  mkdirSync(bindDir);
  writeFileSync(join(work, 'docker-compose.yml'), composeFile());
  await d.ok(['pull', 'busybox'], { timeoutMs: 120_000 });
  await compose(['up', '-d'], 180_000);
});

after(async () => {
  await d?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

function cell(op: string, s: Shape, fn: () => Promise<void>): void {
  const name = `compose ${op} × ${s.name}`;
  test(name, { skip, ...(TODO[name] ? { todo: TODO[name] } : {}) }, fn);
}

for (const s of SHAPES) {
  cell('ps', s, async () => {
    const line = (await compose(['ps'])).stdout.split('\n').find((l) => l.startsWith(`mxc_${s.service}_1 `));
    assert.match(line ?? '', /\bUp\b/);
    if (s.service === 'health') {
      const end = Date.now() + 15_000;
      while ((await container(s)).State.Health?.Status !== 'healthy' && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      assert.match((await compose(['ps'])).stdout, /mxc_health_1 .*Up \(healthy\)/);
    }
    const c = await container(s);
    assert.equal(c.Config.Labels['com.docker.compose.service'], s.service);
    assert.equal(c.HostConfig.ReadonlyRootfs, !!s.readOnly);
    if (s.service === 'net') assert.match(c.NetworkSettings.Networks.mxc_front?.IPAddress ?? '', /^\d+\.\d+\.\d+\.\d+$/);
    if (s.service === 'tmpfs') assert.deepEqual(c.HostConfig.Tmpfs, { '/data': '' });
  });
}

for (const s of SHAPES) {
  cell('exec', s, async () => {
    const r = await runProgram(COMPOSE, ['--no-ansi', '-p', 'mxc', 'exec', '-T', s.service, 'sh', '-c', `id -u; echo ${s.service} > ${s.dir}/f && cat ${s.dir}/f`], { env, cwd: work, timeoutMs: 60_000 });
    assert.equal(r.stdout.split('\n')[0], String(s.uid), r.stderr);
    if (s.readOnly) {
      assert.notEqual(r.code, 0);
      // compose 1.29 exec -T reads the exec's output as one stream: the error comes on its stdout
      assert.match(r.stdout, /Read-only file system/, `stdout: ${r.stdout} stderr: ${r.stderr}`);
      return;
    }
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${s.uid}\n${s.service}\n`);
    if (s.hostData) assert.equal(readFileSync(join(await s.hostData(), 'f'), 'utf8'), `${s.service}\n`, 'exec wrote into the volume data');
  });
}

for (const s of SHAPES) {
  cell('logs', s, async () => {
    assert.match((await compose(['logs', '--no-color', s.service])).stdout, new RegExp(`${s.service}_1\\s+\\| ready ${s.name}$`, 'm'));
  });
}

for (const s of SHAPES) {
  cell('top', s, async () => {
    const out = (await compose(['top', s.service])).stdout;
    assert.match(out, new RegExp(`^mxc_${s.service}_1$`, 'm'));
    assert.match(out, /while true/);
  });
}

for (const s of SHAPES) {
  cell('restart', s, async () => {
    const before = (await container(s)).State;
    await compose(['restart', '-t', '3', s.service]);
    const now = (await container(s)).State;
    assert.equal(now.Status, 'running');
    assert.notEqual(now.StartedAt, before.StartedAt);
    // what exec wrote into the volume outlives the restart (and a tmpfs starts empty again)
    if (s.hostData && !TODO[`compose exec × ${s.name}`]) assert.equal(readFileSync(join(await s.hostData(), 'f'), 'utf8'), `${s.service}\n`);
    assert.match((await compose(['ps'])).stdout, new RegExp(`mxc_${s.service}_1 .*\\bUp\\b`));
  });
}

test('compose down -v × all shapes', { skip }, async () => {
  const anon = (await container(SHAPES[1])).Mounts[0].Name;
  await compose(['down', '-v']);
  assert.deepEqual((await d.api('GET', '/containers/json?all=1')).body, []);
  const vols = ((await d.api('GET', '/volumes')).body.Volumes ?? []).map((v: any) => v.Name);
  assert.ok(!vols.includes('mxc_data'), 'the named volume went with down -v');
  assert.ok(!vols.includes(anon), 'the anonymous volume went with down -v');
  const nets = (await d.api('GET', '/networks')).body.map((n: any) => n.Name);
  assert.ok(!nets.includes('mxc_front') && !nets.includes('mxc_default'), nets.join(' '));
  assert.ok(existsSync(bindDir), 'a bind source is left alone');
});
