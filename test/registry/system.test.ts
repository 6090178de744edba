/**
 * berth pull/push/login/save/load through a real daemon, against berth's own registry and
 * Debian's docker-registry (distribution 2.8), plus skopeo and the docker CLI. Every peer
 * listens on loopback inside the daemon's network namespace.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { startDaemon, BERTH_BIN, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
let tmp: string;
const peers: ChildProcess[] = [];

function inNs(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const env = { ...process.env, ...opts.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return spawnSync('nsenter', [`--net=/run/netns/${d.netns}`, cmd, ...args], { encoding: 'utf8', env, input: opts.input, timeout: 120_000 });
}

async function startPeer(args: string[], port: number): Promise<void> {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const child = spawn('nsenter', [`--net=/run/netns/${d.netns}`, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let errText = '';
  child.stderr!.on('data', (c) => { errText += c; });
  peers.push(child);
  for (let i = 0; i < 200; i++) {
    const r = inNs('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`]);
    if (r.status === 0) return;
    if (child.exitCode !== null) throw new Error(`peer exited: ${errText}`);
    await new Promise((r2) => setTimeout(r2, 100));
  }
  throw new Error(`peer on ${port} did not start: ${errText}`);
}

async function ok(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const r = await d.berth(args, { ...opts, timeoutMs: 120_000 });
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

before(async () => {
  d = await startDaemon();
  tmp = mkdtempSync('/tmp/breg-sys-');
  writeFileSync(join(tmp, 'htpasswd'), `alice:${bcrypt.hashSync('secret', 6)}\n`);
  await startPeer([BERTH_BIN, 'registry', 'serve', '--root', join(tmp, 'reg'), '--addr', '127.0.0.1:5000'], 5000);
  await startPeer([BERTH_BIN, 'registry', 'serve', '--root', join(tmp, 'reg-auth'), '--addr', '127.0.0.1:5002', '--htpasswd', join(tmp, 'htpasswd'), '--auth', 'token'], 5002);
  await ok(['image', 'bootstrap', 'busybox']);
});

after(async () => {
  for (const p of peers) { try { p.kill('SIGKILL'); } catch { /* gone */ } }
  await d?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('push to and pull from berth registry by tag and digest; the pulled image runs', async () => {
  await ok(['tag', 'busybox', '127.0.0.1:5000/test/busybox:v1']);
  const push = await ok(['push', '127.0.0.1:5000/test/busybox:v1']);
  const digest = /digest: (sha256:[a-f0-9]{64})/.exec(push)?.[1];
  assert.ok(digest, push);
  await ok(['rmi', '127.0.0.1:5000/test/busybox:v1']);
  const id = (await ok(['image', 'inspect', '-f', '{{.Id}}', 'busybox'])).trim();
  await ok(['rmi', 'busybox']);
  const pull = await ok(['pull', '127.0.0.1:5000/test/busybox:v1']);
  assert.match(pull, /Status: Downloaded newer image for 127\.0\.0\.1:5000\/test\/busybox:v1/);
  assert.equal((await ok(['image', 'inspect', '-f', '{{.Id}}', '127.0.0.1:5000/test/busybox:v1'])).trim(), id);
  const again = await ok(['pull', '127.0.0.1:5000/test/busybox:v1']);
  assert.match(again, /Image is up to date/);
  const byDigest = await ok(['pull', `127.0.0.1:5000/test/busybox@${digest}`]);
  assert.match(byDigest, new RegExp(digest!));
  const run = await ok(['run', '--rm', '127.0.0.1:5000/test/busybox:v1', 'echo', 'pulled-and-running']);
  assert.match(run, /pulled-and-running/);
  // push to a second repository mounts the blobs from the first
  await ok(['tag', '127.0.0.1:5000/test/busybox:v1', '127.0.0.1:5000/other/busybox:v1']);
  const push2 = await ok(['push', '127.0.0.1:5000/other/busybox:v1']);
  assert.match(push2, /Mounted from test\/busybox|Layer already exists/);
  await ok(['tag', '127.0.0.1:5000/test/busybox:v1', 'busybox']);
});

test('token auth: login, push, pull; wrong password refused', async () => {
  const cfg = join(tmp, 'dockercfg');
  const env = { DOCKER_CONFIG: cfg };
  const bad = await d.berth(['login', '-u', 'alice', '--password-stdin', '127.0.0.1:5002'], { input: 'wrong\n', env });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /unauthorized|401/i);
  await ok(['tag', 'busybox', '127.0.0.1:5002/priv/busybox:1']);
  const anon = await d.berth(['push', '127.0.0.1:5002/priv/busybox:1'], { env });
  assert.notEqual(anon.code, 0);
  assert.match(anon.stderr, /unauthorized|authentication required/i);
  assert.match(await ok(['login', '-u', 'alice', '--password-stdin', '127.0.0.1:5002'], { input: 'secret\n', env }), /Login Succeeded/);
  await ok(['push', '127.0.0.1:5002/priv/busybox:1'], { env });
  await ok(['rmi', '127.0.0.1:5002/priv/busybox:1']);
  await ok(['pull', '127.0.0.1:5002/priv/busybox:1'], { env });
  assert.match(await ok(['logout', '127.0.0.1:5002'], { env }), /Removing login credentials/);
});

