/**
 * Error answers of a live `berth serve` carry the error's code beside Docker's message: route
 * errors (404, 409, 400), a refused upgrade (attach), and an error inside a pull's JSON stream.
 * The code is an extra field: the message and the status stay Docker's.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { buildImage, publish } from '../registry/publish.js';
import { serveRegistry, type Peer } from '../registry/peers.js';
import { EngineClient, DaemonError } from '../../src/client/engine-client.js';
import { isErrorCode } from '../../src/common/errors.js';
import { buildTar } from '../image/helpers.js';

const REGISTRY = '127.0.0.1:5111';

let d: TestDaemon;
let tmp: string;
let peer: Peer | undefined;

before(async () => {
  tmp = mkdtempSync('/tmp/berr-');
  await publish(join(tmp, 'reg'), [{ repo: 'multi/img', tag: '1', images: [await buildImage({ files: [{ name: 'etc/x', body: 'x' }] })], index: true }]);
  d = await startDaemon();
  peer = await serveRegistry(d.netns, join(tmp, 'reg'), REGISTRY);
  assert.equal((await d.api('POST', '/images/create?fromImage=busybox&tag=latest')).status, 200);
});

after(async () => {
  peer?.stop();
  await d?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('404: no such container and no such image, each with its own code', async () => {
  const c = await d.api('GET', '/containers/nope/json');
  assert.equal(c.status, 404);
  assert.deepEqual(c.body, { message: 'No such container: nope', code: 'ERR_CONTAINER_NOT_FOUND' });
  const i = await d.api('GET', '/images/nope/json');
  assert.equal(i.status, 404);
  assert.deepEqual(i.body, { message: 'No such image: nope:latest', code: 'ERR_IMAGE_NOT_FOUND' });
  const route = await d.api('GET', '/no/such/route');
  assert.equal(route.status, 404);
  assert.equal(route.body.code, 'ERR_NO_ROUTE');
});

test('409: a container name in use', async () => {
  const body = { Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: 'none' } };
  assert.equal((await d.api('POST', '/containers/create?name=dup', body)).status, 201);
  const again = await d.api('POST', '/containers/create?name=dup', body);
  assert.equal(again.status, 409);
  assert.equal(again.body.code, 'ERR_NAME_CONFLICT');
  assert.match(again.body.message, /^Conflict\. The container name "\/dup" is already in use by container "[0-9a-f]{64}"/);
});

test('400: a malformed parameter or body', async () => {
  const f = await d.api('GET', '/containers/json?filters=notjson');
  assert.equal(f.status, 400);
  assert.deepEqual(f.body, { message: 'invalid filter: notjson', code: 'ERR_BAD_FILTER' });
  const j = await d.api('POST', '/containers/create', '{not json');
  assert.equal(j.status, 400);
  assert.equal(j.body.code, 'ERR_BAD_JSON');
  const v = await d.api('GET', '/v1.99/version');
  assert.equal(v.status, 400);
  assert.equal(v.body.code, 'ERR_API_VERSION');
  // before API 1.24 errors are plain text, as Docker's were: no JSON, so no code
  const old = await d.api('GET', '/v1.23/containers/nope/json');
  assert.equal(old.status, 404);
  assert.equal(old.body, 'No such container: nope\n');
});

test('a refused attach upgrade: the JSON body carries the code, and the CLI client reads it into its error', async () => {
  const client = new EngineClient(d.socket);
  try {
    await assert.rejects(client.hijack('POST', '/containers/nope/attach', { query: { stream: true, stdout: true } }), (e: unknown) => {
      assert.ok(e instanceof DaemonError);
      assert.equal(e.statusCode, 404);
      assert.equal(e.code, 'ERR_CONTAINER_NOT_FOUND');
      assert.equal(e.fromServer, true);
      assert.equal(e.message, 'No such container: nope');
      return true;
    });
  } finally {
    client.close();
  }
});

test('an error inside a pull\'s JSON stream carries the code beside errorDetail', async () => {
  const r = await d.api('POST', `/images/create?fromImage=${REGISTRY}/multi/img&tag=1&platform=linux/s390x`);
  assert.equal(r.status, 200, 'the stream had begun ("Pulling from"): the error is in it, not the status');
  const lines = String(r.body).trim().split(/\r?\n/).map((l) => JSON.parse(l));
  assert.match(lines[0].status, /Pulling from .*multi\/img/);
  const last = lines.at(-1);
  assert.match(last.error, /no matching manifest for linux\/s390x/);
  assert.equal(last.errorDetail.message, last.error);
  assert.equal(last.errorDetail.code, undefined, 'errorDetail.code is a number in Docker\'s clients: never the string code');
  assert.equal(last.code, 'ERR_PLATFORM_NOT_FOUND');
  assert.ok(isErrorCode(last.code));
});

test('a failed build step: errorDetail.code is the step\'s exit status (Docker\'s number), the error\'s code beside it', async () => {
  const context = await buildTar([{ name: 'Dockerfile', body: 'FROM busybox\nRUN exit 3\n' }]);
  const text = await new Promise<string>((resolve, reject) => {
    const req = request({ socketPath: d.socket, method: 'POST', path: '/build?t=failing', headers: { 'Content-Type': 'application/x-tar', 'Content-Length': context.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString()) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.setTimeout(120_000, () => req.destroy(new Error('build timed out')));
    req.on('error', reject);
    req.end(context);
  });
  const last = JSON.parse(text.trim().split('\n').at(-1)!);
  assert.equal(last.errorDetail.code, 3);
  assert.equal(last.code, 'ERR_BUILD_STEP');
  assert.equal(last.errorDetail.message, last.error);
});
