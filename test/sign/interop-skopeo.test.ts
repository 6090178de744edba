/**
 * Signing interop with real clients: Debian 13's skopeo 1.18 (scripts/fetch-skopeo-trixie.sh) signs
 * with `copy --sign-by-sigstore-private-key` into berth's registry server and into Debian's
 * docker-registry (distribution 2.8), and berth's cosign code verifies what it wrote; signatures in
 * berth's format are accepted by skopeo 1.18 under a containers-policy.json `sigstoreSigned` rule and
 * rejected once the tag points at another image or the signature is swapped. Debian 12's skopeo 1.9.3
 * (sigstore disabled by a Debian patch) is checked for exactly what it refuses.
 * Everything listens on loopback inside the test daemon's network namespace.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, sign } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, cleanEnv, type TestDaemon } from '../helpers/daemon.js';
import { serveRegistry, inNetns, type Peer } from '../registry/peers.js';
import { SKOPEO_TRIXIE, skopeoTrixieSkip, runSkopeo, writeRegistriesD, writeSigstorePolicy, writeAcceptPolicy } from '../helpers/skopeo-trixie.js';
import { parsePayload, publicKeyFromPem, signatureTag, signatureValid, SIGNATURE_ANNOTATION, SIMPLESIGNING_MEDIA_TYPE, type CosignSignature } from '../../src/sign/cosign-format.js';
import { EMPTY_CONFIG } from '../../src/image/referrers.js';
import { ecKeyPair, simpleSigningPayload } from './interop-helpers.js';

const BERTH_REG = '127.0.0.1:5110';
const DIST_REG = '127.0.0.1:5111';
const REGISTRIES = [BERTH_REG, DIST_REG];
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const ACCEPT = [OCI_MANIFEST, 'application/vnd.docker.distribution.manifest.v2+json'].join(',');

let d: TestDaemon;
let tmp: string;
const peers: Array<Peer | ChildProcess> = [];
let regsD: string;
let acceptPolicy: string;

function sha(b: Buffer | string): string { return 'sha256:' + createHash('sha256').update(b).digest('hex'); }

/** curl inside the namespace; the body is passed through a file so that bytes stay exact. */
function curl(args: string[], body?: Buffer | string): { status: number; headers: string; body: Buffer } {
  const hdr = join(tmp, `hdr-${process.hrtime.bigint()}`);
  const out = join(tmp, `out-${process.hrtime.bigint()}`);
  const extra: string[] = [];
  if (body !== undefined) { const f = join(tmp, `body-${process.hrtime.bigint()}`); writeFileSync(f, body); extra.push('--data-binary', `@${f}`); }
  const r = inNetns(d.netns, 'curl', ['-s', '-D', hdr, '-o', out, '-w', '%{http_code}', ...extra, ...args]);
  assert.equal(r.status, 0, `curl ${args.join(' ')}: ${r.stderr}`);
  const res = { status: Number(r.stdout), headers: existsSync(hdr) ? readFileSync(hdr, 'utf8') : '', body: existsSync(out) ? readFileSync(out) : Buffer.alloc(0) };
  rmSync(hdr, { force: true }); rmSync(out, { force: true });
  return res;
}

function getManifest(reg: string, repo: string, ref: string): { digest: string; raw: Buffer; doc: any } | undefined {
  const r = curl(['-H', `Accept: ${ACCEPT}`, `http://${reg}/v2/${repo}/manifests/${ref}`]);
  if (r.status !== 200) return undefined;
  return { digest: sha(r.body), raw: r.body, doc: JSON.parse(r.body.toString()) };
}

/** distribution's two-step upload (POST, then PUT with the digest): both registries take it */
function uploadBlob(reg: string, repo: string, data: Buffer | string): { digest: string; size: number } {
  const digest = sha(data);
  const start = curl(['-X', 'POST', `http://${reg}/v2/${repo}/blobs/uploads/`]);
  assert.equal(start.status, 202, start.body.toString());
  let loc = /^location:\s*(\S+)/im.exec(start.headers)![1]!;
  if (loc.startsWith('/')) loc = `http://${reg}${loc}`;
  const put = curl(['-X', 'PUT', '-H', 'Content-Type: application/octet-stream', `${loc}${loc.includes('?') ? '&' : '?'}digest=${digest}`], data);
  assert.equal(put.status, 201, put.body.toString());
  return { digest, size: Buffer.byteLength(data) };
}

