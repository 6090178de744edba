/**
 * Signing end to end: `berth key generate`, `berth sign` (the CLI holds the key, the daemon stores and
 * pushes), the `.sig` tag and the referrer in berth's registry fetched raw, `berth verify` in the
 * signing daemon and in a second one after a pull, and what must fail: a wrong key, wrong annotations,
 * a wrong password, another image pushed under the signed tag, a swapped or truncated signature, a
 * signature for another digest, keyless use. With Debian's docker-registry (no referrers API) the
 * signature travels by its tag alone.
 *
 * Each daemon lives in its own network namespace with a registry process on its loopback, all serving
 * the same storage directory, so what one pushes the other pulls.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { startDaemon, type TestDaemon, type RunResult } from '../helpers/daemon.js';
import { inNetns, serveRegistry, type Peer } from '../registry/peers.js';
import { loadPrivateKey, signPayload } from '../../src/sign/keys.js';
import { buildPayload } from '../../src/sign/payload.js';
import { makeBundle } from './helpers.js';

let d1: TestDaemon;
let d2: TestDaemon;
let tmp: string;
const peers: Peer[] = [];
const REF = '127.0.0.1:5000/sign/app:v1';
const PASS = { COSIGN_PASSWORD: 'pw-1' };
const HAS_DISTRIBUTION = existsSync('/usr/bin/docker-registry');
let digest = '';

const sha = (b: Buffer | string) => 'sha256:' + createHash('sha256').update(b).digest('hex');

async function ok(d: TestDaemon, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const r = await d.berth(args, { timeoutMs: 180_000, env });
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r;
}

/** GET from a registry inside a daemon's namespace. */
function curl(d: TestDaemon, url: string, accept = 'application/vnd.oci.image.manifest.v1+json'): { status: number; body: string } {
  const r = inNetns(d.netns, 'curl', ['-s', '-H', `Accept: ${accept}`, '-w', '\n%{http_code}', url]);
  const i = r.stdout.lastIndexOf('\n');
  return { status: Number(r.stdout.slice(i + 1)), body: r.stdout.slice(0, i) };
}

