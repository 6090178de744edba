/**
 * containers-policy.json (man 5 containers-policy.json): the format Podman, skopeo and CRI-O read,
 * parsed as strictly as containers/image's signature/policy_config.go does — an unknown key, an
 * unknown type or a missing field rejects the whole file, since a typo in a security policy must not
 * silently loosen it. Key material named by the file (keyData, keyDatas) is decoded here, once per
 * version of the file; keyPath/keyPaths are read (and cached) when a rule first needs them.
 */
import type { KeyObject } from 'node:crypto';
import { InvalidArgumentError } from '../common/errors.js';
import { parseNormalizedNamed } from '../image/reference.js';
import { publicKeysFromPem } from './keys.js';
import { validateDockerScope } from './scopes.js';

/** signedIdentity: how a signature's claimed reference must relate to the image's. */
export type ReferenceMatch =
  | { type: 'matchExact' }
  | { type: 'matchRepoDigestOrExact' }
  | { type: 'matchRepository' }
  | { type: 'exactReference'; dockerReference: string }
  | { type: 'exactRepository'; dockerRepository: string }
  | { type: 'remapIdentity'; prefix: string; signedPrefix: string };

/** Where a sigstoreSigned rule's public keys come from. */
export type KeySource = { kind: 'paths'; paths: string[] } | { kind: 'data'; keys: KeyObject[] };

export type Requirement =
  | { type: 'insecureAcceptAnything' }
  | { type: 'reject' }
  /** GPG simple signing: parsed and validated, refused at evaluation (berth has no GPG signature store) */
  | { type: 'signedBy'; keyType: string; signedIdentity: ReferenceMatch }
  /** containers/image itself never implemented it: always refused */
  | { type: 'signedBaseLayer' }
  | {
    type: 'sigstoreSigned'; signedIdentity: ReferenceMatch;
    /** absent when the rule uses fulcio or pki (keyless): refused with `unsupported` */
    keys?: KeySource;
    /** why berth cannot evaluate this rule (fulcio, pki, rekor): it then refuses every image it covers */
    unsupported?: string;
  };

export interface Policy {
  default: Requirement[];
  /** transport name → scope → requirements; only `docker` is consulted by berth */
  transports: Record<string, Record<string, Requirement[]>>;
}

/** A policy file that is not a valid containers-policy.json. */
export class PolicyFormatError extends InvalidArgumentError {
  constructor(message: string, code: 'ERR_POLICY_INVALID' | 'ERR_POLICY_SCOPE' = 'ERR_POLICY_INVALID') { super(message, code); }
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function object(v: unknown, what: string): Obj {
  if (!isObject(v)) throw new PolicyFormatError(`${what} must be a JSON object`);
  return v;
}

/** Refuse keys other than `allowed` (containers/image's ParanoidUnmarshalJSONObject). */
function onlyKeys(o: Obj, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new PolicyFormatError(`Unknown key "${k}" in ${what}`);
}

function str(o: Obj, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new PolicyFormatError(`${what}: "${key}" must be a string`);
  return v;
}

function strList(o: Obj, key: string, what: string): string[] {
  const v = o[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new PolicyFormatError(`${what}: "${key}" must be a list of strings`);
  return v as string[];
}

/** keyData/keyDatas are []byte in Go: base64 in JSON. */
function base64Bytes(v: unknown, what: string): Buffer {
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v.replace(/\s/g, ''))) throw new PolicyFormatError(`${what} must be base64 (of a PEM public key)`);
  return Buffer.from(v, 'base64');
}

function keysOf(pem: Buffer, what: string): KeyObject[] {
  try { return publicKeysFromPem(pem); } catch (e) { throw new PolicyFormatError(`${what}: ${(e as Error).message}`); }
}

