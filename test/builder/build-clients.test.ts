/**
 * Other clients of POST /build against `berth serve`: docker-compose (1.29,
 * docker-py) `build` of a service with `build:`, and dockerode's buildImage.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { startDaemon, cleanEnv, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
let base: string;

before(async () => {
  d = await startDaemon();
  base = mkdtempSync(join(tmpdir(), 'berth-build-clients-'));
});
after(async () => {
  await d?.cleanup();
  if (base) rmSync(base, { recursive: true, force: true });
});

function compose(dir: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    // cleanEnv drops DOCKER_HOST, so it is set afterwards
    const env = { ...cleanEnv({ DOCKER_CONFIG: join(base, 'dockercfg'), COMPOSE_PROJECT_NAME: 'berthbuild' }), DOCKER_HOST: `unix://${d.socket}` };
    const child = spawn('docker-compose', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`docker-compose ${args.join(' ')} timed out`)); }, 120_000);
    child.stdout.on('data', (b) => { out += b; });
    child.stderr.on('data', (b) => { out += b; });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, out }); });
  });
}

test('docker-compose build builds a service image', async () => {
  const dir = join(base, 'compose');
  mkdirSync(join(dir, 'app'), { recursive: true });
  mkdirSync(join(base, 'dockercfg'), { recursive: true });
  writeFileSync(join(dir, 'docker-compose.yml'), [
    'version: "3.8"',
    'services:',
    '  web:',
    '    build:',
    '      context: ./app',
    '      args:',
    '        MSG: from-compose',
    '    image: composed/web:1',
  ].join('\n') + '\n');
  writeFileSync(join(dir, 'app', 'Dockerfile'), 'FROM busybox\nARG MSG\nCOPY hello.txt /hello.txt\nRUN echo "$MSG" > /msg\n');
  writeFileSync(join(dir, 'app', 'hello.txt'), 'hello compose\n');
  const r = await compose(dir, ['build']);
  assert.equal(r.code, 0, r.out);
  const out = await d.berth(['run', '--rm', 'composed/web:1', 'cat', '/hello.txt', '/msg']);
  assert.equal(out.stdout, 'hello compose\nfrom-compose\n');
  const again = await compose(dir, ['build']);
  assert.equal(again.code, 0, again.out);
  assert.match(again.out, /Using cache/);
});

test('dockerode buildImage streams progress and tags the image', async () => {
  const dir = join(base, 'dockerode');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nCOPY data.txt /data.txt\nCMD ["cat", "/data.txt"]\n');
  writeFileSync(join(dir, 'data.txt'), 'from dockerode\n');
  const docker = new Docker({ socketPath: d.socket });
  const stream = await docker.buildImage({ context: dir, src: ['Dockerfile', 'data.txt'] }, { t: 'dockerode/app:1' });
  const events = await new Promise<any[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('buildImage did not finish')), 120_000);
    docker.modem.followProgress(stream, (err, res) => { clearTimeout(timer); if (err) reject(err); else resolve(res); });
  });
  assert.equal(events.find((e) => e.error), undefined, JSON.stringify(events));
  const id = events.find((e) => e.aux?.ID)?.aux.ID;
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  const info = await docker.getImage('dockerode/app:1').inspect();
  assert.equal(info.Id, id);
  assert.deepEqual(info.Config.Cmd, ['cat', '/data.txt']);
  assert.equal((await d.berth(['run', '--rm', 'dockerode/app:1'])).stdout, 'from dockerode\n');
});
