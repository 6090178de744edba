/**
 * berth's registry server keeps signatures while their image lives and drops them, with their blobs,
 * once the image's manifest is deleted: cosign's tag scheme (`sha256-<hex>.sig`, no subject, as
 * skopeo and cosign write) and OCI referrers (a subject) alike.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRegistry, req, sha, type TestRegistry } from '../registry/helpers.js';
import { EMPTY_CONFIG } from '../../src/image/referrers.js';
import { SIGNATURE_ANNOTATION, SIGNATURE_ARTIFACT_TYPE, SIMPLESIGNING_MEDIA_TYPE, signatureTag } from '../../src/sign/cosign-format.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
let reg: TestRegistry;
before(async () => { reg = await startRegistry(); });
after(async () => { await reg?.close(); });
const u = (p: string) => reg.url + p;

async function pushBlob(repo: string, data: Buffer | string): Promise<string> {
  const d = sha(data);
  const r = await req(u(`/v2/${repo}/blobs/uploads/?digest=${d}`), 'POST', { body: data, headers: { 'Content-Type': 'application/octet-stream' } });
  assert.equal(r.status, 201);
  return d;
}

async function putManifest(repo: string, ref: string, doc: any): Promise<string> {
  const raw = Buffer.from(JSON.stringify(doc));
  const r = await req(u(`/v2/${repo}/manifests/${ref}`), 'PUT', { body: raw, headers: { 'Content-Type': OCI_MANIFEST } });
  assert.equal(r.status, 201, r.body.toString());
  return sha(raw);
}

async function pushImage(repo: string, tag: string, payload: string): Promise<{ digest: string; size: number }> {
  const cfg = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, payload });
  const config = await pushBlob(repo, cfg);
  const layer = await pushBlob(repo, payload);
  const doc = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: cfg.length }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size: payload.length }] };
  const digest = await putManifest(repo, tag, doc);
  return { digest, size: JSON.stringify(doc).length };
}

/** A signature manifest (the payload is all that matters to GC): tagged by cosign's scheme, with or without a subject. */
async function pushSignature(repo: string, subject: { digest: string; size: number }, opts: { withSubject: boolean; tag?: string; signature?: string }): Promise<{ digest: string; payload: string }> {
  const payloadText = JSON.stringify({ critical: { identity: { 'docker-reference': `x/${repo}` }, image: { 'docker-manifest-digest': subject.digest }, type: 'cosign container image signature' }, optional: null });
  const payload = await pushBlob(repo, payloadText);
  await pushBlob(repo, '{}');
  const doc: any = {
    schemaVersion: 2, mediaType: OCI_MANIFEST, config: EMPTY_CONFIG,
    layers: [{ mediaType: SIMPLESIGNING_MEDIA_TYPE, digest: payload, size: payloadText.length, annotations: { [SIGNATURE_ANNOTATION]: opts.signature ?? 'MEUCIQ==' } }],
  };
  if (opts.withSubject) Object.assign(doc, { artifactType: SIGNATURE_ARTIFACT_TYPE, subject: { mediaType: OCI_MANIFEST, ...subject } });
  const digest = await putManifest(repo, opts.tag ?? signatureTag(subject.digest), doc);
  return { digest, payload };
}

const status = async (p: string) => (await req(u(p), 'GET')).status;