function parseReferenceMatch(v: unknown, what: string): ReferenceMatch {
  const o = object(v, `${what} signedIdentity`);
  const type = o.type;
  const where = `${what} signedIdentity`;
  switch (type) {
    case 'matchExact': case 'matchRepoDigestOrExact': case 'matchRepository':
      onlyKeys(o, ['type'], `${where} ${type}`);
      return { type };
    case 'exactReference': {
      onlyKeys(o, ['type', 'dockerReference'], `${where} exactReference`);
      const ref = str(o, 'dockerReference', `${where} exactReference`);
      let parsed;
      try { parsed = parseNormalizedNamed(ref); } catch (e) { throw new PolicyFormatError(`Invalid format of dockerReference "${ref}": ${(e as Error).message}`); }
      if (!parsed.tag && !parsed.digest) throw new PolicyFormatError(`dockerReference "${ref}" contains neither a tag nor digest`);
      return { type, dockerReference: ref };
    }
    case 'exactRepository': {
      onlyKeys(o, ['type', 'dockerRepository'], `${where} exactRepository`);
      const repo = str(o, 'dockerRepository', `${where} exactRepository`);
      try { parseNormalizedNamed(repo); } catch (e) { throw new PolicyFormatError(`Invalid format of dockerRepository "${repo}": ${(e as Error).message}`); }
      return { type, dockerRepository: repo };
    }
    case 'remapIdentity': {
      onlyKeys(o, ['type', 'prefix', 'signedPrefix'], `${where} remapIdentity`);
      const prefix = str(o, 'prefix', `${where} remapIdentity`);
      const signedPrefix = str(o, 'signedPrefix', `${where} remapIdentity`);
      for (const p of [prefix, signedPrefix]) if (!validRemapPrefix(p)) throw new PolicyFormatError(`prefix "${p}" is not valid`);
      return { type, prefix, signedPrefix };
    }
    default:
      throw new PolicyFormatError(`Unknown policy reference match type ${JSON.stringify(type)}`);
  }
}

