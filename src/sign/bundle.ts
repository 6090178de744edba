/**
 * cosign's new bundle format (`cosign sign --new-bundle-format`, cosign 3's default): a sigstore bundle
 * v0.3 pushed as an OCI 1.1 referrer of the image (artifactType = the bundle's media type), holding a
 * DSSE envelope of an in-toto statement whose predicateType is `https://sigstore.dev/cosign/sign/v1`
 * and whose subject is the image's digest (with the `-a` annotations).
 *
 * Verification with a key goes through sigstore-js (@sigstore/bundle parses and validates the bundle,
 * @sigstore/verify checks the DSSE signature against the key). The bundle's transparency-log entries
 * and RFC 3161 timestamps are not checked: that needs Rekor's and the TSA's keys, which come from
 * sigstore's TUF repository on the internet; berth checks what a key alone can prove, as
 * `cosign verify --insecure-ignore-tlog` does. Bundles with a Fulcio certificate instead of a key hint
 * are keyless: refused.
 */
import type { KeyObject } from 'node:crypto';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { COSIGN_SIGN_PREDICATE, type SimpleSigningPayload } from './cosign-format.js';
import type { VerifyOptions } from './payload.js';

export { BUNDLE_V03_MEDIA_TYPE, COSIGN_SIGN_PREDICATE } from './cosign-format.js';
const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** No certificate authorities, logs or timestamp authorities: only the caller's key is trusted. */
const EMPTY_ROOT = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] } as unknown as Parameters<typeof toTrustMaterial>[0];

/**
 * Check one bundle against the key and the image's digest (and annotations); on success, the payload
 * cosign prints for it (its transformOutput: the statement as a simple-signing payload).
 */
export function checkBundle(json: Buffer, key: KeyObject, opts: VerifyOptions & { reference: string }): { payload?: SimpleSigningPayload; error?: string } {
  let bundle: Bundle;
  try { bundle = bundleFromJSON(JSON.parse(json.toString('utf8'))); } catch (e) { return { error: `invalid sigstore bundle: ${(e as Error).message}` }; }
  if (bundle.content.$case !== 'dsseEnvelope') return { error: 'the sigstore bundle holds no DSSE envelope' };
  if (bundle.verificationMaterial.content.$case !== 'publicKey') return { error: 'the sigstore bundle is keyless (a Fulcio certificate): not supported offline' };
  // what a key alone proves: drop the log entries and timestamps (see above)
  const offline = { ...bundle, verificationMaterial: { ...bundle.verificationMaterial, tlogEntries: [], timestampVerificationData: undefined } } as Bundle;
  const trust = toTrustMaterial(EMPTY_ROOT, () => ({ publicKey: key, validFor: () => true }));
  try {
    new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(toSignedEntity(offline));
  } catch {
    return { error: 'invalid signature when validating the sigstore bundle\'s DSSE envelope' };
  }
  const env = bundle.content.dsseEnvelope;
  if (env.payloadType !== INTOTO_PAYLOAD_TYPE) return { error: `unable to understand payload type ${env.payloadType}` };
  let st: any;
  try { st = JSON.parse(Buffer.from(env.payload).toString('utf8')); } catch { return { error: 'the bundle\'s statement is not valid JSON' }; }
  if (st?.predicateType !== COSIGN_SIGN_PREDICATE) return { error: `the bundle's predicate type is ${String(st?.predicateType)}, not ${COSIGN_SIGN_PREDICATE}` };
  const subject = Array.isArray(st.subject) ? st.subject[0] : undefined;
  const entries = Object.entries((subject?.digest ?? {}) as Record<string, unknown>);
  if (entries.length < 1) return { error: 'no intoto subject or digest found' };
  const [alg, hex] = entries[0]!;
  const digest = `${alg}:${String(hex)}`;
  if (digest !== opts.manifestDigest) return { error: `invalid or missing digest in claim: ${digest}` };
  const annotations = (subject.annotations && typeof subject.annotations === 'object' ? subject.annotations : undefined) as Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(opts.annotations ?? {})) {
    if (annotations?.[k] !== v) return { error: 'missing or incorrect annotation' };
  }
  return {
    payload: {
      critical: { identity: { 'docker-reference': opts.reference }, image: { 'docker-manifest-digest': digest }, type: COSIGN_SIGN_PREDICATE },
      optional: annotations && Object.keys(annotations).length ? annotations : null,
    },
  };
}