test('gc keeps signatures (tag scheme and referrers) while the image lives and drops them when it is gone', async () => {
  const repo = 'sign/gc';
  const img = await pushImage(repo, 'v1', 'image one');
  const tagSig = await pushSignature(repo, img, { withSubject: false });
  const refSig = await pushSignature(repo, img, { withSubject: true, tag: 'referrer-only' });
  await req(u(`/v2/${repo}/manifests/referrer-only`), 'DELETE'); // untagged: reachable only as a referrer
  const other = await pushImage(repo, 'v2', 'image two');
  const otherSig = await pushSignature(repo, other, { withSubject: true });
  // a signature its owner also tagged by hand stays (only the dangling .sig tag goes)
  const kept = await pushSignature(repo, img, { withSubject: false, tag: 'sig-kept-by-hand', signature: 'MEYCIQ==' });

  let r = await reg.server.storage.collectGarbage();
  assert.deepEqual(r.orphans, []);
  assert.equal(await status(`/v2/${repo}/manifests/${signatureTag(img.digest)}`), 200);
  assert.equal(await status(`/v2/${repo}/manifests/${refSig.digest}`), 200);
  assert.equal(await status(`/v2/${repo}/blobs/${tagSig.payload}`), 200);
  let refs = (await req(u(`/v2/${repo}/referrers/${img.digest}`), 'GET')).json;
  assert.deepEqual(refs.manifests.map((m: any) => m.digest), [refSig.digest]);

  // re-pushing another image to the tag leaves the old manifest, and so its signatures, in place
  await pushImage(repo, 'v1', 'image one, rebuilt');
  r = await reg.server.storage.collectGarbage();
  assert.deepEqual(r.orphans, []);
  assert.equal(await status(`/v2/${repo}/manifests/${tagSig.digest}`), 200);

  // the image goes: its signatures and their payload blobs go with the next gc
  assert.equal((await req(u(`/v2/${repo}/manifests/${img.digest}`), 'DELETE')).status, 202);
  r = await reg.server.storage.collectGarbage();
  assert.deepEqual(r.orphans.sort(), [`${repo}@${tagSig.digest}`, `${repo}@${refSig.digest}`].sort());
  assert.equal(await status(`/v2/${repo}/manifests/${signatureTag(img.digest)}`), 404);
  assert.equal(await status(`/v2/${repo}/manifests/${tagSig.digest}`), 404);
  assert.equal(await status(`/v2/${repo}/manifests/${refSig.digest}`), 404);
  // the payload blob is shared with the hand-tagged signature of the same image, which still holds it
  assert.ok(!r.deleted.includes(tagSig.payload));
  refs = (await req(u(`/v2/${repo}/referrers/${img.digest}`), 'GET')).json;
  assert.deepEqual(refs.manifests, []);
  // the hand-tagged one stays under its own tag; the other image's signature is untouched
  assert.equal(await status(`/v2/${repo}/manifests/sig-kept-by-hand`), 200);
  assert.equal(await status(`/v2/${repo}/manifests/${kept.digest}`), 200);
  assert.ok(!(await req(u(`/v2/${repo}/tags/list`), 'GET')).json.tags.includes(signatureTag(img.digest)));
  assert.equal(await status(`/v2/${repo}/manifests/${signatureTag(other.digest)}`), 200);
  assert.equal(await status(`/v2/${repo}/manifests/${otherSig.digest}`), 200);
  assert.equal((await req(u(`/v2/${repo}/manifests/${kept.digest}`), 'DELETE')).status, 202);
  r = await reg.server.storage.collectGarbage();
  assert.ok(r.deleted.includes(tagSig.payload), 'the payload blob is swept once no signature holds it');
  assert.equal(await status(`/v2/${repo}/blobs/${otherSig.payload}`), 200);
});

test('online gc leaves a signature pushed before its image alone during the grace period', async () => {
  const repo = 'sign/early';
  const absent = { digest: 'sha256:' + 'ab'.repeat(32), size: 100 };
  const early = await pushSignature(repo, absent, { withSubject: true });
  const r = await reg.server.gc(); // default grace: 10 minutes
  assert.deepEqual(r.orphans, []);
  assert.equal(await status(`/v2/${repo}/manifests/${early.digest}`), 200);
  const offline = await reg.server.storage.collectGarbage({ dryRun: true });
  assert.deepEqual(offline.orphans, [`${repo}@${early.digest}`]);
  assert.equal(await status(`/v2/${repo}/manifests/${early.digest}`), 200, 'a dry run deletes nothing');
});
