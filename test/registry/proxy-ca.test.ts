/**
 * Registry traffic as dockerd sends it: through HTTP_PROXY / HTTPS_PROXY (CONNECT for TLS) except
 * for NO_PROXY hosts and loopback, and trusting the system's CA store (here SSL_CERT_FILE, which
 * OpenSSL's default store honours) without any certs.d entry. The registries are `berth registry
 * serve` and the proxy a small forwarding proxy, all inside the daemon's network namespace.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDaemon, cleanEnv, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { buildImage, publish } from './publish.js';
import { inNetns, serveRegistry, type Peer } from './peers.js';

const PLAIN = '10.99.1.1:5201';   // plain HTTP (insecure-registries), reached through the proxy
const DIRECT = '10.99.1.2:5202';  // the same, but listed in NO_PROXY
const TLS = '10.99.1.1:5203';     // TLS with a CA that only the "system" store has
const LOOP = '127.0.0.1:5204';    // loopback: never proxied
const PROXY = '10.99.1.1:3128';
const PROXY_SCRIPT = fileURLToPath(new URL('./fixtures/forward-proxy.mjs', import.meta.url));

let d: TestDaemon;
let tmp: string;
let proxy: ChildProcess | undefined;
const peers: Peer[] = [];
const proxyLog = () => (existsSync(join(tmp, 'proxy.log')) ? readFileSync(join(tmp, 'proxy.log'), 'utf8') : '');

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: join(tmp, 'pki'), encoding: 'utf8' });
  assert.equal(r.status, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
}

before(async () => {
  tmp = mkdtempSync('/tmp/breg-proxy-');
  mkdirSync(join(tmp, 'pki'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=berth system CA']);
  writeFileSync(join(tmp, 'pki', 'server.ext'), 'subjectAltName=IP:10.99.1.1\nextendedKeyUsage=serverAuth\n');
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=10.99.1.1']);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'server.ext']);
  const img = await buildImage({ files: [{ name: 'etc/src', body: 'x' }], labels: { src: 'x' } });
  await publish(join(tmp, 'reg'), [{ repo: 'p/img', tag: '1', images: [img] }]);
  writeFileSync(join(tmp, 'daemon.json'), JSON.stringify({ 'insecure-registries': [PLAIN, DIRECT] }));
  mkdirSync(join(tmp, 'empty-certs'));
  d = await startDaemon({
    configFile: join(tmp, 'daemon.json'),
    env: {
      HTTP_PROXY: `http://${PROXY}`, HTTPS_PROXY: `http://${PROXY}`, NO_PROXY: '10.99.1.2',
      SSL_CERT_FILE: join(tmp, 'pki', 'ca.crt'), SSL_CERT_DIR: join(tmp, 'empty-certs'),
    },
  });
  for (const ip of ['10.99.1.1', '10.99.1.2']) assert.equal(inNetns(d.netns, 'ip', ['addr', 'add', `${ip}/32`, 'dev', 'lo']).status, 0);
  const pki = (f: string) => join(tmp, 'pki', f);
  for (const addr of [PLAIN, DIRECT, LOOP]) peers.push(await serveRegistry(d.netns, join(tmp, 'reg'), addr));
  peers.push(await serveRegistry(d.netns, join(tmp, 'reg'), TLS, ['--tls-cert', pki('server.crt'), '--tls-key', pki('server.key')]));
  proxy = spawn('nsenter', [`--net=/run/netns/${d.netns}`, process.execPath, PROXY_SCRIPT, PROXY, join(tmp, 'proxy.log')], { stdio: 'ignore', env: cleanEnv() });
  await waitFor(() => inNetns(d.netns, 'bash', ['-c', 'exec 3<>/dev/tcp/10.99.1.1/3128']).status === 0, 15_000, 'the proxy to listen');
});

after(async () => {
  if (proxy && proxy.exitCode === null) proxy.kill('SIGKILL');
  for (const p of peers) p.stop();
  await d?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function pull(ref: string): Promise<void> {
  const r = await d.berth(['pull', ref], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, `pull ${ref}: ${r.stderr}${r.stdout}`);
}

test('HTTP_PROXY carries plain registry traffic', async () => {
  await pull(`${PLAIN}/p/img:1`);
  assert.match(proxyLog(), new RegExp(`^GET http://${PLAIN}/v2/p/img/manifests/1$`, 'm'));
});

test('NO_PROXY hosts and loopback registries are reached directly', async () => {
  const before = proxyLog();
  await pull(`${DIRECT}/p/img:1`);
  await pull(`${LOOP}/p/img:1`);
  assert.equal(proxyLog(), before, 'the proxy saw none of it');
});

test('HTTPS_PROXY tunnels TLS with CONNECT; the system CA store is trusted without certs.d', async () => {
  await pull(`${TLS}/p/img:1`);
  assert.match(proxyLog(), new RegExp(`^CONNECT ${TLS}$`, 'm'));
});
