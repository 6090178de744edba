/** The CLI's client sends its first request without a /_ping: what happens when that request meets an older daemon or no daemon. */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EngineClient, ConnectError } from '../../src/client/engine-client.js';
import { DAEMON_FLAG_TEXT } from '../../src/daemon/node-flags.js';

/** An Engine API server on a unix socket that speaks API 1.43 at most, as an older dockerd does. */
function olderDaemon(socket: string, seen: string[]): Promise<Server> {
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const m = /^\/v([\d.]+)\//.exec(req.url ?? '');
    if (m && Number(m[1].split('.')[1]) > 43) {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: `client version ${m[1]} is too new. Maximum supported API version is 1.43` }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Api-Version': '1.43' });
    res.end('[]');
  });
  return new Promise((resolve) => server.listen(socket, () => resolve(server)));
}

test('an older daemon: the first request is sent again with the version the daemon names, later ones use it at once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-client-'));
  const socket = join(dir, 's.sock');
  const seen: string[] = [];
  const server = await olderDaemon(socket, seen);
  const client = new EngineClient(socket);
  t.after(() => { client.close(); server.close(); rmSync(dir, { recursive: true, force: true }); });
  assert.deepEqual(await client.json('GET', '/containers/json'), []);
  assert.deepEqual(await client.json('GET', '/images/json'), []);
  assert.deepEqual(seen, ['GET /v1.55/containers/json', 'GET /v1.43/containers/json', 'GET /v1.43/images/json']);
  assert.equal(client.apiVersion, '1.43');
});

test('no daemon: the unreachable hook runs once (autostart), then the request goes out; without a hook the error is a ConnectError', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-client-'));
  const socket = join(dir, 's.sock');
  const seen: string[] = [];
  let server: Server | undefined;
  let started = 0;
  const client = new EngineClient(socket, async () => { started++; server = await olderDaemon(socket, seen); });
  t.after(() => { client.close(); server?.close(); rmSync(dir, { recursive: true, force: true }); });
  const [a, b] = await Promise.all([client.json('GET', '/containers/json'), client.json('GET', '/volumes')]);
  assert.deepEqual([a, b], [[], []]);
  assert.equal(started, 1, 'two requests that both found no daemon started it once');
  const bare = new EngineClient(join(dir, 'none.sock'));
  await assert.rejects(bare.json('GET', '/containers/json'), (e) => e instanceof ConnectError);
  bare.close();
});

test('bin/berth starts the daemon with the V8 flags of node-flags.ts', () => {
  const launcher = readFileSync(join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', 'bin', 'berth'), 'utf8');
  assert.ok(launcher.includes(`exec "$node" ${DAEMON_FLAG_TEXT} `), 'the launcher and DAEMON_FLAG_TEXT agree');
});
