/**
 * `berth serve -H tcp://… --tlsverify` as dockerd: the real docker CLI talks to it with client
 * certificates; a TCP listener without verified client certificates is refused at startup;
 * clients without a certificate, or with one from another CA, are refused in the handshake.
 * The daemon listens on 127.0.0.1 inside its own network namespace; the clients run there too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startDaemon, CLI_MAIN, cleanEnv } from '../helpers/daemon.js';
import { DOCKER, runProgram } from './helpers.js';
import { checkTcpAccess, parseListenAddress, resolveTls } from '../../src/daemon/tls.js';

const PORT = 2376;

function openssl(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

/** A CA, and a certificate signed by it for `name` with the given extensions. */
function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-keyout', `${name}-key.pem`, '-out', `${name}.pem`, '-subj', `/CN=${name}`]);
}
function makeCert(dir: string, ca: string, name: string, ext: string): void {
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}-key.pem`, '-set_serial', `0x${randomBytes(8).toString('hex')}`,
    '-days', '2', '-out', `${name}-cert.pem`, '-extfile', `${name}.ext`]);
}

test('listen addresses and TLS settings follow dockerd', () => {
  assert.deepEqual(parseListenAddress('tcp://127.0.0.1:2376'), { kind: 'tcp', host: '127.0.0.1', port: 2376, display: 'tcp://127.0.0.1:2376' });
  assert.equal((parseListenAddress('tcp://:1234') as { host: string }).host, '127.0.0.1');
  assert.equal((parseListenAddress('tcp://[::1]') as { port: number }).port, 2376);
  assert.deepEqual(parseListenAddress('unix:///run/x.sock'), { kind: 'unix', path: '/run/x.sock', display: 'unix:///run/x.sock' });
  assert.throws(() => parseListenAddress('fd://'), /unsupported listen address/);
  assert.throws(() => parseListenAddress('tcp://1.2.3.4:5/x'), /no path/);

  // defaults: flags, then daemon.json, then $DOCKER_CERT_PATH, DOCKER_TLS_VERIFY turns verification on
  assert.equal(resolveTls({}, {}, {}), undefined);
  assert.deepEqual(resolveTls({}, {}, { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }),
    { verify: true, files: { cacert: '/certs/ca.pem', cert: '/certs/cert.pem', key: '/certs/key.pem' } });
  assert.deepEqual(resolveTls({ tlsverify: true, tlscert: '/a/c.pem' }, { tlskey: '/b/k.pem' }, { DOCKER_CERT_PATH: '/certs' })?.files,
    { cacert: '/certs/ca.pem', cert: '/a/c.pem', key: '/b/k.pem' });
  assert.equal(resolveTls({}, { tlsverify: true }, {})?.verify, true);
  assert.equal(resolveTls({ tls: true }, {}, {})?.verify, false);

  const tcp = [parseListenAddress('tcp://0.0.0.0:2375')];
  assert.throws(() => checkTcpAccess(tcp, undefined), /refusing to listen on tcp:\/\/0\.0\.0\.0:2375 without TLS/);
  assert.throws(() => checkTcpAccess(tcp, resolveTls({ tls: true }, {}, {})), /without --tlsverify/);
  assert.doesNotThrow(() => checkTcpAccess(tcp, resolveTls({ tlsverify: true }, {}, {})));
  assert.doesNotThrow(() => checkTcpAccess([parseListenAddress('unix:///x')], undefined));
});

test('docker CLI over TCP with --tlsverify; plain, unverified and foreign-CA access refused', { skip: !existsSync(DOCKER) && 'no docker CLI' }, async (t) => {
  const dir = mkdtempSync('/tmp/bt-tls-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  makeCa(dir, 'ca');
  makeCert(dir, 'ca', 'server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  makeCert(dir, 'ca', 'client', 'extendedKeyUsage=clientAuth\n');
  makeCa(dir, 'other-ca');
  makeCert(dir, 'other-ca', 'stranger', 'extendedKeyUsage=clientAuth\n');
  const p = (f: string) => join(dir, f);

  const d = await startDaemon({
    extraArgs: ['-H', `tcp://127.0.0.1:${PORT}`, '--tlsverify', '--tlscacert', p('ca.pem'), '--tlscert', p('server-cert.pem'), '--tlskey', p('server-key.pem')],
  });
  t.after(() => d.cleanup());
  const env: NodeJS.ProcessEnv = cleanEnv({ DOCKER_CONFIG: dir, HOME: dir });
  delete env.DOCKER_CERT_PATH;
  delete env.DOCKER_TLS_VERIFY;
  delete env.DOCKER_CONTEXT;
  delete env.DOCKER_API_VERSION;
  /** the docker CLI inside the daemon's network namespace */
  const docker = (args: string[], timeoutMs = 60_000, extraEnv: NodeJS.ProcessEnv = {}) =>
    runProgram('nsenter', [`--net=/run/netns/${d.netns}`, DOCKER, ...args], { env: { ...env, ...extraEnv }, timeoutMs });
  const tcpHost = ['-H', `tcp://127.0.0.1:${PORT}`];
  const withCert = (cert: string) => ['--tlsverify', '--tlscacert', p('ca.pem'), '--tlscert', p(`${cert}-cert.pem`), '--tlskey', p(`${cert}-key.pem`), ...tcpHost];

  await t.test('version and run over TLS with a client certificate', async () => {
    const v = await docker([...withCert('client'), 'version', '--format', '{{.Server.APIVersion}}']);
    assert.equal(v.code, 0, v.stderr);
    assert.equal(v.stdout.trim(), '1.55');
    const pull = await docker([...withCert('client'), 'pull', 'busybox'], 120_000);
    assert.equal(pull.code, 0, pull.stderr);
    const run = await docker([...withCert('client'), 'run', '--rm', 'busybox', 'echo', 'hi'], 120_000);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'hi\n');
    // stdin over the hijacked TLS stream, then half-close (close_notify) while the output keeps coming
    const stdin = await runProgram('nsenter', [`--net=/run/netns/${d.netns}`, DOCKER, ...withCert('client'), 'run', '--rm', '-i', 'busybox', 'sh', '-c', 'tr a-z A-Z; sleep 0.5; echo done'],
      { env, input: 'shout\n', timeoutMs: 60_000 });
    assert.equal(stdin.code, 0, stdin.stderr);
    assert.equal(stdin.stdout, 'SHOUT\ndone\n');
  });

  await t.test('DOCKER_CERT_PATH and DOCKER_TLS_VERIFY on the client side', async () => {
    const certDir = join(dir, 'client-dir');
    spawnSync('mkdir', ['-p', certDir]);
    spawnSync('cp', [p('ca.pem'), join(certDir, 'ca.pem')]);
    spawnSync('cp', [p('client-cert.pem'), join(certDir, 'cert.pem')]);
    spawnSync('cp', [p('client-key.pem'), join(certDir, 'key.pem')]);
    const r = await docker(['ps', '-a', '--format', '{{.ID}}'], 60_000, { DOCKER_HOST: `tcp://127.0.0.1:${PORT}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certDir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '', '--rm removed the container');
  });

  await t.test('the unix socket keeps serving next to the TCP listener', async () => {
    assert.equal((await d.api('GET', '/_ping')).status, 200);
  });

  await t.test('no client certificate: refused', async () => {
    const r = await docker(['--tls', '--tlscacert', p('ca.pem'), ...tcpHost, 'version', '--format', '{{.Server.APIVersion}}'], 30_000);
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(r.stdout, /1\.55/);
    assert.match(r.stderr, /certificate|tls|handshake|connection reset|EOF/i);
  });

  await t.test('a client certificate from another CA: refused', async () => {
    const r = await docker([...withCert('stranger'), 'version', '--format', '{{.Server.APIVersion}}'], 30_000);
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(r.stdout, /1\.55/);
    assert.match(r.stderr, /certificate|unknown ca|tls/i);
  });

  await t.test('plain HTTP on the TLS port gets no API answer', async () => {
    const r = await docker(['-H', `tcp://127.0.0.1:${PORT}`, 'version', '--format', '{{.Server.APIVersion}}'], 30_000);
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(r.stdout, /1\.55/);
  });

  await t.test('berth serve refuses a TCP listener without --tlsverify', async () => {
    const root = join(dir, 'refused');
    const serve = (extra: string[]) => runProgram('nsenter', [`--net=/run/netns/${d.netns}`, process.execPath, CLI_MAIN, 'serve',
      '-H', `unix://${root}/run/b.sock`, '--root', `${root}/root`, '--run-root', `${root}/run`, '--config-file', '/dev/null', ...extra],
    { env: cleanEnv({ DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: dir }), timeoutMs: 30_000 });
    const plain = await serve(['-H', 'tcp://127.0.0.1:2375']);
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /refusing to listen on tcp:\/\/127\.0\.0\.1:2375 without TLS/);
    const tlsOnly = await serve(['-H', 'tcp://127.0.0.1:2377', '--tls', '--tlscert', p('server-cert.pem'), '--tlskey', p('server-key.pem')]);
    assert.equal(tlsOnly.code, 1);
    assert.match(tlsOnly.stderr, /without --tlsverify/);
    const missing = await serve(['-H', 'tcp://127.0.0.1:2377', '--tlsverify', '--tlscacert', join(dir, 'nope.pem')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /could not read CA certificate \(--tlscacert\)/);
    assert.equal(existsSync(join(root, 'root')), false, 'nothing was created before refusing');
  });
});
