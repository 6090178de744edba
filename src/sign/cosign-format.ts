/**
 * cosign's signature format, shared by signing (src/sign), the admission policy (src/policy) and the
 * transports. A signature is a "simple signing" payload (JSON naming the image's manifest digest and
 * its repository) plus an ECDSA signature over the payload's exact bytes, carried as one layer of an
 * OCI manifest: the layer's blob is the payload, its annotation `dev.cosignproject.cosign/signature`
 * the base64 DER signature. The manifest is tagged `sha256-<hex>.sig` in the image's repository
 * (cosign's tag scheme) and, for registries with the OCI 1.1 referrers API, also pushed with a subject.
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { InvalidArgumentError } from '../common/errors.js';

export const SIMPLESIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
/** artifactType of a signature pushed as an OCI 1.1 referrer (cosign's experimental OCI 1.1 mode) */
export const SIGNATURE_ARTIFACT_TYPE = 'application/vnd.dev.cosign.artifact.sig.v1+json';
export const SIMPLESIGNING_TYPE = 'cosign container image signature';
/** cosign's new bundle format: a sigstore bundle v0.3 as an OCI 1.1 referrer (artifactType and layer media type) */
export const BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
/** the in-toto predicate type of a cosign image signature in a bundle */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

/** One signature as found on an image: the payload bytes, the signature and the layer's annotations. */
export interface CosignSignature {
  /** the exact payload bytes that were signed */
  payload: Buffer;
  /** base64 of the DER signature (the layer annotation's value) */
  signature: string;
  /** all annotations of the layer that carried it (certificate, bundle, ...) */
  annotations: Record<string, string>;
}

/** The simple signing payload (containers/image's and cosign's). */
export interface SimpleSigningPayload {
  critical: {
    identity: { 'docker-reference': string };
    image: { 'docker-manifest-digest': string };
    type: string;
  };
  optional?: Record<string, unknown> | null;
}

/** The tag cosign's tag scheme gives the signatures of a manifest digest. */
export function signatureTag(manifestDigest: string): string {
  return manifestDigest.replace(':', '-') + '.sig';
}

/** Parse and check a payload; throws ERR_SIGN_PAYLOAD_INVALID. */
export function parsePayload(payload: Buffer): SimpleSigningPayload {
  let doc: any;
  try { doc = JSON.parse(payload.toString('utf8')); } catch {
    throw new InvalidArgumentError('signature payload is not valid JSON', 'ERR_SIGN_PAYLOAD_INVALID');
  }
  const c = doc?.critical;
  if (typeof c?.identity?.['docker-reference'] !== 'string' || typeof c?.image?.['docker-manifest-digest'] !== 'string' || typeof c?.type !== 'string') {
    throw new InvalidArgumentError('signature payload lacks critical.identity, critical.image or critical.type', 'ERR_SIGN_PAYLOAD_INVALID');
  }
  if (c.type.toLowerCase() !== SIMPLESIGNING_TYPE) {
    throw new InvalidArgumentError(`signature payload has type "${c.type}", not "${SIMPLESIGNING_TYPE}"`, 'ERR_SIGN_PAYLOAD_INVALID');
  }
  if (doc.optional !== undefined && doc.optional !== null && (typeof doc.optional !== 'object' || Array.isArray(doc.optional))) {
    throw new InvalidArgumentError('signature payload has an optional section that is not an object', 'ERR_SIGN_PAYLOAD_INVALID');
  }
  return doc as SimpleSigningPayload;
}

/** A PEM public key (PKIX "PUBLIC KEY"); throws ERR_SIGN_KEY_INVALID. */
export function publicKeyFromPem(pem: string | Buffer): KeyObject {
  try {
    const key = createPublicKey(pem);
    if (key.type !== 'public') throw new Error('not a public key');
    return key;
  } catch (e) {
    throw new InvalidArgumentError(`not a PEM public key: ${(e as Error).message}`, 'ERR_SIGN_KEY_INVALID');
  }
}

/** Does the signature verify over the payload bytes with this key (SHA-256, DER ECDSA; RSA/Ed25519 keys too)? */
export function signatureValid(sig: CosignSignature, key: KeyObject): boolean {
  let der: Buffer;
  try { der = Buffer.from(sig.signature, 'base64'); } catch { return false; }
  if (der.length === 0) return false;
  try {
    return cryptoVerify(key.asymmetricKeyType === 'ed25519' ? null : 'sha256', sig.payload, key, der);
  } catch {
    return false;
  }
}