/** Store a cosign signature manifest under the `.sig` tag of `manifestDigest` (what `berth sign` pushes). */
function pushSignature(reg: string, repo: string, manifestDigest: string, sig: { payload: Buffer; signature: string }): void {
  const payload = uploadBlob(reg, repo, sig.payload);
  uploadBlob(reg, repo, '{}');
  const manifest = JSON.stringify({
    schemaVersion: 2, mediaType: OCI_MANIFEST, config: EMPTY_CONFIG,
    layers: [{ mediaType: SIMPLESIGNING_MEDIA_TYPE, ...payload, annotations: { [SIGNATURE_ANNOTATION]: sig.signature } }],
  });
  const r = curl(['-X', 'PUT', '-H', `Content-Type: ${OCI_MANIFEST}`, `http://${reg}/v2/${repo}/manifests/${signatureTag(manifestDigest)}`], manifest);
  assert.equal(r.status, 201, r.body.toString());
}

/** The signatures stored under a manifest's `.sig` tag, read the way berth reads them. */
function fetchSignatures(reg: string, repo: string, manifestDigest: string): CosignSignature[] {
  const m = getManifest(reg, repo, signatureTag(manifestDigest));
  if (!m) return [];
  const out: CosignSignature[] = [];
  for (const l of m.doc.layers ?? []) {
    const signature = l.annotations?.[SIGNATURE_ANNOTATION];
    if (l.mediaType !== SIMPLESIGNING_MEDIA_TYPE || !signature) continue;
    const blob = curl([`http://${reg}/v2/${repo}/blobs/${l.digest}`]);
    assert.equal(blob.status, 200);
    out.push({ payload: blob.body, signature, annotations: l.annotations });
  }
  return out;
}

function sk(args: string[]) { return runSkopeo(SKOPEO_TRIXIE!, ['--registries.d', regsD, ...args], { netns: d.netns }); }

