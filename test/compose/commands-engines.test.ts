/**
 * berth compose's own commands against berth and against dockerd alike (the cross-engine harness):
 * build with args, run with a dependency, --rm, -e and the exit code, exec, cp both ways, ps, port and
 * top give the same results on both engines.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { berthCompose, enginesMissing, ok, startEngines, type Engine, type Engines } from './engines.js';

const FILE = `services:
  db:
    image: busybox
    command: ["sh", "-c", "trap 'exit 0' TERM; touch /tmp/ready; while true; do sleep 0.2; done"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
      retries: 30
  app:
    build:
      context: ./app
      args:
        GREETING: built
    depends_on:
      db:
        condition: service_healthy
    ports:
      - "18090:80"
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done"]
`;

const missing = enginesMissing();
let engines: Engines & { stop(): Promise<void> };
const dirs: string[] = [];
before(async () => { if (!missing) engines = await startEngines(); }, { timeout: 180_000 });
after(async () => {
  await engines?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function onBoth<T>(fn: (e: Engine) => Promise<T>): Promise<{ berth: T; dockerd: T }> {
  const [berth, dockerd] = await Promise.all([fn(engines.berth), fn(engines.dockerd)]);
  return { berth, dockerd };
}

test('build, run, exec, cp, ps, port and top on berth and dockerd alike', { skip: missing, timeout: 300_000 }, async () => {
  const dir = mkdtempSync('/tmp/bt-compose-eng-');
  dirs.push(dir);
  mkdirSync(join(dir, 'app'));
  writeFileSync(join(dir, 'compose.yaml'), FILE);
  writeFileSync(join(dir, 'app', 'Dockerfile'), 'FROM busybox\nARG GREETING\nRUN echo "$GREETING" > /greeting\n');
  writeFileSync(join(dir, 'in.txt'), 'into the container\n');
  const compose = (e: Engine, args: string[]) => berthCompose(e, dir, ['-p', 'cmdx', '--progress', 'plain', ...args], { timeoutMs: 120_000 });
  const good = (e: Engine, args: string[]) => ok(compose(e, args), `compose ${args.join(' ')} on ${e.name}`);

  await onBoth((e) => good(e, ['build']));
  // run: the dependency made healthy first, -e, the image's build arg, the exit code, nothing left with --rm
  const run = await onBoth((e) => compose(e, ['run', '--rm', '-T', '-e', 'X=from-run', 'app', 'sh', '-c', 'echo $X $(cat /greeting); exit 4']));
  for (const r of [run.berth, run.dockerd]) {
    assert.equal(r.code, 4, r.stderr);
    assert.equal(r.stdout, 'from-run built\n');
  }
  const afterRun = await onBoth(async (e) => (await good(e, ['ps', '-a', '--format', '{{.Service}} {{.State}} {{.Health}}'])).stdout);
  assert.equal(afterRun.berth, 'db running healthy\n');
  assert.deepEqual(afterRun.berth, afterRun.dockerd);

  await onBoth((e) => good(e, ['up', '-d', '--wait']));
  const ps = await onBoth(async (e) => (await good(e, ['ps', '--format', '{{.Name}} {{.Service}} {{.State}} {{.Ports}}'])).stdout);
  assert.equal(ps.berth, 'cmdx-app-1 app running 0.0.0.0:18090->80/tcp\ncmdx-db-1 db running \n');
  // dockerd also publishes on [::] (an engine difference, not compose's)
  assert.equal(ps.dockerd.replace(', [::]:18090->80/tcp', ''), ps.berth);
  const port = await onBoth(async (e) => (await good(e, ['port', 'app', '80'])).stdout);
  assert.deepEqual(port, { berth: '0.0.0.0:18090\n', dockerd: '0.0.0.0:18090\n' });

  const exec = await onBoth((e) => compose(e, ['exec', '-T', 'app', 'sh', '-c', 'cat /greeting; exit 6']));
  assert.deepEqual([exec.berth.code, exec.berth.stdout], [6, 'built\n']);
  assert.deepEqual([exec.dockerd.code, exec.dockerd.stdout], [6, 'built\n']);

  await onBoth((e) => good(e, ['cp', join(dir, 'in.txt'), 'app:/tmp/in.txt']));
  await onBoth((e) => good(e, ['cp', 'app:/tmp/in.txt', join(dir, `out-${e.name}.txt`)]));
  assert.equal(readFileSync(join(dir, 'out-berth.txt'), 'utf8'), 'into the container\n');
  assert.equal(readFileSync(join(dir, 'out-dockerd.txt'), 'utf8'), 'into the container\n');

  const top = await onBoth(async (e) => (await good(e, ['top', 'app'])).stdout.split('\n'));
  for (const t of [top.berth, top.dockerd]) {
    assert.deepEqual(t[0].split(/\s+/).slice(0, 2), ['SERVICE', '#']);
    assert.equal(t[0].split(/\s+/).at(-1), 'CMD');
    assert.match(t[1], /^app\s+1\s/);
  }

  await onBoth((e) => good(e, ['down']));
});
