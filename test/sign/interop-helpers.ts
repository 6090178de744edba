/**
 * Small pieces the signing interop tests share: an image made from bytes (with a Docker schema 2
 * manifest, so a load that rebuilt the manifest would change its digest), and a cosign signature
 * made with node:crypto, stored as a referrer the way src/sign/local-signatures.ts reads them.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { buildTar } from '../snapshot/helpers.js';
import type { ImageStore, ImageRecord } from '../../src/image/image-store.js';
import type { ContentStore } from '../../src/store/content.js';
import { EMPTY_CONFIG, type ReferrerStore } from '../../src/image/referrers.js';
import { SIGNATURE_ANNOTATION, SIGNATURE_ARTIFACT_TYPE, SIMPLESIGNING_MEDIA_TYPE, SIMPLESIGNING_TYPE } from '../../src/sign/cosign-format.js';

export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

export function sha256(b: Buffer | string): string { return 'sha256:' + createHash('sha256').update(b).digest('hex'); }

/** A one-layer image whose layer holds `files`, tagged `tag`. */
export async function makeImage(images: ImageStore, content: ContentStore, tag: string, files: Record<string, string>): Promise<{ img: ImageRecord; manifestDigest: string; manifestSize: number }> {
  const layerTar = await buildTar(Object.entries(files).map(([name, body]) => ({ name, body })));
  const layer = await content.put(gzipSync(layerTar));
  const config = await content.put(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: { Cmd: ['/bin/sh'] }, rootfs: { type: 'layers', diff_ids: [sha256(layerTar)] },
  }));
  const manifest = JSON.stringify({
    schemaVersion: 2, mediaType: DOCKER_MANIFEST,
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: config.digest, size: config.size },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: layer.digest, size: layer.size }],
  });
  const mf = await content.put(manifest);
  const img = await images.addFromManifest({ manifestDigest: mf.digest, mediaType: DOCKER_MANIFEST, tags: [tag] });
  return { img, manifestDigest: mf.digest, manifestSize: mf.size };
}

export function ecKeyPair(): { privateKey: KeyObject; publicKey: KeyObject; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** The simple signing payload cosign and containers/image write. */
export function simpleSigningPayload(dockerReference: string, manifestDigest: string): Buffer {
  return Buffer.from(JSON.stringify({
    critical: { identity: { 'docker-reference': dockerReference }, image: { 'docker-manifest-digest': manifestDigest }, type: SIMPLESIGNING_TYPE },
    optional: null,
  }));
}

/** Sign the manifest and store the signature as a referrer of it; the referrer manifest's digest. */
export async function attachSignature(referrers: ReferrerStore, content: ContentStore, subject: { digest: string; size: number; mediaType: string }, dockerReference: string, key: KeyObject): Promise<string> {
  const payload = simpleSigningPayload(dockerReference, subject.digest);
  const signature = sign('sha256', payload, key).toString('base64');
  await content.put('{}', EMPTY_CONFIG.digest);
  const blob = await content.put(payload);
  const raw = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: SIGNATURE_ARTIFACT_TYPE,
    config: EMPTY_CONFIG,
    layers: [{ mediaType: SIMPLESIGNING_MEDIA_TYPE, digest: blob.digest, size: blob.size, annotations: { [SIGNATURE_ANNOTATION]: signature } }],
    subject,
  }));
  const d = sha256(raw);
  await referrers.add(raw, d);
  return d;
}