// reference grammar pieces (distribution/reference), for remapIdentity's prefixes
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const REMAP_DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const REMAP_NAME_RE = new RegExp(`^${DOMAIN}/${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);

/** A host, or host/namespace[/repo] (containers/image's validateIdentityRemappingPrefix). */
function validRemapPrefix(s: string): boolean {
  return REMAP_DOMAIN_RE.test(s) || REMAP_NAME_RE.test(s);
}

const SIGSTORE_KEYS = ['type', 'keyPath', 'keyPaths', 'keyData', 'keyDatas', 'fulcio', 'pki',
  'rekorPublicKeyPath', 'rekorPublicKeyPaths', 'rekorPublicKeyData', 'rekorPublicKeyDatas', 'signedIdentity'] as const;

function parseSigstoreSigned(o: Obj, what: string): Requirement {
  onlyKeys(o, SIGSTORE_KEYS, `${what} sigstoreSigned`);
  const has = (k: string) => Object.hasOwn(o, k);
  const sources = ['keyPath', 'keyPaths', 'keyData', 'keyDatas', 'fulcio', 'pki'].filter(has);
  if (sources.length !== 1) throw new PolicyFormatError(`${what}: exactly one of keyPath, keyPaths, keyData, keyDatas, fulcio, and pki must be specified`);
  const rekor = ['rekorPublicKeyPath', 'rekorPublicKeyPaths', 'rekorPublicKeyData', 'rekorPublicKeyDatas'].filter(has);
  if (rekor.length > 1) throw new PolicyFormatError(`${what}: at most one of rekorPublicKeyPath, rekorPublicKeyPaths, rekorPublicKeyData and rekorPublicKeyDatas can be used simultaneously`);
  if (has('fulcio') && rekor.length === 0) throw new PolicyFormatError(`${what}: at least one of rekorPublicKeyPath, rekorPublicKeyPaths, rekorPublicKeyData and rekorPublicKeyDatas must be specified if fulcio is used`);
  if (has('pki') && rekor.length > 0) throw new PolicyFormatError(`${what}: rekorPublicKeyPath, rekorPublicKeyPaths, rekorPublicKeyData and rekorPublicKeyDatas are not supported for pki`);
  const signedIdentity: ReferenceMatch = has('signedIdentity') ? parseReferenceMatch(o.signedIdentity, what) : { type: 'matchRepoDigestOrExact' };
  const where = `${what} sigstoreSigned`;
  const source = sources[0]!;
  if (source === 'fulcio' || source === 'pki') {
    object(o[source], `${where} ${source}`);
    return { type: 'sigstoreSigned', signedIdentity, unsupported: `sigstoreSigned with ${source} (keyless) is not supported by berth: use keyPath, keyPaths, keyData or keyDatas` };
  }
  let keys: KeySource;
  switch (source) {
    case 'keyPath': {
      const p = str(o, 'keyPath', where);
      if (!p) throw new PolicyFormatError(`${where}: "keyPath" is empty`);
      keys = { kind: 'paths', paths: [p] };
      break;
    }
    case 'keyPaths': {
      const ps = strList(o, 'keyPaths', where);
      if (ps.length === 0) throw new PolicyFormatError(`${where}: "keyPaths" contains no entries`);
      keys = { kind: 'paths', paths: ps };
      break;
    }
    case 'keyData':
      keys = { kind: 'data', keys: keysOf(base64Bytes(o.keyData, `${where} keyData`), `${where} keyData`) };
      break;
    default: {
      const list = o.keyDatas;
      if (!Array.isArray(list)) throw new PolicyFormatError(`${where}: "keyDatas" must be a list of base64 strings`);
      if (list.length === 0) throw new PolicyFormatError(`${where}: "keyDatas" contains no entries`);
      keys = { kind: 'data', keys: list.flatMap((d, i) => keysOf(base64Bytes(d, `${where} keyDatas[${i}]`), `${where} keyDatas[${i}]`)) };
    }
  }
  const req: Requirement = { type: 'sigstoreSigned', signedIdentity, keys };
  // a Rekor SET would be checkable offline, but berth does not implement its verification: refusing is the safe answer
  if (rekor.length) req.unsupported = `sigstoreSigned with ${rekor[0]} (Rekor SET verification) is not supported by berth`;
  return req;
}

const SIGNED_BY_KEY_TYPES = ['GPGKeys', 'signedByGPGKeys', 'X509Certificates', 'signedByX509CAs'];

function parseRequirement(v: unknown, what: string): Requirement {
  const o = object(v, what);
  const type = o.type;
  switch (type) {
    case 'insecureAcceptAnything': case 'reject':
      onlyKeys(o, ['type'], `${what} ${type}`);
      return { type };
    case 'signedBy': {
      onlyKeys(o, ['type', 'keyType', 'keyPath', 'keyPaths', 'keyData', 'signedIdentity'], `${what} signedBy`);
      const keyType = str(o, 'keyType', `${what} signedBy`);
      if (!SIGNED_BY_KEY_TYPES.includes(keyType)) throw new PolicyFormatError(`Unrecognized keyType value "${keyType}"`);
      const n = ['keyPath', 'keyPaths', 'keyData'].filter((k) => Object.hasOwn(o, k)).length;
      if (n === 0) throw new PolicyFormatError('Exactly one of keyPath, keyPaths and keyData must be specified, none of them present');
      if (n > 1) throw new PolicyFormatError('Exactly one of keyPath, keyPaths and keyData must be specified, more than one present');
      const signedIdentity: ReferenceMatch = Object.hasOwn(o, 'signedIdentity') ? parseReferenceMatch(o.signedIdentity, what) : { type: 'matchRepoDigestOrExact' };
      return { type, keyType, signedIdentity };
    }
    case 'signedBaseLayer': {
      onlyKeys(o, ['type', 'baseLayerIdentity'], `${what} signedBaseLayer`);
      parseReferenceMatch(o.baseLayerIdentity, what);
      return { type };
    }
    case 'sigstoreSigned':
      return parseSigstoreSigned(o, what);
    default:
      throw new PolicyFormatError(`Unknown policy requirement type ${JSON.stringify(type ?? '')}`);
  }
}

function parseRequirements(v: unknown, what: string): Requirement[] {
  if (!Array.isArray(v)) throw new PolicyFormatError(`${what} must be a list of policy requirements`);
  if (v.length === 0) throw new PolicyFormatError(`${what}: List of verification policy requirements must not be empty`);
  return v.map((r, i) => parseRequirement(r, `${what}[${i}]`));
}

/** Parse and validate a policy document; throws PolicyFormatError (ERR_POLICY_INVALID, ERR_POLICY_SCOPE). */
export function parsePolicy(text: string): Policy {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (e) { throw new PolicyFormatError(`not valid JSON: ${(e as Error).message}`); }
  const top = object(doc, 'the policy');
  onlyKeys(top, ['default', 'transports'], 'the policy');
  if (!Object.hasOwn(top, 'default')) throw new PolicyFormatError('Default policy is missing');
  const policy: Policy = { default: parseRequirements(top.default, '"default"'), transports: {} };
  if (Object.hasOwn(top, 'transports')) {
    for (const [transport, scopesV] of Object.entries(object(top.transports, '"transports"'))) {
      const scopes = object(scopesV, `transports.${transport}`);
      const out: Record<string, Requirement[]> = {};
      for (const [scope, reqs] of Object.entries(scopes)) {
        if (transport === 'docker' && scope !== '') validateDockerScope(scope);
        out[scope] = parseRequirements(reqs, `transports.${transport}[${JSON.stringify(scope)}]`);
      }
      policy.transports[transport] = out;
    }
  }
  return policy;
}
