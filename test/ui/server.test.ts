/**
 * The dashboard's server against a real daemon: `berth ui` starts it on demand and prints a one-time URL;
 * the token logs in once; the cookie, CSRF, Origin and Host checks; the security headers on every answer;
 * the page and its assets; the Engine API passed through (a real container's logs stream, stats, attach
 * over a WebSocket) and the exec terminal running a real command. Plain HTTP clients, through a relay
 * into the daemon's network namespace.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { UI_CSP } from '../../src/ui/headers.js';
import { login, origin, relayInto, uiRequest, uiWebSocket, upgradeStatus, type Relay, type UiTarget } from './ui-client.js';

let d: TestDaemon;
let dir: string;
let relay: Relay;
let t: UiTarget;
let port = 0;
const BUNDLE = 'console.log("berth dashboard");\n'.repeat(200);

async function token(): Promise<string> {
  const r = await d.api('POST', '/berth/ui/session-token');
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.Token;
}

before(async () => {
  dir = mkdtempSync('/tmp/bt-ui-');
  const ui = join(dir, 'ui');
  mkdirSync(join(ui, 'assets'), { recursive: true });
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>berth</title><script type="module" src="/assets/index-AB12CD34.js"></script>\n');
  writeFileSync(join(ui, 'assets', 'index-AB12CD34.js'), BUNDLE);
  writeFileSync(join(ui, 'assets', 'notes.txt'), 'unhashed\n');
  d = await startDaemon({ env: { BERTH_UI_DIR: ui } });
  // `berth ui` starts the dashboard on a free loopback port and prints its one-time URL
  const out = await d.ok(['ui']);
  const m = /^http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]{43})\n$/.exec(out);
  assert.ok(m, `berth ui printed ${JSON.stringify(out)}`);
  port = Number(m[1]);
  relay = await relayInto(d.netns, '127.0.0.1', port, dir);
  t = { relay, hostPort: `127.0.0.1:${port}` };
});

after(async () => {
  relay?.close();
  await d?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test('berth ui prints a URL whose token logs in once; --format json says the same', async () => {
  const json = JSON.parse(await d.ok(['ui', '--format', 'json']));
  assert.equal(json.Address, `127.0.0.1:${port}`, 'the running dashboard is reused');
  assert.match(json.URL, new RegExp(`^http://127\\.0\\.0\\.1:${port}/#token=${json.Token}$`));
  assert.ok(Date.parse(json.ExpiresAt) > Date.now());
  const s = await login(t, json.Token);
  assert.match(s.setCookie, /^berth_ui_session=[A-Za-z0-9_-]{43}; /);
  const flags = s.setCookie.split(';').map((x) => x.trim());
  assert.ok(flags.includes('HttpOnly') && flags.includes('SameSite=Strict') && flags.includes('Path=/'), s.setCookie);
  assert.ok(!flags.includes('Secure'), 'no Secure flag on plain http (the browser would drop the cookie)');
  assert.equal(typeof s.csrf, 'string');
  // the same token again: refused
  const again = await uiRequest(t, 'POST', '/ui/login', { body: { token: json.Token }, headers: { Origin: origin(t) } });
  assert.equal(again.status, 401);
  assert.equal(again.json.code, 'ERR_UI_AUTH');
  // the session answers its CSRF token
  const sess = await uiRequest(t, 'GET', '/ui/session', { headers: { Cookie: s.cookie } });
  assert.deepEqual([sess.status, sess.json], [200, { csrf: s.csrf }]);
  assert.equal(sess.headers['cache-control'], 'no-store');
  const bad = await d.berth(['ui', '--format', 'yaml']);
  assert.equal(bad.code, 125);
});

test('without a session: the API, the session and WebSockets are refused; a made-up token and a cross-origin login too', async () => {
  for (const [method, path] of [['GET', '/engine/containers/json'], ['GET', '/engine/_ping'], ['GET', '/ui/session'], ['POST', '/engine/containers/create']]) {
    const r = await uiRequest(t, method, path, { headers: { Origin: origin(t) } });
    assert.equal(r.status, 401, `${method} ${path}`);
    assert.equal(r.json.code, 'ERR_UI_AUTH');
  }
  const forged = await uiRequest(t, 'GET', '/engine/containers/json', { headers: { Cookie: 'berth_ui_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
  assert.equal(forged.status, 401);
  const madeUp = await uiRequest(t, 'POST', '/ui/login', { body: { token: 'x'.repeat(43) }, headers: { Origin: origin(t) } });
  assert.equal(madeUp.status, 401);
  const tok = await token();
  const cross = await uiRequest(t, 'POST', '/ui/login', { body: { token: tok }, headers: { Origin: 'http://evil.example' } });
  assert.equal(cross.status, 403);
  assert.equal(cross.json.code, 'ERR_UI_CSRF');
  const noOrigin = await uiRequest(t, 'POST', '/ui/login', { body: { token: tok } });
  assert.equal(noOrigin.status, 403);
  assert.equal((await upgradeStatus(uiWebSocket(t, '/ui/exec/abc/ws?csrf=x', { Origin: origin(t) }))), 401);
  // the token endpoint is the unix socket's only: not reachable through the dashboard
  const s = await login(t, tok);
  const through = await uiRequest(t, 'POST', '/engine/berth/ui/session-token', { headers: { Cookie: s.cookie, Origin: origin(t), 'x-berth-csrf': s.csrf } });
  assert.equal(through.status, 404);
});

test('CSRF: a state-changing request needs the header, the right token and a same-origin Origin', async () => {
  const s = await login(t, await token());
  const create = (headers: Record<string, string>) => uiRequest(t, 'POST', '/engine/containers/create', { body: { Image: 'busybox', Cmd: ['true'] }, headers: { Cookie: s.cookie, ...headers } });
  for (const [what, headers] of [
    ['no header', { Origin: origin(t) }],
    ['a forged header', { Origin: origin(t), 'x-berth-csrf': 'forged' }],
    ['a cross-origin Origin', { Origin: 'http://evil.example', 'x-berth-csrf': s.csrf }],
    ['no Origin', { 'x-berth-csrf': s.csrf }],
    ['Sec-Fetch-Site cross-site', { Origin: origin(t), 'x-berth-csrf': s.csrf, 'Sec-Fetch-Site': 'cross-site' }],
  ] as Array<[string, Record<string, string>]>) {
    const r = await create(headers);
    assert.equal(r.status, 403, what);
    assert.equal(r.json.code, 'ERR_UI_CSRF', what);
  }
  const ok = await create({ Origin: origin(t), 'x-berth-csrf': s.csrf, 'Sec-Fetch-Site': 'same-origin' });
  assert.equal(ok.status, 201, ok.text);
  const rm = await uiRequest(t, 'DELETE', `/engine/containers/${ok.json.Id}`, { headers: { Cookie: s.cookie, Origin: origin(t), 'x-berth-csrf': s.csrf } });
  assert.equal(rm.status, 204, rm.text);
  // a GET needs only the session
  const list = await uiRequest(t, 'GET', '/engine/v1.44/containers/json?all=1', { headers: { Cookie: s.cookie } });
  assert.equal(list.status, 200);
  assert.ok(Array.isArray(list.json));
});

test('CSP and the other security headers on every answer; a foreign Host is turned away', async () => {
  const s = await login(t, await token());
  for (const [path, headers, status] of [
    ['/', {}, 200], ['/containers/abc', {}, 200], ['/assets/index-AB12CD34.js', {}, 200], ['/assets/missing.js', {}, 404],
    ['/engine/_ping', { Cookie: s.cookie }, 200], ['/engine/containers/json', {}, 401], ['/ui/nothing', {}, 404],
  ] as Array<[string, Record<string, string>, number]>) {
    const r = await uiRequest(t, 'GET', path, { headers });
    assert.equal(r.status, status, path);
    assert.equal(r.headers['content-security-policy'], UI_CSP, path);
    assert.match(UI_CSP, /script-src 'self';/);
    assert.doesNotMatch(UI_CSP, /unsafe-inline|unsafe-eval/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff', path);
    assert.equal(r.headers['referrer-policy'], 'no-referrer', path);
    assert.equal(r.headers['x-frame-options'], 'DENY', path);
    assert.equal(r.headers['strict-transport-security'], undefined, 'no HSTS on plain http');
  }
  const rebound = await uiRequest(t, 'GET', '/', { headers: { Host: `attacker.example:${port}` } });
  assert.equal(rebound.status, 421);
  assert.equal(rebound.json.code, 'ERR_UI_HOST');
  assert.equal((await uiRequest(t, 'GET', '/', { headers: { Host: `localhost:${port}` } })).status, 200);
});

test('the page and its bundle: types, caching, client-side routes, gzip; never the server modules', async () => {
  const index = await uiRequest(t, 'GET', '/');
  assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(index.headers['cache-control'], 'no-cache');
  assert.match(index.text, /index-AB12CD34\.js/);
  const route = await uiRequest(t, 'GET', '/images/busybox');
  assert.equal(route.text, index.text, 'a client-side route gets the page');
  const js = await uiRequest(t, 'GET', '/assets/index-AB12CD34.js');
  assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(js.text, BUNDLE);
  const gz = await uiRequest(t, 'GET', '/assets/index-AB12CD34.js', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(Number(gz.headers['content-length']) < BUNDLE.length / 4);
  const cached = await uiRequest(t, 'GET', '/assets/index-AB12CD34.js', { headers: { 'If-None-Match': String(js.headers.etag) } });
  assert.equal(cached.status, 304);
  assert.equal((await uiRequest(t, 'GET', '/assets/notes.txt')).headers['cache-control'], 'no-cache');
  // the compiled server (dist/ui/*.js, beside the bundle once built) is never served
  for (const p of ['/server.js', '/assets/../server.js', '/assets/%2e%2e/server.js', '/assets/..%2fserver.js']) {
    const r = await uiRequest(t, 'GET', p);
    assert.ok(r.status === 404 || r.text === index.text, `${p}: ${r.status} ${r.text.slice(0, 80)}`);
  }
  const post = await uiRequest(t, 'POST', '/', { headers: { Origin: origin(t) } });
  assert.equal(post.status, 405);
});

test('pass-through: a real container\'s logs follow as lines arrive, its stats, and attach over a WebSocket', async () => {
  const s = await login(t, await token());
  const id = (await d.ok(['run', '-d', '--name', 'ui-logs', 'busybox', 'sh', '-c', 'i=0; while [ $i -lt 600 ]; do i=$((i+1)); echo line-$i; sleep 0.1; done'])).trim();
  const t0 = Date.now();
  const logs = await uiRequest(t, 'GET', `/engine/containers/${id}/logs?follow=1&stdout=1&stderr=1`, {
    headers: { Cookie: s.cookie },
    until: (text) => /line-15\b/.test(text),
    timeoutMs: 20_000,
  });
  assert.equal(logs.status, 200);
  assert.match(logs.text, /line-1\b[\s\S]*line-15\b/);
  assert.ok(Date.now() - t0 >= 1000, 'lines arrived while following, not all at once at the end');
  assert.equal(logs.headers['content-security-policy'], UI_CSP);

  const one = await uiRequest(t, 'GET', `/engine/containers/${id}/stats?stream=false`, { headers: { Cookie: s.cookie } });
  assert.equal(one.status, 200);
  assert.ok(one.json.memory_stats.usage > 0, one.text.slice(0, 300));
  assert.ok(one.json.cpu_stats.cpu_usage.total_usage > 0);
  const streamed = await uiRequest(t, 'GET', `/engine/containers/${id}/stats?stream=true`, { headers: { Cookie: s.cookie }, until: (text) => text.split('\n').filter(Boolean).length >= 2, timeoutMs: 15_000 });
  const samples = streamed.text.split('\n').filter(Boolean).slice(0, 2).map((l) => JSON.parse(l));
  assert.equal(samples.length, 2);
  assert.notEqual(samples[0].read, samples[1].read);

  const ws = uiWebSocket(t, `/engine/containers/${id}/attach/ws?stream=1&stdout=1&csrf=${s.csrf}`, { Origin: origin(t), Cookie: s.cookie });
  assert.equal(await upgradeStatus(ws), 101);
  const seen = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no attach output: ${text}`)), 10_000);
    ws.on('message', (m: Buffer) => { text += m.toString(); if (/line-\d+/.test(text)) { clearTimeout(timer); resolve(text); } });
  });
  assert.match(seen, /line-\d+/);
  ws.close();
  // a WebSocket from another origin, or without the CSRF parameter, is refused
  assert.equal(await upgradeStatus(uiWebSocket(t, `/engine/containers/${id}/attach/ws?stream=1&stdout=1&csrf=${s.csrf}`, { Origin: 'http://evil.example', Cookie: s.cookie })), 403);
  assert.equal(await upgradeStatus(uiWebSocket(t, `/engine/containers/${id}/attach/ws?stream=1&stdout=1`, { Origin: origin(t), Cookie: s.cookie })), 403);
  await d.ok(['rm', '-f', id]);
});

test('pass-through: the events stream arrives as it happens', async () => {
  const s = await login(t, await token());
  const events = uiRequest(t, 'GET', '/engine/events?filters=' + encodeURIComponent(JSON.stringify({ type: ['container'], event: ['create'] })), {
    headers: { Cookie: s.cookie },
    until: (text) => text.includes('ui-events'),
    timeoutMs: 20_000,
  });
  await new Promise((r) => setTimeout(r, 300));
  const id = (await d.ok(['create', '--name', 'ui-events', 'busybox', 'true'])).trim();
  const r = await events;
  assert.equal(r.status, 200);
  const ev = JSON.parse(r.text.split('\n').find((l) => l.includes('ui-events'))!);
  assert.equal(ev.Action, 'create');
  assert.equal(ev.Actor.ID, id);
  await d.ok(['rm', id]);
});

test('the exec terminal: a TTY exec over a WebSocket runs a real command; resize through the API', async () => {
  const s = await login(t, await token());
  const headers = { Cookie: s.cookie, Origin: origin(t), 'x-berth-csrf': s.csrf };
  const id = (await d.ok(['run', '-d', '--name', 'ui-exec', 'busybox', 'sleep', '300'])).trim();
  const created = await uiRequest(t, 'POST', `/engine/containers/${id}/exec`, { headers, body: { Cmd: ['sh'], Tty: true, AttachStdin: true, AttachStdout: true, AttachStderr: true } });
  assert.equal(created.status, 201, created.text);
  const execId = created.json.Id;
  // the wrong origin or no CSRF token: refused before anything starts
  assert.equal(await upgradeStatus(uiWebSocket(t, `/ui/exec/${execId}/ws?csrf=${s.csrf}`, { Origin: 'http://evil.example', Cookie: s.cookie })), 403);
  assert.equal(await upgradeStatus(uiWebSocket(t, `/ui/exec/${execId}/ws?csrf=nope`, { Origin: origin(t), Cookie: s.cookie })), 403);
  const ws = uiWebSocket(t, `/ui/exec/${execId}/ws?csrf=${s.csrf}`, { Origin: origin(t), Cookie: s.cookie });
  let out = '';
  ws.on('message', (m: Buffer) => { out += m.toString(); });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  assert.equal(await upgradeStatus(ws), 101);
  const resize = await uiRequest(t, 'POST', `/engine/exec/${execId}/resize?h=33&w=101`, { headers });
  assert.equal(resize.status, 200, resize.text);
  ws.send('stty size; echo answer-$((6*7))\n');
  const deadline = Date.now() + 10_000;
  while (!/answer-42/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.match(out, /33 101/, 'the terminal has the size the page asked for');
  assert.match(out, /answer-42/);
  ws.send('exit 3\n');
  assert.equal(await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 10_000))]), 1000, 'the socket closes when the shell exits');
  const inspect = await uiRequest(t, 'GET', `/engine/exec/${execId}/json`, { headers: { Cookie: s.cookie } });
  assert.equal(inspect.json.ExitCode, 3);
  // closing the page's terminal hangs up its shell (no shell left waiting in the container)
  const second = await uiRequest(t, 'POST', `/engine/containers/${id}/exec`, { headers, body: { Cmd: ['sh'], Tty: true, AttachStdin: true, AttachStdout: true } });
  const ws2 = uiWebSocket(t, `/ui/exec/${second.json.Id}/ws?csrf=${s.csrf}`, { Origin: origin(t), Cookie: s.cookie });
  assert.equal(await upgradeStatus(ws2), 101);
  ws2.send('echo ready\n');
  await new Promise((r) => setTimeout(r, 500));
  ws2.close();
  let hung: any;
  for (let i = 0; i < 100; i++) {
    hung = (await uiRequest(t, 'GET', `/engine/exec/${second.json.Id}/json`, { headers: { Cookie: s.cookie } })).json;
    if (!hung.Running) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(hung.Running, false, 'the shell still runs after its terminal closed');
  assert.equal(hung.ExitCode, 129, 'SIGHUP');
  // an exec that has run cannot be started again
  assert.equal(await upgradeStatus(uiWebSocket(t, `/ui/exec/${execId}/ws?csrf=${s.csrf}`, { Origin: origin(t), Cookie: s.cookie })), 409);
  await d.ok(['rm', '-f', id]);
});

test('logout ends the session', async () => {
  const s = await login(t, await token());
  const noCsrf = await uiRequest(t, 'POST', '/ui/logout', { headers: { Cookie: s.cookie, Origin: origin(t) } });
  assert.equal(noCsrf.status, 403);
  const out = await uiRequest(t, 'POST', '/ui/logout', { headers: { Cookie: s.cookie, Origin: origin(t), 'x-berth-csrf': s.csrf } });
  assert.equal(out.status, 204);
  assert.match(String(out.headers['set-cookie']?.[0]), /^berth_ui_session=; .*Max-Age=0/);
  assert.equal((await uiRequest(t, 'GET', '/ui/session', { headers: { Cookie: s.cookie } })).status, 401);
  assert.equal((await uiRequest(t, 'GET', '/engine/_ping', { headers: { Cookie: s.cookie } })).status, 401);
});
