/**
 * The dashboard beyond loopback: refused at start-up without TLS or without client authentication;
 * with TLS and a client CA, a client certificate gets in (Secure cookie, HSTS) and a client without
 * one, or with one from another CA, is stopped at the handshake; the password logs in too.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DAEMON_NODE_FLAGS } from '../../src/daemon/node-flags.js';
import { CLI_MAIN, cleanEnv, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { login, origin, relayInto, uiRequest, uiWebSocket, upgradeStatus, type Relay, type UiTarget } from './ui-client.js';

const PORT = 19443;
/** the Engine API over TLS beside the unix socket: it must not hand out dashboard tokens */
const API_PORT = 12376;
const PASSWORD = 'correct horse battery staple';
let dir: string;
let d: TestDaemon;
let relay: Relay;
const p = (f: string) => join(dir, f);

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}
function makeCa(name: string): void {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-keyout', `${name}-key.pem`, '-out', `${name}.pem`, '-subj', `/CN=${name}`]);
}
function makeCert(ca: string, name: string, ext: string): void {
  writeFileSync(p(`${name}.ext`), ext);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}-key.pem`, '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '2', '-out', `${name}-cert.pem`, '-extfile', `${name}.ext`]);
}

/** `berth serve` with these arguments in the runner's own namespace: it must refuse before touching its root */
async function refusedServe(extra: string[], config = '/dev/null'): Promise<{ code: number; log: string; rootMade: boolean }> {
  const base = mkdtempSync(join(dir, 'serve-'));
  const logFile = join(base, 'daemon.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, CLI_MAIN, 'serve', '-H', `unix://${join(base, 'run', 'berth.sock')}`, '--root', join(base, 'root'),
    '--run-root', join(base, 'run'), '--config-file', config, ...extra], { env: cleanEnv(), stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number>((resolve) => child.once('exit', (c, sig) => resolve(c ?? (sig ? 128 : 1))));
  clearTimeout(timer);
  return { code, log: readFileSync(logFile, 'utf8'), rootMade: existsSync(join(base, 'root')) };
}

before(async () => {
  dir = mkdtempSync('/tmp/bt-uitls-');
  makeCa('ca');
  makeCert('ca', 'server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  makeCert('ca', 'client', 'extendedKeyUsage=clientAuth\n');
  makeCa('other-ca');
  makeCert('other-ca', 'stranger', 'extendedKeyUsage=clientAuth\n');
  writeFileSync(p('password'), `${PASSWORD}\n`, { mode: 0o600 });
  writeFileSync(p('short-password'), 'short\n', { mode: 0o600 });
});

after(async () => {
  relay?.close();
  await d?.cleanup();
  // a daemon that opened its root before it gave up may have mounted something under it
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4])
    .filter((m) => m && m.startsWith(dir)).sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m]);
  rmSync(dir, { recursive: true, force: true });
});

test('a dashboard address in use stops the start with the reason', async () => {
  // the runner's own namespace (the suite runs under unshare --net): its loopback starts down
  spawnSync('ip', ['link', 'set', 'lo', 'up']);
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  try {
    const port = (blocker.address() as { port: number }).port;
    const r = await refusedServe(['--fix-cgroups', '--ui', `127.0.0.1:${port}`]);
    assert.equal(r.code, 1, r.log);
    assert.match(r.log, new RegExp(`the dashboard's address 127\\.0\\.0\\.1:${port} is already in use`));
  } finally {
    blocker.close();
  }
});

test('a non-loopback address is refused without TLS, or with TLS but no client authentication', async () => {
  const plain = await refusedServe(['--ui', '0.0.0.0:9000']);
  assert.equal(plain.code, 1, plain.log);
  assert.match(plain.log, /refusing to serve the dashboard on 0\.0\.0\.0:9000 without TLS/);
  assert.ok(!plain.rootMade, 'the root was created');
  const noClientAuth = await refusedServe(['--ui', '10.1.2.3:9000', '--ui-tlscert', p('server-cert.pem'), '--ui-tlskey', p('server-key.pem')]);
  assert.equal(noClientAuth.code, 1);
  assert.match(noClientAuth.log, /with TLS but no client authentication/);
  writeFileSync(p('daemon.json'), JSON.stringify({ ui: '[::]:9000' }));
  const fromFile = await refusedServe([], p('daemon.json'));
  assert.equal(fromFile.code, 1);
  assert.match(fromFile.log, /refusing to serve the dashboard on \[::\]:9000 without TLS/);
  const bad = await refusedServe(['--ui', 'example.com:9000']);
  assert.match(bad.log, /invalid UI address "example\.com:9000"/);
  const short = await refusedServe(['--ui', '0.0.0.0:9000', '--ui-tlscert', p('server-cert.pem'), '--ui-tlskey', p('server-key.pem'), '--ui-password-file', p('short-password')]);
  assert.match(short.log, /too short/);
  const noKey = await refusedServe(['--ui-tlscert', p('server-cert.pem')]);
  assert.match(noKey.log, /--ui-tlscert and --ui-tlskey go together/);
});

