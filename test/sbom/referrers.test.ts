/** The referrer index on its own: a real SQLite database and content store in a temporary root. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/store/db.js';
import { ContentStore } from '../../src/store/content.js';
import { EMPTY_CONFIG, ReferrerStore, parseReferrerManifest } from '../../src/image/referrers.js';
import { sha256 } from '../../src/common/digest.js';

function fixture() {
  const dir = mkdtempSync(join(tmpdir(), 'berth-referrers-'));
  const db = openDatabase(join(dir, 'berth.db'));
  const content = new ContentStore(join(dir, 'content'));
  const inUse = new Set<string>();
  const store = new ReferrerStore(db, content, (d) => inUse.has(d));
  return { dir, db, content, store, inUse, done: () => { db.close(); rmSync(dir, { recursive: true, force: true }); } };
}

const SPDX = 'application/spdx+json';

test('attach writes an OCI 1.1 artifact manifest, lists it by subject, replaces it on a second attach', async () => {
  const f = fixture();
  try {
    const image = await f.content.put('{"schemaVersion":2}');
    const subject = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: image.digest, size: image.size };
    const first = await f.store.attach(subject, SPDX, Buffer.from('{"spdxVersion":"SPDX-2.3","n":1}'), { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' });
    assert.equal(first.artifactType, SPDX);
    const { manifest, raw } = f.store.manifest(first.digest);
    assert.equal(sha256(raw), first.digest);
    assert.deepEqual(manifest.config, EMPTY_CONFIG);
    assert.equal(f.content.read(EMPTY_CONFIG.digest).toString(), '{}');
    assert.deepEqual(manifest.subject, subject);
    assert.equal(manifest.layers[0]!.mediaType, SPDX);
    assert.deepEqual(f.store.list(image.digest, SPDX).map((d) => d.digest), [first.digest]);
    assert.deepEqual(f.store.list(image.digest, 'application/vnd.cyclonedx+json'), []);
    const firstBlob = manifest.layers[0]!.digest;
    assert.ok(f.store.holds(firstBlob) && f.store.holds(first.digest) && f.store.holds(EMPTY_CONFIG.digest));

    const second = await f.store.attach(subject, SPDX, Buffer.from('{"spdxVersion":"SPDX-2.3","n":2}'));
    assert.deepEqual(f.store.list(image.digest).map((d) => d.digest), [second.digest]);
    assert.ok(!f.content.has(first.digest) && !f.content.has(firstBlob), 'the replaced SBOM is gone');
    assert.ok(f.content.has(EMPTY_CONFIG.digest), 'the empty config stays while a referrer uses it');
  } finally { f.done(); }
});

test('dropSubjects removes referrers (and referrers of referrers) and their blobs, keeping blobs in use elsewhere', async () => {
  const f = fixture();
  try {
    const a = await f.content.put('image a');
    const b = await f.content.put('image b');
    const subj = (d: { digest: string; size: number }) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...d });
    const ra = await f.store.attach(subj(a), SPDX, Buffer.from('sbom a'));
    const rb = await f.store.attach(subj(b), SPDX, Buffer.from('sbom b'));
    const signature = await f.store.attach({ mediaType: ra.mediaType, digest: ra.digest, size: ra.size }, 'application/vnd.example.sig', Buffer.from('sig of sbom a'));
    const shared = sha256('sbom a');
    f.inUse.add(shared); // e.g. an image layer with the same bytes
    await f.store.dropSubjects([a.digest]);
    assert.deepEqual(f.store.list(a.digest), []);
    assert.deepEqual(f.store.list(ra.digest), []);
    assert.ok(!f.content.has(ra.digest) && !f.content.has(signature.digest) && !f.content.has(sha256('sig of sbom a')));
    assert.ok(f.content.has(shared), 'a blob something else uses stays');
    assert.deepEqual(f.store.list(b.digest).map((d) => d.digest), [rb.digest]);
    assert.ok(f.content.has(EMPTY_CONFIG.digest));
    await f.store.dropSubjects([b.digest]);
    assert.ok(!f.content.has(EMPTY_CONFIG.digest) && !f.content.has(rb.digest));
    assert.deepEqual(f.store.allBlobs(), []);
  } finally { f.done(); }
});

test('add indexes a pulled referrer only when its blobs are present; malformed manifests are refused with a code', async () => {
  const f = fixture();
  try {
    const layer = { mediaType: SPDX, digest: sha256('x'), size: 1 };
    const doc = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: SPDX, config: EMPTY_CONFIG, layers: [layer], subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256('img'), size: 3 } };
    const raw = Buffer.from(JSON.stringify(doc));
    await assert.rejects(f.store.add(raw, sha256(raw)), { code: 'ERR_BLOB_NOT_FOUND' });
    await f.content.put('x');
    await f.content.put('{}');
    const d = await f.store.add(raw, sha256(raw));
    assert.equal(d.artifactType, SPDX);
    assert.deepEqual(f.store.list(sha256('img')).map((r) => r.digest), [sha256(raw)]);
    assert.throws(() => parseReferrerManifest(Buffer.from('{')), { code: 'ERR_MANIFEST_INVALID' });
    assert.throws(() => parseReferrerManifest(Buffer.from(JSON.stringify({ ...doc, subject: undefined }))), { code: 'ERR_MANIFEST_INVALID' });
    assert.throws(() => parseReferrerManifest(Buffer.from(JSON.stringify({ ...doc, mediaType: 'application/vnd.oci.image.index.v1+json' }))), { code: 'ERR_MANIFEST_INVALID' });
  } finally { f.done(); }
});
