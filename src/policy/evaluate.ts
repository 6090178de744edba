/**
 * Evaluating a scope's requirements for one image: every requirement must allow it (containers/image's
 * IsRunningImageAllowed); a sigstoreSigned requirement allows it when at least one signature verifies
 * with one of its keys, signs this manifest digest and claims an identity the rule accepts. Refusals use
 * containers/image's words.
 */
import type { KeyObject } from 'node:crypto';
import type { ParsedReference } from '../image/reference.js';
import { familiarString, parseNormalizedNamed } from '../image/reference.js';
import { parsePayload, signatureValid, SIGNATURE_ANNOTATION, type CosignSignature } from '../sign/cosign-format.js';
import { identityMatches } from './identity.js';
import type { KeyFileCache } from './keys.js';
import type { Policy, Requirement } from './policy-file.js';
import { requirementsFor } from './scopes.js';

export interface ImageUnderTest {
  /** the name the image is admitted under; undefined for an image known by ID only and without names */
  ref: ParsedReference | undefined;
  /** the digest of its manifest (or index) as signed */
  manifestDigest: string;
  signatures(): Promise<CosignSignature[]>;
}

export type Verdict =
  | { allowed: true; where: string }
  | { allowed: false; reason: string; where: string; rule: string };

/** containers/image's transports.ImageName for the docker transport: docker://busybox:latest */
export function imageName(ref: ParsedReference | undefined): string {
  return ref ? `docker://${familiarString(ref)}` : 'an image with no name';
}

export async function evaluatePolicy(policy: Policy, image: ImageUnderTest, keyFiles: KeyFileCache): Promise<Verdict> {
  const { requirements, where } = requirementsFor(policy, image.ref);
  let sigs: Promise<CosignSignature[]> | undefined;
  const signatures = () => (sigs ??= image.signatures());
  for (let i = 0; i < requirements.length; i++) {
    const req = requirements[i]!;
    const reason = await refusal(req, image, signatures, keyFiles);
    if (reason !== undefined) return { allowed: false, reason, where, rule: `${where}[${i}] ${req.type}` };
  }
  return { allowed: true, where };
}

/** Why the requirement refuses the image, or undefined when it allows it. */
async function refusal(req: Requirement, image: ImageUnderTest, signatures: () => Promise<CosignSignature[]>, keyFiles: KeyFileCache): Promise<string | undefined> {
  switch (req.type) {
    case 'insecureAcceptAnything': return undefined;
    case 'reject': return `Running image ${imageName(image.ref)} is rejected by policy.`;
    case 'signedBy': return 'signedBy (GPG simple signing) is not supported by berth: use sigstoreSigned with a cosign public key';
    case 'signedBaseLayer': return 'signedBaseLayer not implemented yet!';
    case 'sigstoreSigned': {
      if (req.unsupported) return req.unsupported;
      let keys: KeyObject[];
      try {
        keys = req.keys!.kind === 'data' ? req.keys!.keys : req.keys!.paths.flatMap((p) => keyFiles.load(p));
      } catch (e) { return (e as Error).message; }
      const rejections: string[] = [];
      for (const sig of await signatures()) {
        const why = signatureRefusal(sig, keys, req, image);
        if (why === undefined) return undefined;
        rejections.push(why);
      }
      if (rejections.length === 0) return 'A signature was required, but no signature exists';
      if (rejections.length === 1) return rejections[0];
      return `None of the signatures were accepted, reasons: ${rejections.join('; ')}`;
    }
  }
}

/**
 * ECDSA verification is most of a check's cost (~0.1 ms a signature), and the same image is checked at
 * every run: results are remembered per key object (a changed key file gives new ones) and per exact
 * payload and signature, so a cached answer can only be for the same bytes.
 */
const verified = new WeakMap<KeyObject, Map<string, boolean>>();
const VERIFIED_MAX = 4096;

function verifiedWith(sig: CosignSignature, key: KeyObject): boolean {
  let m = verified.get(key);
  if (!m) verified.set(key, (m = new Map()));
  const id = `${sig.signature}\0${sig.payload.toString('base64')}`;
  let ok = m.get(id);
  if (ok === undefined) {
    ok = signatureValid(sig, key);
    if (m.size >= VERIFIED_MAX) m.clear();
    m.set(id, ok);
  }
  return ok;
}

function nameOnly(reference: string): boolean {
  try { const r = parseNormalizedNamed(reference); return r.tag === undefined && r.digest === undefined; } catch { return false; }
}

/** containers/image's isSignatureAccepted for a public-key rule: crypto, then digest, then identity. */
function signatureRefusal(sig: CosignSignature, keys: KeyObject[], req: Extract<Requirement, { type: 'sigstoreSigned' }>, image: ImageUnderTest): string | undefined {
  if (!sig.signature) return `missing ${SIGNATURE_ANNOTATION} annotation`;
  if (!keys.some((k) => verifiedWith(sig, k))) return 'cryptographic signature verification failed: invalid signature when validating ASN.1 encoded signature';
  let payload;
  try { payload = parsePayload(sig.payload); } catch (e) { return (e as Error).message; }
  const digest = payload.critical.image['docker-manifest-digest'];
  if (digest !== image.manifestDigest) return `Signature for digest ${digest} does not match`;
  const identity = payload.critical.identity['docker-reference'];
  if (!identityMatches(req.signedIdentity, image.ref, identity)) {
    // cosign (and berth sign) sign a repository without a tag: only the repository rules can accept those
    const hint = nameOnly(identity) && (req.signedIdentity.type === 'matchRepoDigestOrExact' || req.signedIdentity.type === 'matchExact')
      ? ` (it names a repository without a tag, as cosign signs: use "signedIdentity": {"type": "matchRepository"})` : '';
    return `Signature for identity ${JSON.stringify(identity)} is not accepted${hint}`;
  }
  return undefined;
}
