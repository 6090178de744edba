/** The dashboard server's parts without a daemon: sessions and their expiry, addresses, the access rule, the static files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UiSessions } from '../../src/ui/sessions.js';
import { checkUiAccess, parseUiAddress, resolveUiConfig } from '../../src/ui/config.js';
import { hostName, sameOrigin } from '../../src/ui/origin.js';
import { StaticFiles } from '../../src/ui/static-files.js';
import { runBerth } from '../helpers/daemon.js';

test('a token works once and only before it expires; sessions end when idle, when too old, and at logout', () => {
  let now = 1_000_000;
  const s = new UiSessions({ tokenTtlMs: 1000, idleMs: 10_000, maxAgeMs: 25_000 }, () => now);
  const a = s.mintToken();
  assert.equal(a.expiresAt, now + 1000);
  const session = s.redeem(a.token);
  assert.ok(session);
  assert.notEqual(session.id, a.token, 'the cookie is not the token');
  assert.equal(s.redeem(a.token), undefined, 'used twice');
  const late = s.mintToken();
  now += 1001;
  assert.equal(s.redeem(late.token), undefined, 'expired');
  assert.equal(s.redeem('made-up'), undefined);

  assert.equal(s.get(session.id)?.csrf, session.csrf);
  now += 9_000;
  assert.ok(s.get(session.id), 'used within the idle limit');
  now += 10_001;
  assert.equal(s.get(session.id), undefined, 'idle too long');

  const b = s.redeem(s.mintToken().token)!;
  for (let i = 0; i < 2; i++) { now += 9_000; assert.ok(s.get(b.id)); }
  now += 9_000;
  assert.equal(s.get(b.id), undefined, 'older than the maximum age, however busy');

  const c = s.redeem(s.mintToken().token)!;
  s.end(c.id);
  assert.equal(s.get(c.id), undefined);
  assert.equal(s.redeemPassword('wrong', 'right-password'), undefined);
  assert.ok(s.redeemPassword('right-password', 'right-password'));
});

test('UI addresses and who may listen where', () => {
  assert.deepEqual(parseUiAddress('127.0.0.1:9000'), { host: '127.0.0.1', port: 9000, display: '127.0.0.1:9000' });
  assert.deepEqual(parseUiAddress('[::1]:0'), { host: '::1', port: 0, display: '[::1]:0' });
  assert.equal(parseUiAddress('localhost:9000').host, 'localhost');
  for (const bad of ['9000', 'example.com:9000', '127.0.0.1:99999', '127.0.0.1:', ':9000']) assert.throws(() => parseUiAddress(bad), { code: 'ERR_UI_ADDRESS' }, bad);
  const tls = { cert: '/c', key: '/k' };
  for (const lo of ['127.0.0.1:1', '127.3.2.1:1', '[::1]:1', 'localhost:1']) assert.doesNotThrow(() => checkUiAccess(parseUiAddress(lo), {}), lo);
  assert.throws(() => checkUiAccess(parseUiAddress('0.0.0.0:1'), {}), { code: 'ERR_UI_INSECURE' });
  assert.throws(() => checkUiAccess(parseUiAddress('192.168.1.2:1'), { tls }), { code: 'ERR_UI_INSECURE' });
  assert.doesNotThrow(() => checkUiAccess(parseUiAddress('192.168.1.2:1'), { tls: { ...tls, cacert: '/ca' } }));
  assert.doesNotThrow(() => checkUiAccess(parseUiAddress('192.168.1.2:1'), { tls, passwordFile: '/pw' }));
  assert.throws(() => checkUiAccess(parseUiAddress('192.168.1.2:1'), { passwordFile: '/pw' }), { code: 'ERR_UI_INSECURE' }, 'a password in clear is no protection');
  // flags over daemon.json
  assert.deepEqual(resolveUiConfig({ ui: '127.0.0.1:9001' }, { ui: '127.0.0.1:9000' }), { address: '127.0.0.1:9001' });
  assert.deepEqual(resolveUiConfig({}, { ui: '127.0.0.1:9000' }), { address: '127.0.0.1:9000' });
  assert.deepEqual(resolveUiConfig({}, {}), {});
  assert.throws(() => resolveUiConfig({}, { ui: 9000 }), { code: 'ERR_UI_CONFIG' });
  assert.throws(() => resolveUiConfig({}, { ui: '0.0.0.0:9000' }), { code: 'ERR_UI_INSECURE' });
});

test('same-origin and Host names', () => {
  const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
  assert.equal(hostName('[::1]:9000'), '::1');
  assert.equal(hostName('LocalHost:9000'), 'localhost');
  assert.equal(hostName('127.0.0.1'), '127.0.0.1');
  assert.ok(sameOrigin(req({ host: '127.0.0.1:9000', origin: 'http://127.0.0.1:9000' }), false));
  assert.ok(sameOrigin(req({ host: '127.0.0.1:9000', origin: 'http://127.0.0.1:9000', 'sec-fetch-site': 'same-origin' }), false));
  assert.ok(!sameOrigin(req({ host: '127.0.0.1:9000', origin: 'http://127.0.0.1:9000', 'sec-fetch-site': 'same-site' }), false));
  assert.ok(!sameOrigin(req({ host: '127.0.0.1:9000', origin: 'https://127.0.0.1:9000' }), false), 'scheme differs');
  assert.ok(!sameOrigin(req({ host: '127.0.0.1:9000', origin: 'http://127.0.0.1:9001' }), false), 'port differs');
  assert.ok(!sameOrigin(req({ host: '127.0.0.1:9000', origin: 'null' }), false));
  assert.ok(!sameOrigin(req({ host: '127.0.0.1:9000' }), false));
});

test('without a built bundle the page says so (503, no script) and nothing crashes', async () => {
  const dir = mkdtempSync('/tmp/bt-uistatic-');
  const files = new StaticFiles(join(dir, 'missing'));
  assert.equal(files.built, false);
  const socket = join(dir, 's.sock');
  const server = createServer((req, res) => files.serve(req, res, new URL(req.url!, 'http://x').pathname));
  await new Promise<void>((r) => server.listen(socket, r));
  try {
    const get = (path: string) => new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
      request({ socketPath: socket, path }, (res) => {
        let text = '';
        res.on('data', (c) => { text += c; });
        res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), text }));
      }).on('error', reject).end();
    });
    const page = await get('/');
    assert.equal(page.status, 503);
    assert.equal(page.type, 'text/html; charset=utf-8');
    assert.match(page.text, /dashboard was not built/);
    assert.doesNotMatch(page.text, /<script/);
    assert.equal((await get('/containers')).status, 503);
    assert.equal((await get('/assets/index-AB12CD34.js')).status, 404);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('berth ui against a daemon without a dashboard (dockerd) says so', async () => {
  const dir = mkdtempSync('/tmp/bt-uinodash-');
  const socket = join(dir, 'd.sock');
  // an Engine API that answers /_ping and nothing berth-specific, as dockerd does
  const server = createServer((req, res) => {
    res.setHeader('Api-Version', '1.47');
    if (req.url?.endsWith('/_ping')) { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('OK'); return; }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end('{"message":"page not found"}\n');
  });
  await new Promise<void>((r) => server.listen(socket, r));
  try {
    const r = await runBerth(socket, ['ui']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /this daemon has no dashboard/);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
