/**
 * Bounded requests against a real `berth serve`: oversized JSON bodies (413), oversized headers (431),
 * slow-loris clients that never finish their headers, malformed JSON on many endpoints (400) —
 * and none of them changes anything (container, image, network and volume lists compared before and after).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { MAX_JSON_BODY } from '../../src/api/http.js';
import { createApiServer } from '../../src/api/server.js';
import type { Engine } from '../../src/engine/engine.js';

/** A raw request whose reply is read even if the server answers before the upload is done. */
function rawRequest(socketPath: string, method: string, path: string, headers: Record<string, string | number>, body?: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Everything a bad request could have changed. */
async function snapshot(d: TestDaemon): Promise<string> {
  const lists = await Promise.all(['/containers/json?all=1', '/images/json?all=1', '/networks', '/volumes'].map((p) => d.api('GET', p)));
  for (const l of lists) assert.equal(l.status, 200);
  const [containers, images, networks, volumes] = lists.map((l) => l.body);
  return JSON.stringify({
    containers: containers.map((c: any) => [c.Id, c.Names, c.State, c.Labels]).sort(),
    images: images.map((i: any) => [i.Id, i.RepoTags]).sort(),
    networks: networks.map((n: any) => [n.Id, n.Name]).sort(),
    volumes: (volumes.Volumes ?? []).map((v: any) => v.Name).sort(),
  });
}

test('the API server bounds header time (slow-loris) and header size', () => {
  const server = createApiServer({} as Engine);
  assert.ok(server.headersTimeout > 0 && server.headersTimeout <= 60_000, `headersTimeout ${server.headersTimeout}`);
  assert.ok(server.maxHeadersCount === null || server.maxHeadersCount <= 2000);
});

test('oversized bodies and headers, slow-loris clients and malformed JSON change nothing', async (t) => {
  const d = await startDaemon();
  t.after(() => d.cleanup());
  assert.equal((await d.api('POST', '/images/create?fromImage=busybox&tag=latest')).status, 200);
  const created = await d.api('POST', '/containers/create?name=keeper', { Image: 'busybox', Cmd: ['true'] });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.Id as string;
  const before = await snapshot(d);

  await t.test('a JSON body over the limit gets 413', async () => {
    // valid JSON, just too big: a label value of MAX_JSON_BODY bytes
    const huge = Buffer.from(JSON.stringify({ Image: 'busybox', Cmd: ['true'], Labels: { big: 'x'.repeat(MAX_JSON_BODY) } }));
    for (const path of ['/containers/create?name=toobig', '/volumes/create', '/networks/create']) {
      const r = await rawRequest(d.socket, 'POST', path, { 'Content-Type': 'application/json', 'Content-Length': huge.length }, huge);
      assert.equal(r.status, 413, `${path}: ${r.text.slice(0, 200)}`);
      assert.match(JSON.parse(r.text).message, /request body too large/);
    }
    // chunked, without a Content-Length
    const chunked = await rawRequest(d.socket, 'POST', '/volumes/create', { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, huge);
    assert.equal(chunked.status, 413, `chunked: ${chunked.text.slice(0, 200)}`);
    // an upgraded request (attach, exec start) announcing a body over the limit
    const s = connect(d.socket);
    const reply = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const timer = setTimeout(() => { s.destroy(); reject(new Error('no reply to the upgrade request')); }, 30_000);
      s.on('data', (c) => chunks.push(c));
      s.on('close', () => { clearTimeout(timer); resolve(Buffer.concat(chunks).toString()); });
      s.on('error', () => {});
      s.write(`POST /containers/${id}/attach?stream=1&stdout=1 HTTP/1.1\r\nHost: berth\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: ${MAX_JSON_BODY + 1}\r\n\r\n`);
    });
    assert.match(reply, /^HTTP\/1\.1 413 /);
    assert.equal((await d.api('GET', '/_ping')).status, 200, 'the daemon is still serving');
  });

  await t.test('a huge header gets 431', async () => {
    const r = await rawRequest(d.socket, 'GET', '/_ping', { 'X-Big': 'y'.repeat(64 * 1024) });
    assert.equal(r.status, 431, r.text);
    const many: Record<string, string> = {};
    for (let i = 0; i < 4000; i++) many[`X-H${i}`] = 'z';
    const r2 = await rawRequest(d.socket, 'GET', '/_ping', many)
    assert.equal(r2.status, 431, r2.text);
  });

  await t.test('slow-loris clients do not block other requests', async () => {
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 50; i++) {
        const s = connect(d.socket);
        s.on('error', () => {});
        sockets.push(s);
        // an unfinished request head, then silence
        s.write(`POST /containers/create HTTP/1.1\r\nHost: berth\r\nContent-Type: application/json\r\nX-Slow: ${i}`);
      }
      // and one that sends its headers but dribbles an endless body
      const body = connect(d.socket);
      body.on('error', () => {});
      sockets.push(body);
      body.write('POST /volumes/create HTTP/1.1\r\nHost: berth\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"Na');
      for (let i = 0; i < 5; i++) {
        assert.equal((await d.api('GET', '/_ping')).status, 200);
        assert.equal((await d.api('GET', '/containers/json?all=1')).status, 200);
      }
      const v = await d.api('GET', '/version');
      assert.equal(v.body.ApiVersion, '1.55');
    } finally {
      for (const s of sockets) s.destroy();
    }
  });

  await t.test('malformed JSON gets 400 on every endpoint that reads a body', async () => {
    const endpoints = [
      '/containers/create?name=bad',
      `/containers/${id}/update`,
      `/containers/${id}/exec`,
      `/commit?container=${id}&repo=bad`,
      '/networks/create',
      '/volumes/create',
    ];
    for (const path of endpoints) {
      for (const bad of ['{"Image": "busybox",', '{not json}', '\u0000\u0001']) {
        const r = await rawRequest(d.socket, 'POST', path, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(bad) }, Buffer.from(bad));
        assert.equal(r.status, 400, `${path} with ${JSON.stringify(bad)}: ${r.status} ${r.text}`);
        assert.match(JSON.parse(r.text).message, /invalid JSON/, path);
      }
    }
  });

  await t.test('nothing changed', async () => {
    assert.equal(await snapshot(d), before);
  });
});
