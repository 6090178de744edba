/**
 * Image references with the grammar and normalisation of Docker's
 * distribution/reference: `busybox` is `docker.io/library/busybox`, a missing
 * tag means `latest`, a digest wins over a tag.
 */
import { InvalidArgumentError } from '../common/errors.js';

/** Error kinds named as distribution/reference and go-digest name them. */
export type ReferenceErrorKind =
  | 'ErrNameEmpty' | 'ErrReferenceInvalidFormat' | 'ErrNameContainsUppercase' | 'ErrNameTooLong'
  | 'ErrNameNotCanonical' | 'digest.ErrDigestInvalidLength' | 'digest.ErrDigestUnsupported'
  | 'digest.ErrDigestInvalidFormat';

const MESSAGES: Record<ReferenceErrorKind, string> = {
  ErrNameEmpty: 'repository name must have at least one component',
  ErrReferenceInvalidFormat: 'invalid reference format',
  ErrNameContainsUppercase: 'repository name must be lowercase',
  ErrNameTooLong: 'repository name must not be more than 255 characters',
  ErrNameNotCanonical: 'repository name must be canonical',
  'digest.ErrDigestInvalidLength': 'invalid checksum digest length',
  'digest.ErrDigestUnsupported': 'unsupported digest algorithm',
  'digest.ErrDigestInvalidFormat': 'invalid checksum digest format',
};

export class ReferenceError extends InvalidArgumentError {
  constructor(readonly kind: ReferenceErrorKind, message = MESSAGES[kind]) {
    super(message, 'ERR_INVALID_REFERENCE');
  }
}

// --- grammar (distribution/reference regexp.go, written out as data) ---
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const host = `(?:${domainName}|${ipv6address})`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const tagPat = '[\\w][\\w.-]{0,127}';
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const namePat = `(?:${domainAndPort}/)?${remoteName}`;

const REFERENCE_RE = new RegExp(`^(${namePat})(?::(${tagPat}))?(?:@(${digestPat}))?$`);
const ANCHORED_NAME_RE = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;
const NAME_TOTAL_LENGTH_MAX = 255;

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';

/** A normalised named reference: domain + path (+ tag/digest). */
export interface ParsedReference { domain: string; path: string; tag?: string; digest?: string }

/** Raw result of the grammar, not normalised. */
export interface RawReference { repository: string; domain?: string; tag?: string; digest?: string }

/** go-digest's validation of `algorithm:hex` (only sha256 is available, as in Docker's build). */
function validateDigest(d: string): void {
  const i = d.indexOf(':');
  if (i <= 0 || i + 1 === d.length) throw new ReferenceError('digest.ErrDigestInvalidFormat');
  const alg = d.slice(0, i);
  const hex = d.slice(i + 1);
  if (alg !== 'sha256') {
    if (!new RegExp(`^${digestPat}$`).test(d)) throw new ReferenceError('digest.ErrDigestInvalidFormat');
    throw new ReferenceError('digest.ErrDigestUnsupported');
  }
  if (hex.length !== 64) throw new ReferenceError('digest.ErrDigestInvalidLength');
  if (!/^[a-f0-9]{64}$/.test(hex)) throw new ReferenceError('digest.ErrDigestInvalidFormat');
}

/** distribution/reference Parse: the raw grammar. */
export function parseReference(s: string): RawReference {
  const m = REFERENCE_RE.exec(s);
  if (!m) {
    if (s === '') throw new ReferenceError('ErrNameEmpty');
    if (REFERENCE_RE.test(s.toLowerCase())) throw new ReferenceError('ErrNameContainsUppercase');
    throw new ReferenceError('ErrReferenceInvalidFormat');
  }
  const name = m[1];
  const out: RawReference = { repository: name };
  const nm = ANCHORED_NAME_RE.exec(name);
  if (nm && nm[1]) out.domain = nm[1];
  // the limit applies to the path (remote name), not to the registry host
  const path = nm?.[2] ?? name;
  if (path.length > NAME_TOTAL_LENGTH_MAX) throw new ReferenceError('ErrNameTooLong');
  if (m[2] !== undefined) out.tag = m[2];
  if (m[3] !== undefined) {
    validateDigest(m[3]);
    out.digest = m[3];
  }
  return out;
}

/** Split off the registry part the way Docker guesses it (splitDockerDomain). */
function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const i = name.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = i === -1 ? '' : name.slice(0, i);
  if (i === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(i + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return { domain, remainder };
}

/** ParseNormalizedNamed: `busybox` -> docker.io/library/busybox. */
export function parseNormalizedNamed(s: string): ParsedReference {
  if (IDENTIFIER_RE.test(s)) {
    throw new ReferenceError('ErrReferenceInvalidFormat', `invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain, remainder } = splitDockerDomain(s);
  const tagSep = remainder.indexOf(':');
  const remote = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remote.toLowerCase() !== remote) {
    throw new ReferenceError('ErrNameContainsUppercase', `invalid reference format: repository name (${remote}) must be lowercase`);
  }
  const raw = parseReference(`${domain}/${remainder}`);
  const nm = ANCHORED_NAME_RE.exec(raw.repository);
  const out: ParsedReference = { domain: nm?.[1] ?? '', path: nm?.[2] ?? raw.repository };
  if (raw.tag !== undefined) out.tag = raw.tag;
  if (raw.digest !== undefined) out.digest = raw.digest;
  return out;
}

/** ParseDockerRef: normalise, default tag `latest` unless a digest is given; a digest drops the tag. */
export function parseDockerRef(s: string): ParsedReference {
  const r = parseNormalizedNamed(s);
  if (r.digest) return { domain: r.domain, path: r.path, digest: r.digest };
  return { domain: r.domain, path: r.path, tag: r.tag ?? DEFAULT_TAG };
}

/** 'docker.io/library/busybox:latest' (tag defaulted unless digest). */
export function normalizeImageRef(s: string): string {
  return referenceString(parseDockerRef(s));
}

/** Full name without tag/digest: docker.io/library/busybox. */
export function fullName(ref: ParsedReference): string {
  return ref.domain ? `${ref.domain}/${ref.path}` : ref.path;
}

/** Full string: name[:tag][@digest]. */
export function referenceString(ref: ParsedReference): string {
  return fullName(ref) + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
}

/** 'busybox', 'quay.io/x/y', 'library/foo/bar' */
export function familiarName(ref: ParsedReference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return fullName(ref);
  if (ref.path.startsWith(OFFICIAL_REPO_PREFIX)) {
    const rest = ref.path.slice(OFFICIAL_REPO_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  return ref.path;
}

/** 'busybox:latest', 'busybox@sha256:…' */
export function familiarString(ref: ParsedReference): string {
  return familiarName(ref) + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
}

/**
 * ParseAnyReference: a 64-hex ID or `sha256:<hex>` is a digest reference (an image ID);
 * anything else is a normalised name.
 */
export function parseAnyReference(s: string): { id: string } | { named: ParsedReference } {
  if (IDENTIFIER_RE.test(s)) return { id: `sha256:${s}` };
  if (/^sha256:/.test(s)) {
    try { validateDigest(s); return { id: s }; } catch { /* fall through: a name like sha256:abc (tag abc) */ }
  }
  return { named: parseNormalizedNamed(s) };
}
