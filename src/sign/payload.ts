/**
 * Building and checking simple-signing payloads exactly as cosign does. cosign's payload is Go's
 * json.Marshal of payload.SimpleContainerImage: fields in struct order, map keys sorted, `optional`
 * null when there are no annotations, and <, >, & escaped as \u003c, \u003e, \u0026.
 */
import type { KeyObject } from 'node:crypto';
import { InvalidArgumentError } from '../common/errors.js';
import { parsePayload, signatureValid, SIMPLESIGNING_TYPE, type CosignSignature, type SimpleSigningPayload } from './cosign-format.js';

/** Go's encoding/json output for a value made of plain JSON types (sorted map keys, HTML-safe escapes). */
export function goJson(v: unknown): string {
  const sorted = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sorted);
    if (x && typeof x === 'object') return Object.fromEntries(Object.keys(x).sort().map((k) => [k, sorted((x as Record<string, unknown>)[k])]));
    return x;
  };
  return JSON.stringify(sorted(v)).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** The repository cosign names in `docker-reference`: go-containerregistry's name, index.docker.io for Docker Hub. */
export function cosignRepositoryName(domain: string, path: string): string {
  return `${domain === 'docker.io' ? 'index.docker.io' : domain}/${path}`;
}

/** The payload cosign signs for `repository@digest` with these annotations (`-a k=v`). */
export function buildPayload(repository: string, manifestDigest: string, annotations?: Record<string, string>): Buffer {
  // critical's fields are a struct (declaration order), optional a map (sorted by goJson)
  const critical = `{"identity":${goJson({ 'docker-reference': repository })},"image":${goJson({ 'docker-manifest-digest': manifestDigest })},"type":${goJson(SIMPLESIGNING_TYPE)}}`;
  const optional = annotations && Object.keys(annotations).length ? goJson(annotations) : 'null';
  return Buffer.from(`{"critical":${critical},"optional":${optional}}`);
}

export interface VerifyOptions {
  /** the digest the registry serves for the image (what the payload must name) */
  manifestDigest: string;
  /** required annotations (`-a k=v`): each must be in the payload's optional section with this value */
  annotations?: Record<string, string>;
}

export interface VerifyResult {
  verified: Array<{ signature: CosignSignature; payload: SimpleSigningPayload }>;
  /** why each other signature was refused, in cosign's words */
  errors: string[];
}

/** The reason a signature does not verify, or undefined when it does (cosign's order: signature, then claims). */
export function checkSignature(sig: CosignSignature, key: KeyObject, opts: VerifyOptions): { payload?: SimpleSigningPayload; error?: string } {
  if (!signatureValid(sig, key)) return { error: 'invalid signature when validating ASN.1 encoded signature' };
  let payload: SimpleSigningPayload;
  try { payload = parsePayload(sig.payload); } catch (e) { return { error: (e as Error).message }; }
  const found = payload.critical.image['docker-manifest-digest'];
  if (found !== opts.manifestDigest) return { error: `invalid or missing digest in claim: ${found}` };
  if (opts.annotations) {
    const optional = (payload.optional ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(opts.annotations)) {
      if (optional[k] !== v) return { error: 'missing or incorrect annotation' };
    }
  }
  return { payload };
}

/**
 * Every signature that verifies with `key` and names the image's digest (and carries the annotations).
 * The payload's docker-reference is not compared, as cosign does not: the digest binds the image, and
 * skopeo writes references with a tag.
 */
export function verifySignatures(sigs: CosignSignature[], key: KeyObject, opts: VerifyOptions): VerifyResult {
  const out: VerifyResult = { verified: [], errors: [] };
  for (const sig of sigs) {
    const r = checkSignature(sig, key, opts);
    if (r.payload) out.verified.push({ signature: sig, payload: r.payload });
    else out.errors.push(r.error!);
  }
  return out;
}

/** `k=v` flags into a map (cosign's -a); an entry without `=` is a usage error for the caller. */
export function parseAnnotations(list: string[] | undefined): Record<string, string> | undefined {
  if (!list || list.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const a of list) {
    const i = a.indexOf('=');
    if (i <= 0) throw new InvalidArgumentError(`unable to parse annotation: ${a}: expected key=value`);
    out[a.slice(0, i)] = a.slice(i + 1);
  }
  return out;
}

/** cosign's stdout after a verification: the verified payloads as one JSON array (Go's marshalling). */
export function verifiedJson(verified: VerifyResult['verified']): string {
  return '[' + verified.map((v) => {
    const c = v.payload.critical;
    const critical = `{"identity":${goJson({ 'docker-reference': c.identity['docker-reference'] })},"image":${goJson({ 'docker-manifest-digest': c.image['docker-manifest-digest'] })},"type":${goJson(c.type)}}`;
    return `{"critical":${critical},"optional":${v.payload.optional ? goJson(v.payload.optional) : 'null'}}`;
  }).join(',') + ']';
}