test('Debian docker-registry (distribution 2.8): push and pull with and without basic auth', { skip: !existsSync('/usr/bin/docker-registry') && 'docker-registry not installed' }, async () => {
  for (const [port, auth] of [[5003, false], [5004, true]] as const) {
    const cfgFile = join(tmp, `distribution-${port}.yml`);
    writeFileSync(cfgFile, [
      'version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${join(tmp, `dist-${port}`)}`, '  delete:', '    enabled: true',
      'http:', `  addr: 127.0.0.1:${port}`,
      ...(auth ? ['auth:', '  htpasswd:', '    realm: test', `    path: ${join(tmp, 'htpasswd')}`] : []), '',
    ].join('\n'));
    await startPeer(['/usr/bin/docker-registry', 'serve', cfgFile], port);
    const env = { DOCKER_CONFIG: join(tmp, `cfg-${port}`) };
    const ref = `127.0.0.1:${port}/lib/busybox:dist`;
    if (auth) await ok(['login', '-u', 'alice', '--password-stdin', `127.0.0.1:${port}`], { input: 'secret\n', env });
    await ok(['tag', 'busybox', ref]);
    const push = await ok(['push', ref], { env });
    const digest = /digest: (sha256:[a-f0-9]{64})/.exec(push)![1];
    await ok(['rmi', ref]);
    await ok(['pull', ref], { env });
    await ok(['pull', `127.0.0.1:${port}/lib/busybox@${digest}`], { env });
  }
});

test('skopeo copies between berth registry, an OCI layout and a docker-archive; berth loads and saves them', { skip: !existsSync('/usr/bin/skopeo') && 'skopeo not installed' }, async () => {
  const sk = (args: string[]) => {
    const r = inNs('skopeo', ['--insecure-policy', ...args]);
    assert.equal(r.status, 0, `skopeo ${args.join(' ')}: ${r.stderr}`);
  };
  const oci = join(tmp, 'oci-layout');
  const archive = join(tmp, 'skopeo.tar');
  sk(['copy', '--src-tls-verify=false', 'docker://127.0.0.1:5000/test/busybox:v1', `oci:${oci}:v1`]);
  sk(['copy', '--src-tls-verify=false', 'docker://127.0.0.1:5000/test/busybox:v1', `docker-archive:${archive}:skopeo/busybox:arch`]);
  sk(['copy', '--dest-tls-verify=false', `oci:${oci}:v1`, 'docker://127.0.0.1:5000/fromoci/busybox:v1']);
  // berth loads skopeo's docker-archive, saves it again; skopeo reads berth's archive back into the registry
  const loaded = await ok(['load', '-i', archive]);
  assert.match(loaded, /Loaded image: skopeo\/busybox:arch/);
  const saved = join(tmp, 'berth-save.tar');
  await ok(['save', '-o', saved, 'skopeo/busybox:arch']);
  sk(['copy', '--dest-tls-verify=false', `docker-archive:${saved}`, 'docker://127.0.0.1:5000/fromsave/busybox:v1']);
  sk(['copy', '--dest-tls-verify=false', `oci-archive:${saved}`, 'docker://127.0.0.1:5000/fromsaveoci/busybox:v1']);
  await ok(['pull', '127.0.0.1:5000/fromsave/busybox:v1']);
  await ok(['pull', '127.0.0.1:5000/fromoci/busybox:v1']);
  const r = await ok(['run', '--rm', '127.0.0.1:5000/fromsave/busybox:v1', 'echo', 'roundtrip']);
  assert.match(r, /roundtrip/);
});

test('docker CLI pulls and pushes through berth serve and logs in to berth registry', async () => {
  const env = { DOCKER_HOST: `unix://${d.socket}`, DOCKER_CONFIG: join(tmp, 'docker-cli') };
  const docker = (args: string[], input?: string) => {
    const r = spawnSync('/usr/local/bin/docker', args, { encoding: 'utf8', env: { ...process.env, ...env }, input, timeout: 120_000 });
    assert.equal(r.status, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  docker(['pull', '127.0.0.1:5000/test/busybox:v1']);
  docker(['tag', '127.0.0.1:5000/test/busybox:v1', '127.0.0.1:5000/docker/busybox:cli']);
  docker(['push', '127.0.0.1:5000/docker/busybox:cli']);
  assert.match(docker(['login', '-u', 'alice', '--password-stdin', '127.0.0.1:5002'], 'secret\n'), /Login Succeeded/);
  docker(['tag', '127.0.0.1:5000/test/busybox:v1', '127.0.0.1:5002/docker/busybox:cli']);
  docker(['push', '127.0.0.1:5002/docker/busybox:cli']);
});
