/**
 * Docker's /secrets endpoints answered by berth for one host (dockerd answers them only as a Swarm
 * manager): shapes, status codes and error bodies, and the docker CLI's `docker secret` commands
 * pointed at berth's socket. Containers get secrets through berth's HostConfig.BerthSecrets.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { DOCKER_CLI } from '../helpers/dockerd.js';
import { runProgram } from '../compat/helpers.js';

let d: TestDaemon;
let tmp: string;
let env: NodeJS.ProcessEnv;
const b64 = (s: string) => Buffer.from(s).toString('base64');

before(async () => {
  d = await startDaemon();
  tmp = mkdtempSync('/tmp/bt-secret-api-');
  env = { ...process.env, DOCKER_HOST: `unix://${d.socket}`, DOCKER_CONFIG: join(tmp, 'cfg'), HOME: join(tmp, 'cfg') };
  delete env.NODE_TEST_CONTEXT; delete env.DOCKER_API_VERSION; delete env.DOCKER_CONTEXT;
});
after(async () => {
  await d?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('POST /secrets/create, GET /secrets, GET /secrets/{id}, DELETE: Docker\'s shapes and codes', async () => {
  const created = await d.api('POST', '/v1.47/secrets/create', { Name: 'api-one', Labels: { env: 'prod' }, Data: b64('s3cret-api') });
  assert.equal(created.status, 201);
  assert.deepEqual(Object.keys(created.body), ['ID']);
  const id = created.body.ID as string;

  const list = await d.api('GET', '/v1.47/secrets');
  assert.equal(list.status, 200);
  assert.equal(list.body.length, 1);
  const s = list.body[0];
  assert.deepEqual(Object.keys(s).sort(), ['CreatedAt', 'ID', 'Spec', 'UpdatedAt', 'Version']);
  assert.deepEqual(s.Spec, { Name: 'api-one', Labels: { env: 'prod' } });
  assert.equal(typeof s.Version.Index, 'number');

  const byName = await d.api('GET', '/v1.47/secrets/api-one');
  assert.equal(byName.status, 200);
  assert.equal(byName.body.ID, id);
  assert.deepEqual((await d.api('GET', `/v1.47/secrets/${id.slice(0, 5)}`)).body.ID, id);
  assert.ok(!JSON.stringify(byName.body).includes(b64('s3cret-api')));

  const filters = (f: object) => `/v1.47/secrets?filters=${encodeURIComponent(JSON.stringify(f))}`;
  await d.api('POST', '/v1.47/secrets/create', { Name: 'api-two', Data: b64('two') });
  assert.deepEqual((await d.api('GET', filters({ name: ['api-'] }))).body.map((x: any) => x.Spec.Name), ['api-one', 'api-two']);
  assert.deepEqual((await d.api('GET', filters({ names: ['api-two'] }))).body.map((x: any) => x.Spec.Name), ['api-two']);
  assert.deepEqual((await d.api('GET', filters({ label: ['env=prod'] }))).body.map((x: any) => x.Spec.Name), ['api-one']);
  assert.deepEqual((await d.api('GET', filters({ label: ['env=dev'] }))).body, []);
  assert.deepEqual((await d.api('GET', filters({ id: [id] }))).body.map((x: any) => x.Spec.Name), ['api-one']);
  const badFilter = await d.api('GET', filters({ driver: ['x'] }));
  assert.equal(badFilter.status, 400);

  const dup = await d.api('POST', '/v1.47/secrets/create', { Name: 'api-one', Data: b64('x') });
  assert.equal(dup.status, 409);
  assert.deepEqual(dup.body, { message: 'secret api-one already exists', code: 'ERR_SECRET_EXISTS' });
  const badName = await d.api('POST', '/v1.47/secrets/create', { Name: 'a/b', Data: b64('x') });
  assert.equal(badName.status, 400);
  assert.equal(badName.body.code, 'ERR_SECRET_NAME');
  const badData = await d.api('POST', '/v1.47/secrets/create', { Name: 'bad64', Data: 'not base64!' });
  assert.equal(badData.status, 400);
  assert.match(badData.body.message, /illegal base64 data at input byte/);
  const tooBig = await d.api('POST', '/v1.47/secrets/create', { Name: 'big', Data: Buffer.alloc(500 * 1024 + 1).toString('base64') });
  assert.equal(tooBig.status, 400);
  assert.equal(tooBig.body.code, 'ERR_SECRET_DATA');
  const driver = await d.api('POST', '/v1.47/secrets/create', { Name: 'ext', Driver: { Name: 'vault' } });
  assert.equal(driver.status, 501);
  assert.match(driver.body.message, /secret drivers are a Swarm feature/);
  const badLabels = await d.api('POST', '/v1.47/secrets/create', { Name: 'lbl', Labels: { a: 1 }, Data: b64('x') });
  assert.equal(badLabels.status, 400);

  const update = await d.api('POST', `/v1.47/secrets/${id}/update?version=1`, { Name: 'api-one', Labels: {} });
  assert.equal(update.status, 501);
  assert.match(update.body.message, /updating a secret is not supported/);
  assert.equal((await d.api('POST', '/v1.47/secrets/nosuch/update?version=1', {})).status, 404);

  const missing = await d.api('GET', '/v1.47/secrets/nosuch');
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.body, { message: 'secret nosuch not found', code: 'ERR_SECRET_NOT_FOUND' });
  assert.equal((await d.api('DELETE', '/v1.47/secrets/api-two')).status, 204);
  assert.equal((await d.api('DELETE', '/v1.47/secrets/api-two')).status, 404);
});

test('HostConfig.BerthSecrets: containers refer to secrets by name or id; unknown and in-use are refused', async () => {
  const { body: { ID: id } } = await d.api('POST', '/v1.47/secrets/create', { Name: 'byid', Data: b64('via-id') });
  const unknown = await d.api('POST', '/v1.47/containers/create?name=bad', { Image: 'busybox', HostConfig: { BerthSecrets: [{ SecretName: 'nope' }] } });
  assert.equal(unknown.status, 404);
  assert.deepEqual(unknown.body, { message: 'secret not found: nope', code: 'ERR_SECRET_NOT_FOUND' });
  const badShape = await d.api('POST', '/v1.47/containers/create?name=bad', { Image: 'busybox', HostConfig: { BerthSecrets: { SecretName: 'byid' } } });
  assert.equal(badShape.status, 400);

  const c = await d.api('POST', '/v1.47/containers/create?name=apic', { Image: 'busybox', Cmd: ['sh', '-c', 'cat /run/secrets/x; stat -c %a /run/secrets/x'],
    HostConfig: { BerthSecrets: [{ SecretID: id, SecretName: 'byid', File: { Name: 'x', UID: '0', GID: '0', Mode: 0o440 } }] } });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const del = await d.api('DELETE', '/v1.47/secrets/byid');
  assert.equal(del.status, 409);
  assert.deepEqual(del.body, { message: "secret 'byid' is in use by the following container: apic", code: 'ERR_SECRET_IN_USE' });
  assert.equal((await d.api('POST', `/v1.47/containers/${c.body.Id}/start`)).status, 204);
  assert.equal((await d.api('POST', `/v1.47/containers/${c.body.Id}/wait`)).body.StatusCode, 0);
  assert.equal(await d.ok(['logs', 'apic']), 'via-id440\n');
  assert.equal((await d.api('DELETE', `/v1.47/containers/${c.body.Id}`)).status, 204);
  assert.equal((await d.api('DELETE', '/v1.47/secrets/byid')).status, 204);
});

test('docker secret create/ls/inspect/rm work against berth', { skip: existsSync(DOCKER_CLI) ? false : `no docker CLI at ${DOCKER_CLI}` }, async () => {
  const docker = (args: string[], input?: string) => runProgram(DOCKER_CLI, args, { env, input, timeoutMs: 60_000 });
  writeFileSync(join(tmp, 'pw'), 'docker-cli-value');
  const created = await docker(['secret', 'create', '--label', 'by=docker', 'dk', join(tmp, 'pw')]);
  assert.equal(created.code, 0, created.stderr);
  const id = created.stdout.trim();
  const fromStdin = await docker(['secret', 'create', 'dk2', '-'], 'from-stdin');
  assert.equal(fromStdin.code, 0, fromStdin.stderr);

  const ls = await docker(['secret', 'ls']);
  assert.equal(ls.code, 0, ls.stderr);
  const lines = ls.stdout.trim().split('\n');
  assert.match(lines[0], /^ID\s+NAME\s+DRIVER\s+CREATED\s+UPDATED$/);
  assert.match(ls.stdout, new RegExp(`^${id}\\s+dk\\s+.*ago`, 'm'));
  const q = await docker(['secret', 'ls', '-q', '-f', 'label=by=docker']);
  assert.equal(q.stdout, `${id}\n`);

  const inspect = await docker(['secret', 'inspect', 'dk']);
  assert.equal(inspect.code, 0, inspect.stderr);
  const [info] = JSON.parse(inspect.stdout);
  assert.equal(info.ID, id);
  assert.equal(info.Spec.Name, 'dk');
  assert.deepEqual(info.Spec.Labels, { by: 'docker' });
  assert.ok(!inspect.stdout.includes('docker-cli-value'));
  const pretty = await docker(['secret', 'inspect', '--pretty', 'dk']);
  assert.match(pretty.stdout, /Name:\s+dk/);

  // berth's run mounts what the docker CLI created; its removal is refused while the container exists
  await d.ok(['create', '--name', 'holder', '--secret', 'dk', 'busybox', 'true']);
  const inUse = await docker(['secret', 'rm', 'dk']);
  assert.notEqual(inUse.code, 0);
  assert.match(inUse.stderr, /secret 'dk' is in use by the following container: holder/);
  await d.ok(['rm', 'holder']);

  const rm = await docker(['secret', 'rm', 'dk', 'dk2']);
  assert.equal(rm.code, 0, rm.stderr);
  assert.equal(rm.stdout, 'dk\ndk2\n');
  const after = await docker(['secret', 'ls', '-q', '-f', 'name=dk']);
  assert.equal(after.stdout, '');
  const missing = await docker(['secret', 'inspect', 'dk']);
  assert.notEqual(missing.code, 0);
});

test('creating and removing a secret are events of type secret, filtered by the secret key', async () => {
  const since = Math.floor(Date.now() / 1000) - 1;
  const created = await d.api('POST', '/v1.47/secrets/create', { Name: 'evented', Data: b64('x') });
  assert.equal(created.status, 201);
  assert.equal((await d.api('DELETE', `/v1.47/secrets/${created.body.ID}`)).status, 204);
  const until = Math.ceil(Date.now() / 1000) + 1;
  const filters = encodeURIComponent(JSON.stringify({ type: ['secret'], secret: ['evented'] }));
  const r = await d.api('GET', `/v1.47/events?since=${since}&until=${until}&filters=${filters}`);
  assert.equal(r.status, 200);
  const events = (typeof r.body === 'string' ? r.body.trim().split('\n').filter(Boolean).map((l: string) => JSON.parse(l)) : [r.body].flat()) as Array<{ Type: string; Action: string; Actor: { ID: string; Attributes: Record<string, string> } }>;
  assert.deepEqual(events.map((e) => [e.Type, e.Action, e.Actor.ID, e.Actor.Attributes.name]), [
    ['secret', 'create', created.body.ID, 'evented'],
    ['secret', 'remove', created.body.ID, 'evented'],
  ]);
});