/** A one-file image imported from a tar (another image to push under the signed tag). */
async function importImage(d: TestDaemon, ref: string, content: string): Promise<void> {
  const dir = mkdtempSync(join(tmp, 'img-'));
  writeFileSync(join(dir, 'file.txt'), content);
  const tar = spawnSync('tar', ['-C', dir, '-cf', '-', 'file.txt']);
  assert.equal(tar.status, 0);
  const r = await d.berth(['import', '-', ref], { input: tar.stdout, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
}

before(async () => {
  d1 = await startDaemon();
  d2 = await startDaemon();
  tmp = mkdtempSync('/tmp/berth-sign-');
  for (const d of [d1, d2]) peers.push(await serveRegistry(d.netns, join(tmp, 'registry'), '127.0.0.1:5000'));
  await ok(d1, ['image', 'bootstrap', 'busybox']);
  await ok(d1, ['tag', 'busybox', REF]);
  await ok(d1, ['push', REF]);
});

after(async () => {
  for (const p of peers) p.stop();
  await d1?.cleanup();
  await d2?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('key generate writes cosign\'s encrypted key and a PKIX public key; it refuses to overwrite', async () => {
  const r = await ok(d1, ['key', 'generate', '--output-key-prefix', join(tmp, 'k1')], PASS);
  assert.match(r.stderr, new RegExp(`Private key written to ${join(tmp, 'k1')}.key\\nPublic key written to ${join(tmp, 'k1')}.pub`));
  assert.match(readFileSync(join(tmp, 'k1.key'), 'utf8'), /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
  assert.match(readFileSync(join(tmp, 'k1.pub'), 'utf8'), /^-----BEGIN PUBLIC KEY-----\n/);
  await loadPrivateKey(readFileSync(join(tmp, 'k1.key')), Buffer.from(PASS.COSIGN_PASSWORD));
  await ok(d1, ['key', 'generate', '--output-key-prefix', join(tmp, 'k2')], { COSIGN_PASSWORD: 'other' });
  const again = await d1.berth(['key', 'generate', '--output-key-prefix', join(tmp, 'k1')], { env: PASS });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already exists/);
});

test('sign pushes the signature as the .sig tag (cosign\'s manifest) and as a referrer', async () => {
  const r = await ok(d1, ['sign', '--key', join(tmp, 'k1.key'), '-a', 'env=prod', REF], PASS);
  assert.match(r.stderr, /Pushing signature to: 127\.0\.0\.1:5000\/sign\/app/);
  digest = (await ok(d1, ['image', 'inspect', '-f', '{{index .RepoDigests 0}}', REF])).stdout.trim().split('@')[1]!;
  assert.match(digest, /^sha256:[a-f0-9]{64}$/);
  const tag = `sha256-${digest.slice(7)}.sig`;
  const m = curl(d1, `http://127.0.0.1:5000/v2/sign/app/manifests/${tag}`);
  assert.equal(m.status, 200, m.body);
  const manifest = JSON.parse(m.body);
  assert.equal(manifest.schemaVersion, 2);
  assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(manifest.config.mediaType, 'application/vnd.oci.image.config.v1+json');
  assert.equal(manifest.layers.length, 1);
  const layer = manifest.layers[0];
  assert.equal(layer.mediaType, 'application/vnd.dev.cosign.simplesigning.v1+json');
  assert.match(layer.annotations['dev.cosignproject.cosign/signature'], /^[A-Za-z0-9+/]+=*$/);
  const blob = curl(d1, `http://127.0.0.1:5000/v2/sign/app/blobs/${layer.digest}`, '*/*');
  assert.equal(sha(blob.body), layer.digest);
  assert.equal(blob.body, `{"critical":{"identity":{"docker-reference":"127.0.0.1:5000/sign/app"},"image":{"docker-manifest-digest":"${digest}"},"type":"cosign container image signature"},"optional":{"env":"prod"}}`);
  const cfg = curl(d1, `http://127.0.0.1:5000/v2/sign/app/blobs/${manifest.config.digest}`, '*/*');
  assert.deepEqual(JSON.parse(cfg.body).rootfs, { type: 'layers', diff_ids: [layer.digest] });
  // the OCI 1.1 form
  const list = curl(d1, `http://127.0.0.1:5000/v2/sign/app/referrers/${digest}?artifactType=application%2Fvnd.dev.cosign.artifact.sig.v1%2Bjson`, 'application/vnd.oci.image.index.v1+json');
  assert.equal(list.status, 200, list.body);
  const refs = JSON.parse(list.body).manifests;
  assert.equal(refs.length, 1);
  assert.equal(refs[0].artifactType, 'application/vnd.dev.cosign.artifact.sig.v1+json');
  // a second signature is appended to the .sig tag's layers, as cosign does
  await ok(d1, ['sign', '--key', join(tmp, 'k2.key'), REF], { COSIGN_PASSWORD: 'other' });
  assert.equal(JSON.parse(curl(d1, `http://127.0.0.1:5000/v2/sign/app/manifests/${tag}`).body).layers.length, 2);
});

test('verify: cosign\'s output for the right key; exit 12 for a wrong key or wrong annotations', async () => {
  const r = await ok(d1, ['verify', '--key', join(tmp, 'k1.pub'), '-a', 'env=prod', REF]);
  assert.equal(r.stderr, `\nVerification for ${REF} --\nThe following checks were performed on each of these signatures:\n`
    + '  - The specified annotations were verified.\n  - The cosign claims were validated\n  - The signatures were verified against the specified public key\n');
  const out = JSON.parse(r.stdout);
  assert.equal(out.length, 1);
  assert.equal(out[0].critical.image['docker-manifest-digest'], digest);
  assert.equal(out[0].critical.identity['docker-reference'], '127.0.0.1:5000/sign/app');
  assert.deepEqual(out[0].optional, { env: 'prod' });
  // both keys' signatures are there: each key verifies its own
  assert.equal(JSON.parse((await ok(d1, ['verify', '--key', join(tmp, 'k2.pub'), REF])).stdout).length, 1);
  const annotations = await d1.berth(['verify', '--key', join(tmp, 'k1.pub'), '-a', 'env=dev', REF]);
  assert.equal(annotations.code, 12, annotations.stderr);
  assert.match(annotations.stderr, /^Error: no matching signatures: /);
  assert.match(annotations.stderr, /missing or incorrect annotation/);
  assert.equal(annotations.stdout, '');
  const k3 = join(tmp, 'k3');
  await ok(d1, ['key', 'generate', '--output-key-prefix', k3], PASS);
  const wrong = await d1.berth(['verify', '--key', `${k3}.pub`, REF]);
  assert.equal(wrong.code, 12);
  assert.match(wrong.stderr, /invalid signature when validating ASN\.1 encoded signature/);
  const notAKey = await d1.berth(['verify', '--key', join(tmp, 'k1.key'), REF]);
  assert.equal(notAKey.code, 1);
  assert.match(notAKey.stderr, /not a PEM public key/);
});

test('a second daemon pulls the image with its signatures and verifies them (local and --remote)', async () => {
  const pulled = await ok(d2, ['pull', REF]);
  assert.match(pulled.stdout, /pulled 2 signatures/);
  const r = await ok(d2, ['verify', '--key', join(tmp, 'k1.pub'), REF]);
  assert.equal(JSON.parse(r.stdout)[0].critical.image['docker-manifest-digest'], digest);
  await ok(d2, ['verify', '--remote', '--key', join(tmp, 'k2.pub'), REF]);
  const listed = await d2.api('GET', `/berth/images/${encodeURIComponent(REF)}/signatures`);
  assert.equal(listed.status, 200);
  assert.equal(listed.body.source, 'local');
  assert.equal(listed.body.manifestDigest, digest);
  assert.equal(listed.body.signatures.length, 2);
});

test('wrong password, keyless use, a missing image: clear errors', async () => {
  const pw = await d1.berth(['sign', '--key', join(tmp, 'k1.key'), REF], { env: { COSIGN_PASSWORD: 'nope' } });
  assert.equal(pw.code, 1);
  assert.match(pw.stderr, /decryption failed/);
  const keyless = await d1.berth(['sign', REF], { env: PASS });
  assert.equal(keyless.code, 1);
  assert.match(keyless.stderr, /keyless .* not supported: use --key/);
  const vk = await d1.berth(['verify', '--certificate-identity', 'me@example.com', REF]);
  assert.equal(vk.code, 1);
  assert.match(vk.stderr, /keyless/);
  const tlog = await d1.berth(['sign', '--key', join(tmp, 'k1.key'), '--tlog-upload', REF], { env: PASS });
  assert.equal(tlog.code, 1);
  assert.match(tlog.stderr, /transparency log/);
  const missing = await d1.berth(['sign', '--key', join(tmp, 'k1.key'), '127.0.0.1:5000/sign/nothing:v1'], { env: PASS });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No such image/);
});

test('tampering: another image under the signed tag, a swapped, truncated or misdirected signature', async () => {
  await importImage(d1, REF, 'not the signed image\n');
  await ok(d1, ['push', REF]);
  // the registry's tag now names an image nobody signed
  const remote = await d2.berth(['verify', '--remote', '--key', join(tmp, 'k1.pub'), REF]);
  assert.equal(remote.code, 10, remote.stderr);
  assert.match(remote.stderr, /^Error: no signatures found/);
  await ok(d2, ['pull', REF]);
  const local = await d2.berth(['verify', '--key', join(tmp, 'k1.pub'), REF]);
  assert.equal(local.code, 10);

  const target = await d1.api('GET', `/berth/images/${encodeURIComponent(REF)}/signing-target`);
  assert.equal(target.status, 200);
  const newDigest = target.body.manifestDigest as string;
  assert.notEqual(newDigest, digest);
  const key = await loadPrivateKey(readFileSync(join(tmp, 'k1.key')), Buffer.from(PASS.COSIGN_PASSWORD));
  const payload = buildPayload('127.0.0.1:5000/sign/app', newDigest);
  const post = (body: unknown) => d1.api('POST', `/berth/images/${encodeURIComponent(REF)}/signatures?upload=0`, body);
  // a signature for the old digest is refused for the new image
  const old = buildPayload('127.0.0.1:5000/sign/app', digest);
  const misdirected = await post({ payload: old.toString('base64'), signature: signPayload(key, old) });
  assert.equal(misdirected.status, 400);
  assert.equal(misdirected.body.code, 'ERR_SIGN_DIGEST_MISMATCH');
  const truncated = await post({ payload: payload.toString('base64'), signature: 'AAAA' });
  assert.equal(truncated.status, 400);
  assert.equal(truncated.body.code, 'ERR_SIGN_SIGNATURE_INVALID');
  // a real signature (of the old payload) carried with the new payload: stored, never verified
  const swapped = await post({ payload: payload.toString('base64'), signature: signPayload(key, old) });
  assert.equal(swapped.status, 201, JSON.stringify(swapped.body));
  const v = await d1.berth(['verify', '--key', join(tmp, 'k1.pub'), REF]);
  assert.equal(v.code, 12);
  assert.match(v.stderr, /invalid signature/);
  // a truncated DER signature that got in by another path fails the same way
  const der = Buffer.from(signPayload(key, payload), 'base64');
  const cut = await post({ payload: payload.toString('base64'), signature: der.subarray(0, der.length - 4).toString('base64') });
  assert.equal(cut.status, 201);
  assert.equal((await d1.berth(['verify', '--key', join(tmp, 'k1.pub'), REF])).code, 12);
});

test('signing before the push: the signature is stored and pushed with the image; push --upload=false keeps it local', async () => {
  const ref = '127.0.0.1:5000/sign/later:v1';
  await importImage(d1, ref, 'signed before it was pushed\n');
  const s = await ok(d1, ['sign', '--key', join(tmp, 'k1.key'), ref], PASS);
  assert.match(s.stderr, /not in a registry yet/);
  await ok(d1, ['verify', '--key', join(tmp, 'k1.pub'), ref]);
  const pushed = await ok(d1, ['push', ref]);
  assert.match(pushed.stdout, /\.sig: pushed 1 signature/);
  await ok(d2, ['verify', '--remote', '--key', join(tmp, 'k1.pub'), ref]);
  await ok(d2, ['pull', ref]);
  await ok(d2, ['verify', '--key', join(tmp, 'k1.pub'), ref]);
  // --upload=false: stored here only
  const local = await ok(d1, ['sign', '--upload=false', '--key', join(tmp, 'k2.key'), ref], { COSIGN_PASSWORD: 'other' });
  assert.doesNotMatch(local.stderr, /Pushing signature/);
  await ok(d1, ['verify', '--key', join(tmp, 'k2.pub'), ref]);
  assert.equal((await d1.berth(['verify', '--remote', '--key', join(tmp, 'k2.pub'), ref])).code, 12);
});

/** Push a blob into the registry at 127.0.0.1:5000 from inside a daemon's namespace (curl). */
function curlPutBlob(d: TestDaemon, repo: string, data: Buffer): { digest: string; size: number } {
  const digest = sha(data);
  const file = join(tmp, `blob-${digest.slice(7, 19)}`);
  writeFileSync(file, data);
  const start = inNetns(d.netns, 'curl', ['-s', '-X', 'POST', '-D', '-', '-o', '/dev/null', `http://127.0.0.1:5000/v2/${repo}/blobs/uploads/`]);
  const loc = /^location:\s*(\S+)/im.exec(start.stdout)![1]!;
  const url = new URL(loc, 'http://127.0.0.1:5000');
  url.searchParams.set('digest', digest);
  const put = inNetns(d.netns, 'curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'PUT', '-H', 'Content-Type: application/octet-stream', '--data-binary', `@${file}`, url.toString()]);
  assert.equal(put.stdout, '201');
  return { digest, size: data.length };
}

test('verify reads sigstore bundles (cosign 3\'s new bundle format, a referrer) from the registry and after a pull', async () => {
  const ref = '127.0.0.1:5000/sign/bundled:v1';
  await importImage(d1, ref, 'signed with a bundle\n');
  await ok(d1, ['push', ref]);
  const target = (await d1.api('GET', `/berth/images/${encodeURIComponent(ref)}/signing-target`)).body;
  const key = await loadPrivateKey(readFileSync(join(tmp, 'k1.key')), Buffer.from(PASS.COSIGN_PASSWORD));
  const layer = curlPutBlob(d1, 'sign/bundled', makeBundle(key, target.manifestDigest, { env: 'prod' }));
  const config = curlPutBlob(d1, 'sign/bundled', Buffer.from('{}'));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', ...layer }],
    subject: { mediaType: target.mediaType, digest: target.manifestDigest, size: target.size },
  }));
  const mfile = join(tmp, 'bundle-manifest.json');
  writeFileSync(mfile, manifest);
  const put = inNetns(d1.netns, 'curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'PUT', '-H', 'Content-Type: application/vnd.oci.image.manifest.v1+json',
    '--data-binary', `@${mfile}`, `http://127.0.0.1:5000/v2/sign/bundled/manifests/${sha(manifest)}`]);
  assert.equal(put.stdout, '201');
  const remote = await ok(d2, ['verify', '--remote', '--key', join(tmp, 'k1.pub'), '-a', 'env=prod', ref]);
  const out = JSON.parse(remote.stdout);
  assert.equal(out.length, 1);
  assert.deepEqual(out[0], { critical: { identity: { 'docker-reference': ref }, image: { 'docker-manifest-digest': target.manifestDigest }, type: 'https://sigstore.dev/cosign/sign/v1' }, optional: { env: 'prod' } });
  const pulled = await ok(d2, ['pull', ref]);
  assert.match(pulled.stdout, /pulled 1 sigstore bundle/);
  await ok(d2, ['verify', '--key', join(tmp, 'k1.pub'), ref]);
  const wrong = await d2.berth(['verify', '--key', join(tmp, 'k2.pub'), ref]);
  assert.equal(wrong.code, 12);
  assert.match(wrong.stderr, /invalid signature when validating the sigstore bundle/);
});

