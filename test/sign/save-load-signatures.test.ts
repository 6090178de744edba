/**
 * Signatures (and other referrers) ride in `save` and come back with `load`: the image keeps its own
 * manifest digest (which the signature names), the signature verifies after the round trip, and
 * skopeo still reads the tar as docker-archive: and oci-archive: (one index.json entry per image).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { imageEnv } from '../image/helpers.js';
import { ReferrerStore } from '../../src/image/referrers.js';
import { saveImages, REFERRERS_ANNOTATION } from '../../src/image/archive-save.js';
import { loadArchive } from '../../src/image/archive-load.js';
import { localSignatures } from '../../src/sign/local-signatures.js';
import { parsePayload, signatureValid } from '../../src/sign/cosign-format.js';
import { attachSignature, DOCKER_MANIFEST, ecKeyPair, makeImage } from './interop-helpers.js';

async function readTar(path: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const ex = tar.extract();
  ex.on('entry', (h, s, next) => { const c: Buffer[] = []; s.on('data', (b) => c.push(b as Buffer)); s.on('end', () => { out.set(h.name, Buffer.concat(c)); next(); }); });
  await pipeline(createReadStream(path), ex);
  return out;
}

async function writeTar(path: string, files: Map<string, Buffer>): Promise<void> {
  const pack = tar.pack();
  const done = pipeline(pack, createWriteStream(path));
  for (const [name, data] of files) pack.entry({ name }, data);
  pack.finalize();
  await done;
}

test('a signature saved with its image loads back, still verifying, into a fresh store', async (t) => {
  const a = await imageEnv(t);
  const refsA = new ReferrerStore(a.db, a.content);
  const { manifestDigest, manifestSize } = await makeImage(a.images, a.content, 'example.com/signed/app:v1', { hello: 'signed world' });
  const keys = ecKeyPair();
  const sigDigest = await attachSignature(refsA, a.content, { mediaType: DOCKER_MANIFEST, digest: manifestDigest, size: manifestSize }, 'example.com/signed/app', keys.privateKey);
  // an unsigned image in the same archive gets no annotation
  await makeImage(a.images, a.content, 'example.com/plain/app:v1', { hello: 'plain' });

  const archive = join(a.root, 'save.tar');
  await saveImages(a.images, ['example.com/signed/app:v1', 'example.com/plain/app:v1'], createWriteStream(archive), undefined, refsA);
  const files = await readTar(archive);
  const index = JSON.parse(files.get('index.json')!.toString());
  assert.equal(index.manifests.length, 2, 'the signature is no index.json entry of its own');
  const signedEntry = index.manifests.find((m: any) => m.digest === manifestDigest);
  const listed = JSON.parse(signedEntry.annotations[REFERRERS_ANNOTATION]);
  assert.deepEqual(listed.map((d: any) => d.digest), [sigDigest]);
  assert.ok(files.has(`blobs/sha256/${sigDigest.slice(7)}`));
  assert.ok(!index.manifests.find((m: any) => m.digest !== manifestDigest).annotations[REFERRERS_ANNOTATION]);

  const b = await imageEnv(t);
  const refsB = new ReferrerStore(b.db, b.content);
  const loaded = await loadArchive(b.images, createReadStream(archive), { tmpDir: join(b.root, 'tmp'), referrers: refsB });
  assert.deepEqual(loaded.map((l) => l.tag).sort(), ['example.com/plain/app:v1', 'example.com/signed/app:v1']);
  const img = b.images.resolve('example.com/signed/app:v1');
  assert.equal(img.manifestDigest, manifestDigest, 'the docker-archive load keeps the image\'s own manifest');
  const sigs = localSignatures(refsB, b.content, manifestDigest);
  assert.equal(sigs.length, 1);
  assert.ok(signatureValid(sigs[0]!, keys.publicKey));
  assert.equal(parsePayload(sigs[0]!.payload).critical.image['docker-manifest-digest'], manifestDigest);
  // removing the image's record path is the engine's job; here: the referrer is indexed under its subject
  assert.deepEqual(refsB.list(manifestDigest).map((r) => r.digest), [sigDigest]);
});

test('an OCI layout with the signature as an index.json entry of its own (cosign save, oras) loads it as a referrer', async (t) => {
  const a = await imageEnv(t);
  const refsA = new ReferrerStore(a.db, a.content);
  const { manifestDigest, manifestSize } = await makeImage(a.images, a.content, 'example.com/oci/app:v2', { f: 'oci layout' });
  const keys = ecKeyPair();
  const sigDigest = await attachSignature(refsA, a.content, { mediaType: DOCKER_MANIFEST, digest: manifestDigest, size: manifestSize }, 'example.com/oci/app', keys.privateKey);
  const saved = join(a.root, 'save.tar');
  await saveImages(a.images, ['example.com/oci/app:v2'], createWriteStream(saved), undefined, refsA);
  // rewrite as a plain OCI layout: no manifest.json, the signature listed in index.json
  const files = await readTar(saved);
  files.delete('manifest.json');
  files.delete('repositories');
  const index = JSON.parse(files.get('index.json')!.toString());
  for (const m of index.manifests) delete m.annotations[REFERRERS_ANNOTATION];
  index.manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sigDigest, size: files.get(`blobs/sha256/${sigDigest.slice(7)}`)!.length });
  files.set('index.json', Buffer.from(JSON.stringify(index)));
  const layout = join(a.root, 'layout.tar');
  await writeTar(layout, files);

  const b = await imageEnv(t);
  const refsB = new ReferrerStore(b.db, b.content);
  const loaded = await loadArchive(b.images, createReadStream(layout), { tmpDir: join(b.root, 'tmp'), referrers: refsB });
  assert.equal(loaded.length, 1, 'the signature entry is not loaded as an image');
  const sigs = localSignatures(refsB, b.content, manifestDigest);
  assert.equal(sigs.length, 1);
  assert.ok(signatureValid(sigs[0]!, keys.publicKey));
});

test('skopeo reads a save with signatures as docker-archive: and oci-archive:', { skip: !existsSync('/usr/bin/skopeo') && 'skopeo not installed' }, async (t) => {
  const a = await imageEnv(t);
  const refsA = new ReferrerStore(a.db, a.content);
  const { manifestDigest, manifestSize } = await makeImage(a.images, a.content, 'example.com/sk/app:v1', { x: 'skopeo' });
  await attachSignature(refsA, a.content, { mediaType: DOCKER_MANIFEST, digest: manifestDigest, size: manifestSize }, 'example.com/sk/app', ecKeyPair().privateKey);
  const archive = join(a.root, 'save.tar');
  await saveImages(a.images, ['example.com/sk/app:v1'], createWriteStream(archive), undefined, refsA);
  for (const src of [`oci-archive:${archive}`, `docker-archive:${archive}`]) {
    const r = spawnSync('skopeo', ['inspect', '--raw', src], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `${src}: ${r.stderr}`);
    assert.ok(JSON.parse(r.stdout).layers.length === 1);
  }
  const r = spawnSync('skopeo', ['inspect', '--raw', `oci-archive:${archive}`], { encoding: 'utf8', timeout: 60_000 });
  assert.equal('sha256:' + (await import('node:crypto')).createHash('sha256').update(r.stdout).digest('hex'), manifestDigest, 'oci-archive: serves the signed manifest itself');
  assert.ok(readFileSync(archive).length > 0);
});