test('TLS with a client CA: a client certificate logs in (Secure cookie, HSTS); none, or another CA\'s, is refused', async () => {
  d = await startDaemon({ extraArgs: ['-H', `tcp://127.0.0.1:${API_PORT}`, '--tlsverify', '--tlscacert', p('ca.pem'), '--tlscert', p('server-cert.pem'), '--tlskey', p('server-key.pem'),
    '--ui', `0.0.0.0:${PORT}`, '--ui-tlscert', p('server-cert.pem'), '--ui-tlskey', p('server-key.pem'), '--ui-tlscacert', p('ca.pem'), '--ui-password-file', p('password')] });
  relay = await relayInto(d.netns, '127.0.0.1', PORT, dir);
  const url = (await d.ok(['ui'])).trim();
  const m = new RegExp(`^https://127\\.0\\.0\\.1:${PORT}/#token=([A-Za-z0-9_-]+)$`).exec(url);
  assert.ok(m, url);
  const ca = readFileSync(p('ca.pem'));
  const t: UiTarget = { relay, hostPort: `127.0.0.1:${PORT}`, tls: { ca, cert: readFileSync(p('client-cert.pem')), key: readFileSync(p('client-key.pem')) } };
  const s = await login(t, m[1]);
  assert.ok(s.setCookie.split(';').map((x) => x.trim()).includes('Secure'), s.setCookie);
  const ping = await uiRequest(t, 'GET', '/engine/_ping', { headers: { Cookie: s.cookie } });
  assert.equal(ping.status, 200);
  assert.equal(ping.text, 'OK');
  assert.equal(ping.headers['strict-transport-security'], 'max-age=31536000');
  // a non-loopback listener answers to its own names (the certificate decides who may connect)
  assert.equal((await uiRequest(t, 'GET', '/engine/_ping', { headers: { Cookie: s.cookie, Host: `berth.example:${PORT}` } })).status, 200);
  // WebSockets over TLS: the https origin is the one accepted
  assert.equal(await upgradeStatus(uiWebSocket(t, `/ui/exec/none/ws?csrf=${s.csrf}`, { Origin: `http://127.0.0.1:${PORT}`, Cookie: s.cookie })), 403);
  assert.equal(await upgradeStatus(uiWebSocket(t, `/ui/exec/none/ws?csrf=${s.csrf}`, { Origin: origin(t), Cookie: s.cookie })), 404);

  // the password logs in too, a wrong one does not
  const pw = await uiRequest(t, 'POST', '/ui/login', { body: { password: PASSWORD }, headers: { Origin: origin(t) } });
  assert.equal(pw.status, 200, pw.text);
  const wrong = await uiRequest(t, 'POST', '/ui/login', { body: { password: 'not it' }, headers: { Origin: origin(t) } });
  assert.equal(wrong.status, 401);

  // the token endpoint is the unix socket's alone: a TCP listener of the Engine API does not have it
  const apiRelay = await relayInto(d.netns, '127.0.0.1', API_PORT, dir, 'api');
  try {
    const overTcp = await uiRequest({ relay: apiRelay, hostPort: `127.0.0.1:${API_PORT}`, tls: t.tls }, 'POST', '/berth/ui/session-token');
    assert.equal(overTcp.status, 404, overTcp.text);
    assert.equal((await uiRequest({ relay: apiRelay, hostPort: `127.0.0.1:${API_PORT}`, tls: t.tls }, 'GET', '/_ping')).status, 200);
  } finally {
    apiRelay.close();
  }

  // no client certificate, or one from another CA: the handshake fails
  // (TLS 1.3: the server's refusal of a foreign certificate reaches the client as a closed connection)
  for (const [tls, why] of [[{ ca }, /certificate required/], [{ ca, cert: readFileSync(p('stranger-cert.pem')), key: readFileSync(p('stranger-key.pem')) }, /unknown ca|socket hang up|ECONNRESET/i]] as const) {
    const u: UiTarget = { relay, hostPort: t.hostPort, tls };
    const err = await uiRequest(u, 'GET', '/', { timeoutMs: 10_000 }).then(() => undefined, (e: Error) => e);
    assert.match(String(err?.message), why);
  }
});
