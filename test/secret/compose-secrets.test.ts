/**
 * berth compose with secrets: `external: true` secrets (with and without `name:`) are berth secrets,
 * mounted from the daemon's store on the container's tmpfs; file secrets stay read-only binds (inside
 * the tmpfs-backed /run/secrets); an external secret the engine does not have stops `up` before any
 * container is created.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BERTH_BIN, cleanEnv, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { dockerdMissing, startDockerd } from '../helpers/dockerd.js';
import { runProgram } from '../compat/helpers.js';

let d: TestDaemon;
let tmp: string;
const sha = (v: string) => createHash('sha256').update(v).digest('hex');

before(async () => {
  d = await startDaemon();
  tmp = mkdtempSync('/tmp/bt-secret-compose-');
});
after(async () => {
  await d?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const FILE = `
services:
  app:
    image: busybox
    command: ["sh", "-c", "sha256sum /run/secrets/db /run/secrets/tok /run/secrets/filesec; stat -c '%u:%g %a' /run/secrets/tok; grep ' /run/secrets' /proc/mounts"]
    secrets:
      - db
      - source: token
        target: tok
        uid: "100"
        gid: "101"
        mode: 0o400
      - filesec
secrets:
  db:
    external: true
    name: prod-db
  token:
    external: true
  filesec:
    file: ./file.txt
`;

test('compose up mounts external secrets from berth and keeps file secrets as binds', { timeout: 180_000 }, async () => {
  writeFileSync(join(tmp, 'compose.yaml'), FILE);
  writeFileSync(join(tmp, 'file.txt'), 'from-a-file');
  const compose = (args: string[]) => d.berth(['compose', '-f', join(tmp, 'compose.yaml'), '-p', 'sec', ...args], { timeoutMs: 120_000 });

  // without the secrets: a clear error, no container
  const missing = await compose(['up', '-d']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /external secret "prod-db" not found/);
  assert.equal(await d.ok(['ps', '-aq']), '');

  await d.ok(['secret', 'create', 'prod-db', '-'], { input: 'db-value' });
  await d.ok(['secret', 'create', 'token', '-'], { input: 'token-value' });
  const up = await compose(['up', '-d']);
  assert.equal(up.code, 0, up.stderr);
  const deadline = Date.now() + 30_000;
  let logs = '';
  while (Date.now() < deadline) {
    logs = await d.ok(['logs', 'sec-app-1']);
    if (/\/run\/secrets/.test(logs) && logs.includes('tmpfs')) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.match(logs, new RegExp(`^${sha('db-value')}  /run/secrets/db$`, 'm'));
  assert.match(logs, new RegExp(`^${sha('token-value')}  /run/secrets/tok$`, 'm'));
  assert.match(logs, new RegExp(`^${sha('from-a-file')}  /run/secrets/filesec$`, 'm'));
  assert.match(logs, /^100:101 400$/m);
  assert.match(logs, /^tmpfs \/run\/secrets tmpfs ro,/m);

  const [info] = JSON.parse(await d.ok(['inspect', 'sec-app-1']));
  assert.deepEqual(info.HostConfig.BerthSecrets.map((s: any) => [s.SecretName, s.File.Name]), [['prod-db', '/run/secrets/db'], ['token', '/run/secrets/tok']]);
  assert.ok(info.HostConfig.Mounts.some((m: any) => m.Target === '/run/secrets/filesec' && m.Type === 'bind'));

  const oneOff = await compose(['run', '--rm', 'app', 'sha256sum', '/run/secrets/tok']);
  assert.equal(oneOff.code, 0, oneOff.stderr);
  assert.equal(oneOff.stdout, `${sha('token-value')}  /run/secrets/tok\n`);

  const inUse = await d.berth(['secret', 'rm', 'token']);
  assert.match(inUse.stderr, /secret 'token' is in use by the following container: sec-app-1/);
  const down = await compose(['down']);
  assert.equal(down.code, 0, down.stderr);
  await d.ok(['secret', 'rm', 'token', 'prod-db']);
});

test('against dockerd outside Swarm, berth compose stops at an external secret instead of leaving it out', { skip: dockerdMissing() || false, timeout: 180_000 }, async () => {
  const dockerd = await startDockerd();
  try {
    writeFileSync(join(tmp, 'ext-only.yaml'), 'services:\n  app:\n    image: busybox\n    secrets: [tok]\nsecrets:\n  tok:\n    external: true\n');
    const r = await runProgram(BERTH_BIN, ['-H', `unix://${dockerd.socket}`, 'compose', '-f', join(tmp, 'ext-only.yaml'), '-p', 'extd', 'up', '-d'],
      { env: cleanEnv({ BERTH_NO_AUTOSTART: '1' }), timeoutMs: 120_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /not a swarm manager/i);
    const ps = await dockerd.docker(['ps', '-aq']);
    assert.equal(ps.stdout, '', 'no container was created');
  } finally {
    await dockerd.cleanup();
  }
});
