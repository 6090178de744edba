/**
 * Streams and versions on a live `berth serve`: attach over WebSocket, API version negotiation and
 * per-version fields, /_ping headers, events since/until with filters, archive stat header.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startDaemon } from '../helpers/daemon.js';

test('attach/ws: stdin in, output out (binary frames), ends with the container', async (t) => {
  const d = await startDaemon();
  t.after(() => d.cleanup());
  assert.equal((await d.api('POST', '/images/create?fromImage=busybox&tag=latest')).status, 200);
  const c = await d.api('POST', '/containers/create?name=wsc', { Image: 'busybox', Cmd: ['sh', '-c', 'read line; echo "got $line"; echo err >&2'], OpenStdin: true, HostConfig: { NetworkMode: 'none' } });
  assert.equal(c.status, 201);
  const ws = new WebSocket(`ws+unix://${d.socket}:/v1.55/containers/wsc/attach/ws?stdin=1&stdout=1&stderr=1&stream=1`);
  const got: Buffer[] = [];
  let binary = true;
  ws.on('message', (data: Buffer, isBinary: boolean) => { got.push(data); binary &&= isBinary; });
  const closed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('attach/ws did not close')), 30_000);
    ws.on('close', () => { clearTimeout(timer); resolve(); });
    ws.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  assert.equal((await d.api('POST', '/containers/wsc/start')).status, 204);
  ws.send(Buffer.from('hello\n'));
  await closed;
  const text = Buffer.concat(got).toString();
  assert.match(text, /got hello\n/);
  assert.match(text, /err\n/);
  assert.ok(binary, 'binary frames from API 1.28 on');

  // a missing container is a 404 before any upgrade
  const missing = new WebSocket(`ws+unix://${d.socket}:/containers/nope/attach/ws?stdout=1`);
  const status = await new Promise<number>((resolve, reject) => {
    missing.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    missing.on('open', () => reject(new Error('opened')));
    missing.on('error', () => undefined);
  });
  assert.equal(status, 404);
});

test('versions: negotiation, /_ping headers, per-version fields, events since/until, archive stat', async (t) => {
  const d = await startDaemon();
  t.after(() => d.cleanup());
  for (const method of ['GET', 'HEAD']) {
    const p = await d.api(method, '/_ping');
    assert.equal(p.status, 200);
    assert.equal(p.headers['api-version'], '1.55');
    assert.equal(p.headers['ostype'], 'linux');
    assert.equal(p.headers['docker-experimental'], 'false');
    assert.ok(p.headers['builder-version']);
    if (method === 'GET') assert.equal(p.body, 'OK');
  }
  const v = (await d.api('GET', '/version')).body;
  assert.equal(v.ApiVersion, '1.55');
  assert.equal(v.MinAPIVersion, '1.12');
  assert.equal((await d.api('GET', '/v1.12/version')).status, 200);
  const old = await d.api('GET', '/v1.11/version');
  assert.equal(old.status, 400);
  assert.match(String(old.body?.message ?? old.body), /client version 1.11 is too old. Minimum supported API version is 1.12/);
  const tooNew = await d.api('GET', '/v1.99/version');
  assert.equal(tooNew.status, 400);
  assert.match(tooNew.body.message, /client version 1.99 is too new/);
  const nf = await d.api('GET', '/v1.55/containers/nope/json');
  assert.equal(nf.status, 404);
  assert.deepEqual(nf.body, { message: 'No such container: nope', code: 'ERR_CONTAINER_NOT_FOUND' });

  const t0 = Math.floor(Date.now() / 1000) - 1;
  await d.api('POST', '/images/create?fromImage=busybox&tag=latest');
  // images: VirtualSize before 1.44, Container/ContainerConfig before 1.45, container fields in Config before 1.50
  const img43 = (await d.api('GET', '/v1.43/images/busybox/json')).body;
  assert.equal(img43.VirtualSize, img43.Size);
  assert.equal(img43.Container, '');
  assert.equal(img43.Config.Tty, false);
  const img55 = (await d.api('GET', '/v1.55/images/busybox/json')).body;
  assert.equal(img55.VirtualSize, undefined);
  assert.equal(img55.ContainerConfig, undefined);
  assert.equal(img55.Config.Tty, undefined);
  assert.equal((await d.api('GET', '/v1.43/images/json')).body[0].VirtualSize, img43.Size);
  assert.equal((await d.api('GET', '/images/json')).body[0].VirtualSize, undefined);
  // info: fields removed in 1.50/1.52 are there for older clients
  assert.equal((await d.api('GET', '/v1.49/info')).body.BridgeNfIptables, false);
  assert.equal((await d.api('GET', '/v1.55/info')).body.BridgeNfIptables, undefined);

  const c = await d.api('POST', '/containers/create?name=vc', { Image: 'busybox', Cmd: ['sh', '-c', 'echo x > /tmp/f; exec sleep 300'], Labels: { app: 'v' }, HostConfig: { NetworkMode: 'none' } });
  assert.equal(c.status, 201);
  await d.api('POST', '/containers/vc/start');
  // NetworkSettings' top-level IPAddress etc. were removed in 1.52
  assert.equal(typeof (await d.api('GET', '/v1.51/containers/vc/json')).body.NetworkSettings.IPAddress, 'string');
  assert.equal((await d.api('GET', '/v1.55/containers/vc/json')).body.NetworkSettings.IPAddress, undefined);

  // archive HEAD: X-Docker-Container-Path-Stat is base64 JSON
  let head = await d.api('HEAD', '/containers/vc/archive?path=/tmp/f');
  for (let i = 0; i < 100 && head.status === 404; i++) { await new Promise((r) => setTimeout(r, 50)); head = await d.api('HEAD', '/containers/vc/archive?path=/tmp/f'); }
  assert.equal(head.status, 200);
  const stat = JSON.parse(Buffer.from(String(head.headers['x-docker-container-path-stat']), 'base64').toString());
  assert.equal(stat.name, 'f');
  assert.equal(stat.size, 2);
  assert.equal((await d.api('HEAD', '/containers/vc/archive?path=/nope')).status, 404);

  await d.api('POST', '/containers/vc/kill');
  const until = Math.floor(Date.now() / 1000) + 1;
  const filters = encodeURIComponent(JSON.stringify({ type: ['container'], label: ['app=v'] }));
  const ev = await d.api('GET', `/events?since=${t0}&until=${until}&filters=${filters}`);
  const actions = String(ev.body ?? '').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).Action);
  assert.ok(Array.isArray((ev.body as any)) || actions.length > 0, String(ev.body));
  for (const a of ['create', 'start', 'kill', 'die']) assert.ok(actions.includes(a), `${a} in ${actions}`);
  const none = await d.api('GET', `/events?since=${t0}&until=${until}&filters=${encodeURIComponent(JSON.stringify({ type: ['volume'] }))}`);
  assert.ok(!String(none.body ?? '').includes('"container"'));
});
