/**
 * signedIdentity: does the reference a signature claims (its payload's docker-reference) fit the image
 * being admitted? containers/image's policy_reference_match.go, rule for rule.
 */
import { parseNormalizedNamed, type ParsedReference } from '../image/reference.js';
import type { ReferenceMatch } from './policy-file.js';

const nameOf = (r: ParsedReference) => `${r.domain}/${r.path}`;
const isNameOnly = (r: ParsedReference) => r.tag === undefined && r.digest === undefined;
const stringOf = (r: ParsedReference) => nameOf(r) + (r.tag !== undefined ? `:${r.tag}` : '') + (r.digest !== undefined ? `@${r.digest}` : '');

function parse(s: string): ParsedReference | undefined {
  try { return parseNormalizedNamed(s); } catch { return undefined; }
}

function repoDigestOrExact(intended: ParsedReference, signature: ParsedReference): boolean {
  if (isNameOnly(signature)) return false;
  if (intended.tag !== undefined) return stringOf(signature) === stringOf(intended);
  // a digest reference: the digest itself is checked against the signature's docker-manifest-digest
  if (intended.digest !== undefined) return nameOf(signature) === nameOf(intended);
  return false;
}

/** Rewrite `prefix` (a host or host/path at a component boundary) of the intended reference to `signedPrefix`. */
function remap(ref: ParsedReference, prefix: string, signedPrefix: string): ParsedReference | undefined {
  const name = nameOf(ref);
  const matches = name === prefix || (name.startsWith(prefix) && name[prefix.length] === '/');
  if (!matches) return ref;
  return parse(stringOf(ref).replace(prefix, signedPrefix));
}

/** `intended` undefined: the image has no name, and no identity rule can match it. */
export function identityMatches(rule: ReferenceMatch, intended: ParsedReference | undefined, signatureReference: string): boolean {
  const signature = parse(signatureReference);
  if (!signature) return false;
  switch (rule.type) {
    case 'exactReference': {
      const want = parse(rule.dockerReference);
      return !!want && !isNameOnly(want) && !isNameOnly(signature) && stringOf(signature) === stringOf(want);
    }
    case 'exactRepository': {
      const want = parse(rule.dockerRepository);
      return !!want && nameOf(signature) === nameOf(want);
    }
    default: break;
  }
  if (!intended) return false;
  switch (rule.type) {
    case 'matchExact':
      return !isNameOnly(intended) && !isNameOnly(signature) && stringOf(signature) === stringOf(intended);
    case 'matchRepoDigestOrExact':
      return repoDigestOrExact(intended, signature);
    case 'matchRepository':
      return nameOf(signature) === nameOf(intended);
    case 'remapIdentity': {
      const remapped = remap(intended, rule.prefix, rule.signedPrefix);
      return !!remapped && repoDigestOrExact(remapped, signature);
    }
  }
}