test('Debian docker-registry (no referrers API): the signature travels by its .sig tag', { skip: !HAS_DISTRIBUTION && 'docker-registry not installed' }, async () => {
  const cfg = join(tmp, 'distribution.yml');
  mkdirSync(join(tmp, 'dist'), { recursive: true });
  writeFileSync(cfg, ['version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${join(tmp, 'dist')}`,
    'http:', '  addr: 127.0.0.1:5003', ''].join('\n'));
  for (const d of [d1, d2]) peers.push(await serveDistribution(d, cfg));
  const ref = '127.0.0.1:5003/sign/app:v1';
  await ok(d1, ['tag', 'busybox', ref]);
  await ok(d1, ['push', ref]);
  await ok(d1, ['sign', '--key', join(tmp, 'k1.key'), ref], PASS);
  const d = (await ok(d1, ['image', 'inspect', '-f', '{{json .RepoDigests}}', ref])).stdout;
  const dg = (JSON.parse(d) as string[]).find((x) => x.startsWith('127.0.0.1:5003/'))!.split('@')[1]!;
  assert.equal(curl(d1, `http://127.0.0.1:5003/v2/sign/app/manifests/sha256-${dg.slice(7)}.sig`).status, 200);
  await ok(d2, ['pull', ref]);
  await ok(d2, ['verify', '--key', join(tmp, 'k1.pub'), ref]);
  await ok(d2, ['verify', '--remote', '--key', join(tmp, 'k1.pub'), ref]);
});

/** Debian's docker-registry in a daemon's namespace. */
async function serveDistribution(d: TestDaemon, cfg: string): Promise<Peer> {
  const child = spawn('nsenter', [`--net=/run/netns/${d.netns}`, '/usr/bin/docker-registry', 'serve', cfg], { stdio: 'ignore' });
  const peer: Peer = { child, stop() { if (child.exitCode === null) child.kill('SIGKILL'); } };
  for (let i = 0; i < 200; i++) {
    if (inNetns(d.netns, 'bash', ['-c', 'exec 3<>/dev/tcp/127.0.0.1/5003']).status === 0) return peer;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  peer.stop();
  throw new Error('docker-registry did not start');
}
