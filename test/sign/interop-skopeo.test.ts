/**
 * Signing interop with real clients: Debian 13's skopeo 1.18 (scripts/fetch-skopeo-trixie.sh) signs
 * with `copy --sign-by-sigstore-private-key` into berth's registry server and into Debian's
 * docker-registry (distribution 2.8), and `berth pull` + `berth verify --key` accept it; `berth sign`
 * signatures are accepted by skopeo 1.18 under a containers-policy.json `sigstoreSigned` rule and
 * rejected once the tag points at another image or the signature is swapped. Keys go both ways:
 * skopeo's `generate-sigstore-key` keys sign in berth, `berth key generate` keys sign in skopeo.
 * Debian 12's skopeo 1.9.3 (sigstore disabled by a Debian patch) is checked for exactly what it refuses.
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

  test(`skopeo 1.18 signs into ${which} with its own key; berth pull + verify --key accept it, and berth signs with skopeo's key`, { skip: skopeoTrixieSkip || needDist }, async () => {
    const dir = mkdtempSync(join(tmp, 'skkey-'));
    writeFileSync(join(dir, 'pass'), 'sk-pass\n');
    const gen = await runSkopeo(SKOPEO_TRIXIE!, ['generate-sigstore-key', '--output-prefix', join(dir, 'key'), '--passphrase-file', join(dir, 'pass')]);
    assert.equal(gen.code, 0, gen.stderr);
    const repo = `${reg}/interop/sk`;
    const digest = await berthPush('busybox', `${repo}:v1`);
    const cp = await sk(['--policy', acceptPolicy, 'copy', '--src-tls-verify=false', '--dest-tls-verify=false',
      '--sign-by-sigstore-private-key', join(dir, 'key.private'), '--sign-passphrase-file', join(dir, 'pass'),
      `docker://${repo}:v1`, `docker://${repo}:signed`]);
    assert.equal(cp.code, 0, cp.stderr);
    assert.equal(getManifest(reg, 'interop/sk', 'signed')!.digest, digest, 'skopeo kept the manifest');
    // the raw signature, read the way berth reads it (busybox may carry berth's signatures from the
    // other tests too: a push takes the local signatures along)
    const skKey = publicKeyFromPem(readFileSync(join(dir, 'key.pub')));
    const sigs = fetchSignatures(reg, 'interop/sk', digest).filter((x) => signatureValid(x, skKey));
    assert.equal(sigs.length, 1);
    const p = parsePayload(sigs[0]!.payload);
    assert.equal(p.critical.image['docker-manifest-digest'], digest);
    assert.equal(p.critical.identity['docker-reference'], `${repo}:signed`);

    // berth: verify in the registry, then pull (the signature comes along) and verify locally
    const remote = await d.berth(['verify', '--remote', '--key', join(dir, 'key.pub'), `${repo}:signed`], { timeoutMs: 120_000 });
    assert.equal(remote.code, 0, remote.stderr);
    await d.ok(['pull', `${repo}:signed`], { timeoutMs: 120_000 });
    const local = await d.berth(['verify', '--key', join(dir, 'key.pub'), '-o', 'text', `${repo}:signed`], { timeoutMs: 120_000 });
    assert.equal(local.code, 0, local.stderr);
    assert.match(local.stdout, new RegExp(digest));
    const wrong = join(dir, 'other.pub');
    writeFileSync(wrong, ecKeyPair().publicPem);
    assert.equal((await d.berth(['verify', '--key', wrong, `${repo}:signed`])).code, 12, 'another key: no matching signature');

    // skopeo's private key signs in berth; skopeo verifies that signature with its public key
    const bsign = await d.berth(['sign', '--key', join(dir, 'key.private'), `${repo}:v1`], { env: { COSIGN_PASSWORD: 'sk-pass' }, timeoutMs: 120_000 });
    assert.equal(bsign.code, 0, bsign.stderr);
    const policy = writeSigstorePolicy(join(dir, 'policy.json'), REGISTRIES, join(dir, 'key.pub'));
    const get = await sk(['--policy', policy, 'copy', '--src-tls-verify=false', `docker://${repo}:v1`, `dir:${join(dir, 'out')}`]);
    assert.equal(get.code, 0, get.stderr);
  });

  test(`berth sign into ${which}: skopeo 1.18's sigstoreSigned policy accepts, and rejects after a re-push or a swapped signature; berth's key signs in skopeo`, { skip: skopeoTrixieSkip || needDist }, async () => {
    const dir = mkdtempSync(join(tmp, 'bkey-'));
    const pass = { COSIGN_PASSWORD: 'berth-pass' };
    await d.ok(['key', 'generate', '--output-key-prefix', join(dir, 'cosign')], { env: pass });
    const policy = writeSigstorePolicy(join(dir, 'policy.json'), REGISTRIES, join(dir, 'cosign.pub'));
    const repo = 'interop/berth';
    const ref = `${reg}/${repo}:v1`;
    const digest = await berthPush('busybox', ref);
    await d.ok(['sign', '--key', join(dir, 'cosign.key'), ref], { env: pass, timeoutMs: 120_000 });
    const copy = (n: string) => sk(['--policy', policy, 'copy', '--src-tls-verify=false', `docker://${ref}`, `dir:${join(dir, n)}`]);
    const ok = await copy('ok');
    assert.equal(ok.code, 0, ok.stderr);
    const berthKey = publicKeyFromPem(readFileSync(join(dir, 'cosign.pub')));
    const good = fetchSignatures(reg, repo, digest).filter((x) => signatureValid(x, berthKey));
    assert.equal(good.length, 1);

    // the signature swapped for one over a changed payload: rejected
    const payload = good[0]!.payload;
    const forged = Buffer.from(payload.toString().replace(digest, digest.replace(/.$/, (c) => (c === '0' ? '1' : '0'))));
    pushSignature(reg, repo, digest, { payload: forged, signature: good[0]!.signature });
    const swapped = await copy('swapped');
    assert.notEqual(swapped.code, 0);
    assert.match(swapped.stderr, /signature|rejected/i);
    // ... for one by another key: rejected
    pushSignature(reg, repo, digest, { payload, signature: sign('sha256', payload, ecKeyPair().privateKey).toString('base64') });
    const wrongKey = await copy('wrong-key');
    assert.notEqual(wrongKey.code, 0);
    assert.match(wrongKey.stderr, /signature|rejected/i);
    // the original signature back: accepted again
    pushSignature(reg, repo, digest, good[0]!);
    assert.equal((await copy('restored')).code, 0);
    // another image pushed to the tag: its digest has no signature, rejected
    const newDigest = await berthPush('interop/other', ref);
    assert.notEqual(newDigest, digest);
    const repushed = await copy('repushed');
    assert.notEqual(repushed.code, 0);
    assert.match(repushed.stderr, /signature/i);

    // berth's private key (cosign's format) signs in skopeo; berth verifies that signature
    writeFileSync(join(dir, 'pass'), `${pass.COSIGN_PASSWORD}\n`);
    const cp = await sk(['--policy', acceptPolicy, 'copy', '--src-tls-verify=false', '--dest-tls-verify=false',
      '--sign-by-sigstore-private-key', join(dir, 'cosign.key'), '--sign-passphrase-file', join(dir, 'pass'),
      `docker://${ref}`, `docker://${reg}/${repo}:by-skopeo`]);
    assert.equal(cp.code, 0, cp.stderr);
    const v = await d.berth(['verify', '--remote', '--key', join(dir, 'cosign.pub'), `${reg}/${repo}:by-skopeo`], { timeoutMs: 120_000 });
    assert.equal(v.code, 0, v.stderr);
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

test('berth build --push --sign --key: the pushed image is signed (berth verify --remote, and skopeo 1.18 when present); flag errors exit 125 before any build', async () => {
  const dir = mkdtempSync(join(tmp, 'build-'));
  const pass = { COSIGN_PASSWORD: 'build-pass' };
  await d.ok(['key', 'generate', '--output-key-prefix', join(dir, 'cosign')], { env: pass });
  writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nRUN echo built-and-signed > /built\n');
  const ref = `${BERTH_REG}/interop/built:v1`;
  for (const [args, re, code] of [
    [['--sign', '--key', join(dir, 'cosign.key'), '-t', ref], /--sign signs what the build pushes: add --push/, 125],
    [['--push', '--key', join(dir, 'cosign.key'), '-t', ref], /--key is for --sign/, 125],
    [['--push', '--sign', '--key', join(dir, 'cosign.key')], /--push needs a name/, 125],
    [['--push', '--sign', '-t', ref], /keyless signing .* not supported/, 1], // as `berth sign` without --key
  ] as Array<[string[], RegExp, number]>) {
    const r = await d.berth(['build', ...args, dir], { env: pass });
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
  const wrongPass = await d.berth(['build', '--push', '--sign', '--key', join(dir, 'cosign.key'), '-t', ref, dir], { env: { COSIGN_PASSWORD: 'nope' } });
  assert.notEqual(wrongPass.code, 0);
  assert.equal(getManifest(BERTH_REG, 'interop/built', 'v1'), undefined, 'a wrong password stops before the build and the push');

  const r = await d.berth(['build', '--push', '--sign', '--key', join(dir, 'cosign.key'), '-t', ref, dir], { env: pass, timeoutMs: 180_000 });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stderr, /Pushing signature to: /);
  const m = getManifest(BERTH_REG, 'interop/built', 'v1');
  assert.ok(m, 'pushed');
  const sigs = fetchSignatures(BERTH_REG, 'interop/built', m.digest);
  assert.equal(sigs.length, 1);
  assert.equal(parsePayload(sigs[0]!.payload).critical.image['docker-manifest-digest'], m.digest);
  const v = await d.berth(['verify', '--remote', '--key', join(dir, 'cosign.pub'), ref], { timeoutMs: 120_000 });
  assert.equal(v.code, 0, v.stderr);
  if (SKOPEO_TRIXIE) {
    const policy = writeSigstorePolicy(join(dir, 'policy.json'), REGISTRIES, join(dir, 'cosign.pub'));
    const get = await sk(['--policy', policy, 'copy', '--src-tls-verify=false', `docker://${ref}`, `dir:${join(dir, 'out')}`]);
    assert.equal(get.code, 0, get.stderr);
  }
});

test('berth save carries signatures and berth load brings them back: verify --key passes after rmi and load', async () => {
  const dir = mkdtempSync(join(tmp, 'save-'));
  const pass = { COSIGN_PASSWORD: 'save-pass' };
  await d.ok(['key', 'generate', '--output-key-prefix', join(dir, 'cosign')], { env: pass });
  writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nRUN echo saved > /saved\n');
  const ref = `${BERTH_REG}/interop/saved:v1`;
  await d.ok(['build', '-t', ref, dir], { timeoutMs: 180_000 });
  await d.ok(['push', ref], { timeoutMs: 120_000 });
  await d.ok(['sign', '--key', join(dir, 'cosign.key'), ref], { env: pass, timeoutMs: 120_000 });
  assert.equal((await d.berth(['verify', '--key', join(dir, 'cosign.pub'), ref])).code, 0);
  const archive = join(dir, 'saved.tar');
  await d.ok(['save', '-o', archive, ref]);
  await d.ok(['rmi', ref]);
  assert.notEqual((await d.berth(['image', 'inspect', ref])).code, 0, 'the image (and with it its local signature) is gone');
  assert.match(await d.ok(['load', '-i', archive]), /Loaded image: /);
  // the image is local again, so verify reads the local store only (not the registry)
  const v = await d.berth(['verify', '--key', join(dir, 'cosign.pub'), '-o', 'text', ref]);
  assert.equal(v.code, 0, v.stderr);
  const registryDigest = getManifest(BERTH_REG, 'interop/saved', 'v1')!.digest;
  assert.match(v.stdout, new RegExp(registryDigest), 'the loaded image kept the manifest digest the registry has');
});