async function startDistribution(addr: string): Promise<void> {
  const cfg = join(tmp, 'distribution.yml');
  writeFileSync(cfg, ['version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${join(tmp, 'dist')}`, '  delete:', '    enabled: true',
    'http:', `  addr: ${addr}`, ''].join('\n'));
  const child = spawn('nsenter', [`--net=/run/netns/${d.netns}`, '/usr/bin/docker-registry', 'serve', cfg], { stdio: 'ignore', env: cleanEnv() });
  peers.push(child);
  const port = addr.split(':')[1];
  for (let i = 0; i < 200; i++) {
    if (inNetns(d.netns, 'bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`]).status === 0) return;
    if (child.exitCode !== null) throw new Error('docker-registry exited');
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('docker-registry did not start');
}

before(async () => {
  d = await startDaemon();
  tmp = mkdtempSync('/tmp/berth-sign-interop-');
  peers.push(await serveRegistry(d.netns, join(tmp, 'reg'), BERTH_REG));
  if (existsSync('/usr/bin/docker-registry')) await startDistribution(DIST_REG);
  regsD = writeRegistriesD(join(tmp, 'registries.d'), REGISTRIES);
  acceptPolicy = writeAcceptPolicy(join(tmp, 'accept.json'));
  await d.ok(['image', 'bootstrap', 'busybox'], { timeoutMs: 120_000 });
  // two different images: busybox, and busybox with one more layer
  await d.ok(['build', '-t', 'interop/other', '-'], { input: 'FROM busybox\nRUN echo other > /other\n', timeoutMs: 120_000 });
});

after(async () => {
  for (const p of peers) { try { if ('stop' in p) p.stop(); else p.kill('SIGKILL'); } catch { /* gone */ } }
  await d?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** push a local image to reg/repo:tag with berth; the manifest digest the registry has */
async function berthPush(image: string, ref: string): Promise<string> {
  await d.ok(['tag', image, ref]);
  const out = await d.ok(['push', ref], { timeoutMs: 120_000 });
  return /digest: (sha256:[a-f0-9]{64})/.exec(out)![1]!;
}

for (const reg of REGISTRIES) {
  const which = reg === BERTH_REG ? 'berth registry' : 'docker-registry 2.8';
  const needDist = reg === DIST_REG && !existsSync('/usr/bin/docker-registry') && 'docker-registry not installed';

  test(`skopeo 1.18 signs into ${which} (its own key); berth's cosign code verifies the signature`, { skip: skopeoTrixieSkip || needDist }, async () => {
    const dir = mkdtempSync(join(tmp, 'skkey-'));
    writeFileSync(join(dir, 'pass'), 'sk-pass\n');
    const gen = await runSkopeo(SKOPEO_TRIXIE!, ['generate-sigstore-key', '--output-prefix', join(dir, 'key'), '--passphrase-file', join(dir, 'pass')]);
    assert.equal(gen.code, 0, gen.stderr);
    const digest = await berthPush('busybox', `${reg}/interop/sk:v1`);
    const cp = await sk(['--policy', acceptPolicy, 'copy', '--src-tls-verify=false', '--dest-tls-verify=false',
      '--sign-by-sigstore-private-key', join(dir, 'key.private'), '--sign-passphrase-file', join(dir, 'pass'),
      `docker://${reg}/interop/sk:v1`, `docker://${reg}/interop/sk:signed`]);
    assert.equal(cp.code, 0, cp.stderr);
    assert.equal(getManifest(reg, 'interop/sk', 'signed')!.digest, digest, 'skopeo kept the manifest');
    const sigs = fetchSignatures(reg, 'interop/sk', digest);
    assert.equal(sigs.length, 1);
    const key = publicKeyFromPem(readFileSync(join(dir, 'key.pub')));
    assert.ok(signatureValid(sigs[0]!, key), 'the signature verifies with skopeo\'s public key');
    const p = parsePayload(sigs[0]!.payload);
    assert.equal(p.critical.image['docker-manifest-digest'], digest);
    assert.equal(p.critical.identity['docker-reference'], `${reg}/interop/sk:signed`);
    assert.ok(!signatureValid(sigs[0]!, ecKeyPair().publicKey), 'another key does not verify it');
    // skopeo verifies its own signature under the sigstoreSigned policy (the policy below is the one berth's signatures meet)
    const policy = writeSigstorePolicy(join(dir, 'policy.json'), REGISTRIES, join(dir, 'key.pub'));
    const get = await sk(['--policy', policy, 'copy', '--src-tls-verify=false', `docker://${reg}/interop/sk:signed`, `dir:${join(dir, 'out')}`]);
    assert.equal(get.code, 0, get.stderr);
  });

  test(`berth-format signatures in ${which} are accepted by skopeo 1.18's sigstoreSigned policy, and rejected after a re-push or a swapped signature`, { skip: skopeoTrixieSkip || needDist }, async () => {
    const dir = mkdtempSync(join(tmp, 'bkey-'));
    const keys = ecKeyPair();
    writeFileSync(join(dir, 'key.pub'), keys.publicPem);
    const policy = writeSigstorePolicy(join(dir, 'policy.json'), REGISTRIES, join(dir, 'key.pub'));
    const repo = 'interop/berth';
    const digest = await berthPush('busybox', `${reg}/${repo}:v1`);
    const payload = simpleSigningPayload(`${reg}/${repo}:v1`, digest);
    pushSignature(reg, repo, digest, { payload, signature: sign('sha256', payload, keys.privateKey).toString('base64') });
    const copy = (n: string) => sk(['--policy', policy, 'copy', '--src-tls-verify=false', `docker://${reg}/${repo}:v1`, `dir:${join(dir, n)}`]);
    const ok = await copy('ok');
    assert.equal(ok.code, 0, ok.stderr);

    // the signature swapped for one over a changed payload: rejected
    const forged = Buffer.from(payload.toString().replace('cosign container image signature', 'cosign container image signature '));
    const other = ecKeyPair();
    pushSignature(reg, repo, digest, { payload: forged, signature: sign('sha256', payload, keys.privateKey).toString('base64') });
    const swapped = await copy('swapped');
    assert.notEqual(swapped.code, 0);
    assert.match(swapped.stderr, /signature|rejected/i);
    // ... for one by another key: rejected
    pushSignature(reg, repo, digest, { payload, signature: sign('sha256', payload, other.privateKey).toString('base64') });
    const wrongKey = await copy('wrong-key');
    assert.notEqual(wrongKey.code, 0);
    assert.match(wrongKey.stderr, /signature|rejected/i);
    // restored: accepted again
    pushSignature(reg, repo, digest, { payload, signature: sign('sha256', payload, keys.privateKey).toString('base64') });
    assert.equal((await copy('restored')).code, 0);
    // another image pushed to the tag: its digest has no signature, rejected
    const newDigest = await berthPush('interop/other', `${reg}/${repo}:v1`);
    assert.notEqual(newDigest, digest);
    const repushed = await copy('repushed');
    assert.notEqual(repushed.code, 0);
    assert.match(repushed.stderr, /signature/i);
  });
}

test('Debian 12 skopeo 1.9.3: refuses to sign or verify sigstore signatures ("sigstore disabled") but carries them along in a copy', { skip: !existsSync('/usr/bin/skopeo') && 'skopeo not installed' }, async () => {
  const dir = mkdtempSync(join(tmp, 'sk19-'));
  const keys = ecKeyPair();
  writeFileSync(join(dir, 'key.pub'), keys.publicPem);
  const version = spawnSync('/usr/bin/skopeo', ['--version'], { encoding: 'utf8' }).stdout;
  const repo = 'interop/old';
  const digest = await berthPush('busybox', `${BERTH_REG}/${repo}:v1`);
  const payload = simpleSigningPayload(`${BERTH_REG}/${repo}:v1`, digest);
  pushSignature(BERTH_REG, repo, digest, { payload, signature: sign('sha256', payload, keys.privateKey).toString('base64') });
  const policy = writeSigstorePolicy(join(dir, 'policy.json'), REGISTRIES, join(dir, 'key.pub'));
  const verify = await runSkopeo('/usr/bin/skopeo', ['--registries.d', regsD, '--policy', policy, 'copy', '--src-tls-verify=false', `docker://${BERTH_REG}/${repo}:v1`, `dir:${join(dir, 'out')}`], { netns: d.netns });
  assert.notEqual(verify.code, 0, `${version}: verified?`);
  assert.match(verify.stderr, /sigstore disabled/);
  // signing: a cosign key in PEM (what `skopeo generate-sigstore-key` and cosign write) is refused too
  writeFileSync(join(dir, 'pass'), 'x\n');
  writeFileSync(join(dir, 'key.private'), keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const signed = await runSkopeo('/usr/bin/skopeo', ['--registries.d', regsD, '--policy', acceptPolicy, 'copy', '--src-tls-verify=false', '--dest-tls-verify=false',
    '--sign-by-sigstore-private-key', join(dir, 'key.private'), '--sign-passphrase-file', join(dir, 'pass'),
    `docker://${BERTH_REG}/${repo}:v1`, `docker://${BERTH_REG}/${repo}:signed-by-1.9`], { netns: d.netns });
  assert.notEqual(signed.code, 0);
  // without a sigstore rule 1.9.3 reads and writes the attachments (use-sigstore-attachments): a copy to
  // another repository carries berth's signature along unchanged
  const carry = await runSkopeo('/usr/bin/skopeo', ['--registries.d', regsD, '--policy', acceptPolicy, 'copy', '--src-tls-verify=false', '--dest-tls-verify=false',
    `docker://${BERTH_REG}/${repo}:v1`, `docker://${BERTH_REG}/interop/old-copied:v1`], { netns: d.netns });
  assert.equal(carry.code, 0, carry.stderr);
  const carried = fetchSignatures(BERTH_REG, 'interop/old-copied', digest);
  assert.ok(carried.length >= 1 && carried.every((s) => signatureValid(s, keys.publicKey)));
  console.log(`# ${version.trim()}: verify -> ${verify.stderr.trim().split('\n').pop()}; sign -> ${signed.stderr.trim().split('\n').pop()}`);
});
