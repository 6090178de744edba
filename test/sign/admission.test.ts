/**
 * The admission hook at pull, through the Engine as a library (in this test's own network namespace,
 * with berth's registry in-process): `engine.admission.admit` is asked with the registry's digest
 * before anything is stored, its `signatures()` fetches the registry's cosign signatures on demand,
 * a refusal leaves no image (and no signature) behind, and an admitted pull stores the signatures;
 * a sigstore bundle referrer (cosign's new bundle format) is listed and pulled too.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import { PolicyDeniedError, type AdmissionRequest } from '../../src/sign/admission.js';
import { localSignatures } from '../../src/sign/local-signatures.js';
import { buildPayload } from '../../src/sign/payload.js';
import { signPayload } from '../../src/sign/keys.js';
import { signatureValid } from '../../src/sign/cosign-format.js';
import { startRegistry, type TestRegistry } from '../registry/helpers.js';
import { checkBundle } from '../../src/sign/bundle.js';
import { makeBundle } from './helpers.js';

let engine: Engine;
let registry: TestRegistry;
let tmp: string;
let ref = '';
let digest = '';
const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });

before(async () => {
  registry = await startRegistry();
  tmp = mkdtempSync('/tmp/berth-admission-');
  engine = await Engine.open({ root: join(tmp, 'root'), runRoot: join(tmp, 'run') });
  ref = `${registry.host}/adm/app:v1`;
  await engine.bootstrap('busybox');
  engine.images.tag('busybox', ref);
  await engine.push(ref);
  const target = engine.signingTarget(ref);
  assert.equal(target.inRegistry, true);
  digest = target.manifestDigest;
  const payload = buildPayload(target.dockerReference, digest);
  const added = await engine.addSignature(ref, { payload, signature: signPayload(key.privateKey, payload) });
  assert.equal(added.uploaded, true);
  await engine.images.remove(ref, { force: true, inUseBy: () => undefined });
  await engine.images.remove('busybox', { force: true, inUseBy: () => undefined });
  assert.equal(engine.images.tryResolve(ref), undefined);
  assert.deepEqual(localSignatures(engine.referrers, engine.content, digest), [], 'the signature went with the image');
});

after(async () => {
  await engine?.close();
  await registry?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('a refused pull stores nothing; the policy saw the digest and the registry\'s signatures', async () => {
  const seen: AdmissionRequest[] = [];
  let fetched = 0;
  engine.admission = {
    async admit(req) {
      seen.push(req);
      const sigs = await req.signatures();
      fetched = sigs.length;
      assert.ok(signatureValid(sigs[0]!, key.publicKey));
      throw new PolicyDeniedError(`${req.reference} is not allowed`, req.reference, 'test');
    },
    describe: () => ({ path: 'test', ok: true }),
  };
  await assert.rejects(engine.pull(ref), (e: unknown) => e instanceof PolicyDeniedError && e.code === 'ERR_POLICY_DENIED');
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.reference, ref);
  assert.equal(seen[0]!.manifestDigest, digest);
  assert.equal(seen[0]!.phase, 'pull');
  assert.equal(fetched, 1);
  assert.equal(engine.images.tryResolve(ref), undefined);
  assert.deepEqual(localSignatures(engine.referrers, engine.content, digest), []);
});

test('an admitted pull stores the image and its signatures', async () => {
  let asked = 0;
  engine.admission = { async admit() { asked++; }, describe: () => ({ path: 'test', ok: true }) };
  const [pulled] = await engine.pull(ref);
  assert.equal(asked, 1);
  assert.equal(pulled!.digest, digest);
  const local = localSignatures(engine.referrers, engine.content, digest);
  assert.equal(local.length, 1);
  assert.ok(signatureValid(local[0]!, key.publicKey));
  const listed = await engine.signatures(ref);
  assert.equal(listed.source, 'local');
  assert.equal(listed.signatures.length, 1);
  engine.admission = undefined;
});

/** Push a blob to the in-process registry (monolithic upload). */
async function putBlob(repo: string, data: Buffer): Promise<{ digest: string; size: number }> {
  const digest = 'sha256:' + createHash('sha256').update(data).digest('hex');
  const start = await fetch(`${registry.url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  assert.equal(start.status, 202);
  const loc = new URL(start.headers.get('location')!, registry.url);
  loc.searchParams.set('digest', digest);
  // a Buffer over a plain ArrayBuffer (fetch's BodyInit excludes a SharedArrayBuffer's)
  const put = await fetch(loc, { method: 'PUT', body: data as Uint8Array<ArrayBuffer>, headers: { 'Content-Type': 'application/octet-stream' } });
  assert.equal(put.status, 201, await put.text());
  return { digest, size: data.length };
}

test('a sigstore bundle pushed as cosign 3 does (a referrer) is listed from the registry and stored by a pull', async () => {
  const bundle = makeBundle(key.privateKey, digest, { env: 'prod' });
  const layer = await putBlob('adm/app', bundle);
  const config = await putBlob('adm/app', Buffer.from('{}'));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', ...layer, annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope' } }],
    subject: { mediaType: engine.signingTarget(ref).mediaType, digest, size: engine.signingTarget(ref).size },
  }));
  const mdigest = 'sha256:' + createHash('sha256').update(manifest).digest('hex');
  const put = await fetch(`${registry.url}/v2/adm/app/manifests/${mdigest}`, { method: 'PUT', body: manifest, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
  assert.equal(put.status, 201, await put.text());

  const remote = await engine.signatures(ref, { remote: true });
  assert.equal(remote.source, 'registry');
  assert.equal(remote.signatures.length, 1);
  assert.deepEqual(remote.bundles, [bundle]);
  assert.equal((await engine.signatures(ref)).bundles.length, 0, 'not local yet');
  await engine.pull(ref);
  const local = await engine.signatures(ref);
  assert.deepEqual(local.bundles, [bundle]);
  assert.equal(checkBundle(local.bundles[0]!, key.publicKey, { manifestDigest: digest, annotations: { env: 'prod' }, reference: ref }).error, undefined);
});
