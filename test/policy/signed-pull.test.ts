/**
 * End to end with real signatures: one daemon signs with `berth key generate` / `berth sign` and pushes
 * to a local registry; a second daemon with a sigstoreSigned policy pulls and runs the signed image
 * (its signatures come along from the registry) and refuses the unsigned one at pull, before anything is
 * stored. skopeo 1.9 (containers/image) reads the same policy files and gives the same verdicts for the
 * same images (for the rules Debian's build of it evaluates).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { inNetns, serveRegistry, type Peer } from '../registry/peers.js';

let d1: TestDaemon;
let d2: TestDaemon;
let tmp: string;
let policyPath: string;
const peers: Peer[] = [];
const REG = '127.0.0.1:5000';
const SIGNED = `${REG}/e2e/signed:v1`;
const UNSIGNED = `${REG}/e2e/unsigned:v1`;
const PASS = { COSIGN_PASSWORD: 'pw-policy' };
const HAS_SKOPEO = existsSync('/usr/bin/skopeo');

async function ok(d: TestDaemon, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const r = await d.berth(args, { timeoutMs: 120_000, env });
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout + r.stderr;
}

function writePolicy(path: string, doc: unknown): void {
  writeFileSync(path + '.new', JSON.stringify(doc, null, 2));
  spawnSync('mv', ['-f', path + '.new', path]);
}

const sigstorePolicy = (signedIdentity?: object) => ({
  default: [{ type: 'reject' }],
  transports: { docker: { [`${REG}/e2e`]: [{ type: 'sigstoreSigned', keyPath: join(tmp, 'k.pub'), ...(signedIdentity ? { signedIdentity } : {}) }] } },
});

before(async () => {
  tmp = mkdtempSync('/tmp/berth-policy-e2e-');
  policyPath = join(tmp, 'policy.json');
  writePolicy(policyPath, { default: [{ type: 'reject' }] });
  d1 = await startDaemon({ extraArgs: ['--signature-policy', join(tmp, 'accept.json')] });
  writeFileSync(join(tmp, 'accept.json'), JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  d2 = await startDaemon({ extraArgs: ['--signature-policy', policyPath] });
  for (const d of [d1, d2]) peers.push(await serveRegistry(d.netns, join(tmp, 'registry'), REG));
  await ok(d1, ['image', 'bootstrap', 'busybox']);
  await ok(d1, ['tag', 'busybox', SIGNED]);
  const ctx = join(tmp, 'ctx');
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nLABEL unsigned=1\n');
  await ok(d1, ['build', '-q', '-t', UNSIGNED, ctx]);
  await ok(d1, ['push', SIGNED]);
  await ok(d1, ['push', UNSIGNED]);
  await ok(d1, ['key', 'generate', '--output-key-prefix', join(tmp, 'k')], PASS);
  await ok(d1, ['sign', '--key', join(tmp, 'k.key'), SIGNED], PASS);
});

after(async () => {
  for (const p of peers) p.stop();
  await d1?.cleanup();
  await d2?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('a cosign signature names the repository only: the default signedIdentity refuses it with a hint', async () => {
  writePolicy(policyPath, sigstorePolicy());
  const r = await d2.berth(['pull', SIGNED], { timeoutMs: 120_000 });
  assert.equal(r.code, 125, r.stderr);
  assert.match(r.stderr, /Source image rejected: Signature for identity "127\.0\.0\.1:5000\/e2e\/signed" is not accepted \(it names a repository without a tag, as cosign signs: use "signedIdentity": \{"type": "matchRepository"\}\)/);
});

test('sigstoreSigned with matchRepository: the signed image is pulled and runs; the unsigned one is refused at pull', async () => {
  writePolicy(policyPath, sigstorePolicy({ type: 'matchRepository' }));
  await ok(d2, ['pull', SIGNED]);
  assert.equal((await ok(d2, ['run', '--rm', SIGNED, 'echo', 'signed'])).trim(), 'signed');
  const r = await d2.berth(['pull', UNSIGNED], { timeoutMs: 120_000 });
  assert.equal(r.code, 125, r.stderr);
  assert.match(r.stderr, /Source image rejected: A signature was required, but no signature exists \(rule transports\.docker\["127\.0\.0\.1:5000\/e2e"\]\[0\] sigstoreSigned/);
  assert.notEqual((await d2.berth(['image', 'inspect', UNSIGNED])).code, 0, 'nothing stored');
  // another key: the signed image is refused too, also once local (at run)
  spawnSync('cp', [join(tmp, 'k.pub'), join(tmp, 'k.pub.orig')]);
  await ok(d1, ['key', 'generate', '--output-key-prefix', join(tmp, 'other')], PASS);
  spawnSync('cp', [join(tmp, 'other.pub'), join(tmp, 'k.pub')]);
  const run = await d2.berth(['run', '--rm', SIGNED, 'true'], { timeoutMs: 60_000 });
  assert.equal(run.code, 125, run.stderr);
  assert.match(run.stderr, /cryptographic signature verification failed/);
  spawnSync('cp', [join(tmp, 'k.pub.orig'), join(tmp, 'k.pub')]);
  await ok(d2, ['run', '--rm', SIGNED, 'true']);
});

test('skopeo (containers/image) gives the same verdicts with the same policy files', { skip: !HAS_SKOPEO && 'skopeo not installed' }, async () => {
  // skopeo reads sigstore signatures from a registry only when registries.d says so (for a build with sigstore)
  const regd = join(tmp, 'registries.d');
  mkdirSync(regd, { recursive: true });
  writeFileSync(join(regd, 'local.yaml'), `docker:\n  ${REG}:\n    use-sigstore-attachments: true\n`);
  const skopeo = (policy: string, ref: string) => {
    const dest = mkdtempSync(join(tmp, 'skopeo-'));
    const r = inNetns(d2.netns, 'skopeo', ['--policy', policy, '--registries.d', regd, 'copy', '--src-tls-verify=false', `docker://${ref}`, `dir:${dest}`]);
    rmSync(dest, { recursive: true, force: true });
    return { ok: r.status === 0, err: r.stderr };
  };
  const berthOk = async (ref: string) => {
    await d2.berth(['rmi', '-f', ref]);
    return (await d2.berth(['pull', ref], { timeoutMs: 120_000 })).code === 0;
  };
  const cases: Array<{ name: string; doc: unknown }> = [
    { name: 'reject', doc: { default: [{ type: 'reject' }] } },
    { name: 'insecureAcceptAnything for the scope', doc: { default: [{ type: 'reject' }], transports: { docker: { [`${REG}/e2e`]: [{ type: 'insecureAcceptAnything' }] } } } },
    { name: 'reject for the repository, accept the namespace', doc: { default: [{ type: 'insecureAcceptAnything' }], transports: { docker: { [`${REG}/e2e/unsigned`]: [{ type: 'reject' }], [`${REG}/e2e`]: [{ type: 'insecureAcceptAnything' }] } } } },
  ];
  // Debian 12's skopeo is built without sigstore ("Debian-local change: sigstore disabled"): it refuses
  // every sigstoreSigned rule, so only the scope lookup and the key-less requirements are compared
  for (const c of cases) {
    writePolicy(policyPath, c.doc);
    for (const ref of [SIGNED, UNSIGNED]) {
      const s = skopeo(policyPath, ref);
      const b = await berthOk(ref);
      assert.equal(b, s.ok, `${c.name}, ${ref}: berth ${b ? 'accepted' : 'refused'}, skopeo ${s.ok ? 'accepted' : `refused: ${s.err}`}`);
    }
  }
});
