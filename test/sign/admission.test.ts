/**
 * The admission hook at pull, through the Engine as a library (in this test's own network namespace,
 * with berth's registry in-process): `engine.admission.admit` is asked with the registry's digest
 * before anything is stored, its `signatures()` fetches the registry's cosign signatures on demand,
 * a refusal leaves no image (and no signature) behind, and an admitted pull stores the signatures.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import { PolicyDeniedError, type AdmissionRequest } from '../../src/sign/admission.js';
import { localSignatures } from '../../src/sign/local-signatures.js';
import { buildPayload } from '../../src/sign/payload.js';
import { signPayload } from '../../src/sign/keys.js';
import { signatureValid } from '../../src/sign/cosign-format.js';
import { startRegistry, type TestRegistry } from '../registry/helpers.js';

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
