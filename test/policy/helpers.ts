/** Test signatures made with node:crypto: cosign's simple-signing payload, signed with P-256 ECDSA (SHA-256, DER). */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { CosignSignature } from '../../src/sign/cosign-format.js';
import { SIGNATURE_ANNOTATION } from '../../src/sign/cosign-format.js';

export interface TestKey { privateKey: KeyObject; publicKey: KeyObject; pem: string }

export function newKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export function payloadFor(reference: string, digest: string): Buffer {
  return Buffer.from(JSON.stringify({
    critical: { identity: { 'docker-reference': reference }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' },
    optional: null,
  }));
}

export function signPayload(key: TestKey, payload: Buffer): CosignSignature {
  const signature = sign('sha256', payload, key.privateKey).toString('base64');
  return { payload, signature, annotations: { [SIGNATURE_ANNOTATION]: signature } };
}

export function signatureFor(key: TestKey, reference: string, digest: string): CosignSignature {
  return signPayload(key, payloadFor(reference, digest));
}

export const DIGEST_A = 'sha256:' + 'a'.repeat(64);
export const DIGEST_B = 'sha256:' + 'b'.repeat(64);

import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openDatabase } from '../../src/store/db.js';
import { ContentStore } from '../../src/store/content.js';
import { EMPTY_CONFIG, ReferrerStore } from '../../src/image/referrers.js';
import { SIGNATURE_ARTIFACT_TYPE, SIMPLESIGNING_MEDIA_TYPE } from '../../src/sign/cosign-format.js';
import { createHash } from 'node:crypto';

/** An image's manifest digest, read from a daemon's database (read-only, beside the running daemon). */
export function manifestDigestOf(root: string, imageId: string): string {
  const db = new DatabaseSync(join(root, 'berth.db'), { readOnly: true });
  try { return (db.prepare('SELECT manifest_digest FROM images WHERE id = ?').get(imageId) as { manifest_digest: string }).manifest_digest; } finally { db.close(); }
}

/**
 * Store a signature for `subject` in a daemon's referrer store the way src/sign/local-signatures.ts
 * reads them (one referrer manifest, its layer the payload with the signature annotation). SQLite and
 * the content store take a second writer beside the running daemon.
 */
export async function attachSignature(root: string, subject: string, sig: CosignSignature): Promise<string> {
  const db = openDatabase(join(root, 'berth.db'));
  try {
    const content = new ContentStore(join(root, 'content'));
    const referrers = new ReferrerStore(db, content);
    await content.put(Buffer.from('{}'), EMPTY_CONFIG.digest);
    const blob = await content.put(sig.payload);
    const subjectRaw = content.read(subject);
    const manifest = {
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: SIGNATURE_ARTIFACT_TYPE,
      config: EMPTY_CONFIG,
      layers: [{ mediaType: SIMPLESIGNING_MEDIA_TYPE, digest: blob.digest, size: blob.size, annotations: sig.annotations }],
      subject: { mediaType: JSON.parse(subjectRaw.toString()).mediaType ?? 'application/vnd.oci.image.manifest.v1+json', digest: subject, size: subjectRaw.length },
    };
    const raw = Buffer.from(JSON.stringify(manifest));
    const digest = 'sha256:' + createHash('sha256').update(raw).digest('hex');
    await referrers.add(raw, digest);
    return digest;
  } finally { db.close(); }
}
