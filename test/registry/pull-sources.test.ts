/**
 * Where a pull gets its bytes and what it picks, through a real daemon: zstd layers (made
 * with the zstd program) that unpack and run; --platform selection from an OCI index;
 * mirrors (daemon.json `registry-mirrors` for Docker Hub and berth's `mirrors` for any
 * registry) with fallback to the registry itself; certs.d with a CA made by openssl and a
 * registry that requires client certificates. Every registry is `berth registry serve` on
 * an address inside the daemon's network namespace.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { buildImage, publish, type Built } from './publish.js';
import { inNetns, serveRegistry, type Peer } from './peers.js';

const A = '127.0.0.1:5101';       // a plain registry
const MIRROR = '127.0.0.1:5102';  // mirror of A and of Docker Hub
const DEAD = '127.0.0.1:5199';    // a mirror that is down
const TLS = '10.99.0.1:5103';     // TLS with a private CA (not loopback: no plain-HTTP shortcut)
const MTLS = '10.99.0.1:5104';    // TLS that requires a client certificate
const hostArch = process.arch === 'x64' ? 'amd64' : process.arch;
const otherArch = hostArch === 'arm64' ? 'amd64' : 'arm64';

let d: TestDaemon;
let tmp: string;
const peers: Peer[] = [];

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: join(tmp, 'pki'), encoding: 'utf8' });
  assert.equal(r.status, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
}

function makePki(): void {
  mkdirSync(join(tmp, 'pki'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=berth test CA']);
  writeFileSync(join(tmp, 'pki', 'server.ext'), 'subjectAltName=IP:10.99.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(join(tmp, 'pki', 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const who of ['server', 'client']) {
    openssl(['req', ...ec, '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=${who === 'server' ? '10.99.0.1' : 'berth client'}`]);
    openssl(['x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${who}.crt`, '-days', '2', '-extfile', `${who}.ext`]);
  }
}

const busybox = { name: 'bin/busybox', body: readFileSync('/bin/busybox'), mode: 0o755 };
const small = (arch: string, src: string): Promise<Built> => buildImage({ files: [{ name: 'etc/src', body: src }], arch, labels: { src } });

async function ok(args: string[]): Promise<string> {
  const r = await d.berth(args, { timeoutMs: 120_000 });
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}
const label = async (ref: string) => (await ok(['image', 'inspect', '-f', '{{index .Config.Labels "src"}}', ref])).trim();

before(async () => {
  tmp = mkdtempSync('/tmp/breg-src-');
  makePki();
  const zstdImg = await buildImage({ files: [busybox], compression: 'zstd', cmd: ['/bin/busybox', 'echo', 'zstd layer runs'] });
  const [host, other] = [await small(hostArch, hostArch), await small(otherArch, otherArch)];
  await publish(join(tmp, 'a'), [
    { repo: 'zstd/img', tag: '1', images: [zstdImg] },
    { repo: 'multi/img', tag: '1', images: [host, other], index: true },
    { repo: 'mir/a', tag: '1', images: [await small('amd64', 'A')] },
    { repo: 'mir/b', tag: '1', images: [await small('amd64', 'A')] },
  ]);
  await publish(join(tmp, 'mirror'), [
    { repo: 'mir/a', tag: '1', images: [await small('amd64', 'mirror')] },
    { repo: 'library/hubimg', tag: '1', images: [await small('amd64', 'hub mirror')] },
  ]);
  await publish(join(tmp, 'tls'), [{ repo: 'tls/img', tag: '1', images: [await small('amd64', 'tls')] }]);
  await publish(join(tmp, 'mtls'), [{ repo: 'mtls/img', tag: '1', images: [await small('amd64', 'mtls')] }]);

  mkdirSync(join(tmp, 'certs.d'));
  writeFileSync(join(tmp, 'daemon.json'), JSON.stringify({
    'registry-mirrors': [`http://${MIRROR}`],
    mirrors: { [A]: [`http://${DEAD}`, `http://${MIRROR}`] },
    'certs-dir': join(tmp, 'certs.d'),
  }));
  d = await startDaemon({ configFile: join(tmp, 'daemon.json') });
  assert.equal(inNetns(d.netns, 'ip', ['addr', 'add', '10.99.0.1/32', 'dev', 'lo']).status, 0);
  const pki = (f: string) => join(tmp, 'pki', f);
  peers.push(await serveRegistry(d.netns, join(tmp, 'a'), A));
  peers.push(await serveRegistry(d.netns, join(tmp, 'mirror'), MIRROR));
  peers.push(await serveRegistry(d.netns, join(tmp, 'tls'), TLS, ['--tls-cert', pki('server.crt'), '--tls-key', pki('server.key')]));
  peers.push(await serveRegistry(d.netns, join(tmp, 'mtls'), MTLS, ['--tls-cert', pki('server.crt'), '--tls-key', pki('server.key'), '--tls-client-ca', pki('ca.crt')]));
});

after(async () => {
  for (const p of peers) p.stop();
  await d?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('a zstd-compressed layer is pulled, unpacked and runs', async () => {
  await ok(['pull', `${A}/zstd/img:1`]);
  const out = await ok(['run', '--rm', `${A}/zstd/img:1`]);
  assert.match(out, /zstd layer runs/);
});

test('--platform: the host platform by default, another on request, an unknown one is a clear error', async () => {
  await ok(['pull', `${A}/multi/img:1`]);
  assert.equal((await ok(['image', 'inspect', '-f', '{{.Architecture}}', `${A}/multi/img:1`])).trim(), hostArch);
  assert.equal(await label(`${A}/multi/img:1`), hostArch);
  await ok(['pull', '--platform', `linux/${otherArch}`, `${A}/multi/img:1`]);
  assert.equal((await ok(['image', 'inspect', '-f', '{{.Architecture}}', `${A}/multi/img:1`])).trim(), otherArch);
  const bad = await d.berth(['pull', '--platform', 'linux/s390x', `${A}/multi/img:1`], { timeoutMs: 60_000 });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /no matching manifest for linux\/s390x/);
});

test('mirrors: a mirror that is down is skipped; served by a mirror that has the image, by the registry otherwise; Docker Hub mirror', async () => {
  await ok(['pull', `${A}/mir/a:1`]);
  assert.equal(await label(`${A}/mir/a:1`), 'mirror');
  await ok(['pull', `${A}/mir/b:1`]);
  assert.equal(await label(`${A}/mir/b:1`), 'A');
  await ok(['rmi', `${A}/mir/b:1`]);
  await ok(['pull', '-a', `${A}/mir/b`]); // tags come from the registry, not from the partial mirror
  assert.equal(await label(`${A}/mir/b:1`), 'A');
  await ok(['pull', 'hubimg:1']);
  assert.equal(await label('hubimg:1'), 'hub mirror');
});

test('certs.d: a private CA is needed and enough; a client-certificate registry takes client.cert/client.key', async () => {
  const fail = await d.berth(['pull', `${TLS}/tls/img:1`], { timeoutMs: 60_000 });
  assert.notEqual(fail.code, 0);
  assert.match(fail.stderr, /TLS with registry 10\.99\.0\.1:5103 failed: .*certificate.*certs\.d\/10\.99\.0\.1:5103\/ca\.crt/);
  mkdirSync(join(tmp, 'certs.d', TLS));
  copyFileSync(join(tmp, 'pki', 'ca.crt'), join(tmp, 'certs.d', TLS, 'ca.crt'));
  await ok(['pull', `${TLS}/tls/img:1`]);
  assert.equal(await label(`${TLS}/tls/img:1`), 'tls');

  const dir = join(tmp, 'certs.d', MTLS);
  mkdirSync(dir);
  copyFileSync(join(tmp, 'pki', 'ca.crt'), join(dir, 'ca.crt'));
  const noClient = await d.berth(['pull', `${MTLS}/mtls/img:1`], { timeoutMs: 60_000 });
  assert.notEqual(noClient.code, 0, 'a registry that requires a client certificate refuses a client without one');
  assert.match(noClient.stderr, /TLS with registry 10\.99\.0\.1:5104 failed: .*certificate required/);
  copyFileSync(join(tmp, 'pki', 'client.crt'), join(dir, 'client.cert'));
  copyFileSync(join(tmp, 'pki', 'client.key'), join(dir, 'client.key'));
  await ok(['pull', `${MTLS}/mtls/img:1`]);
  assert.equal(await label(`${MTLS}/mtls/img:1`), 'mtls');
});
