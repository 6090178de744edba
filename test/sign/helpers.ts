/**
 * A sigstore bundle v0.3 as cosign's new bundle format makes it for an image (`cosign sign
 * --new-bundle-format --key … --tlog-upload=false`), built here from the specs: an in-toto statement
 * (predicateType https://sigstore.dev/cosign/sign/v1, subject = the image digest) in a DSSE envelope
 * signed over its PAE with the key, the key named by a hint.
 */
import { sign, type KeyObject } from 'node:crypto';

export function makeBundle(privateKey: KeyObject, digest: string, annotations?: Record<string, string>, predicateType = 'https://sigstore.dev/cosign/sign/v1'): Buffer {
  const [alg, hex] = digest.split(':');
  const statement = { _type: 'https://in-toto.io/Statement/v1', subject: [{ digest: { [alg!]: hex }, ...(annotations ? { annotations } : {}) }], predicateType, predicate: {} };
  const payload = Buffer.from(JSON.stringify(statement));
  const type = 'application/vnd.in-toto+json';
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${payload.length} `), payload]);
  return Buffer.from(JSON.stringify({
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint: 'berth-test' }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
    dsseEnvelope: { payload: payload.toString('base64'), payloadType: type, signatures: [{ sig: sign('sha256', pae, privateKey).toString('base64'), keyid: '' }] },
  }));
}
