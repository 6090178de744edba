/**
 * containers-policy.json without a daemon: the parser (every requirement and identity type, the errors
 * of broken files), the scope precedence, the identity rules and the evaluation of sigstoreSigned with
 * real P-256 signatures made here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy, PolicyFormatError } from '../../src/policy/policy-file.js';
import { policyNamespaces, requirementsFor } from '../../src/policy/scopes.js';
import { identityMatches } from '../../src/policy/identity.js';
import { evaluatePolicy } from '../../src/policy/evaluate.js';
import { KeyFileCache } from '../../src/policy/keys.js';
import { PolicyAdmission } from '../../src/policy/policy-admission.js';
import { PolicyDeniedError } from '../../src/sign/admission.js';
import { parseNormalizedNamed } from '../../src/image/reference.js';
import { DIGEST_A, DIGEST_B, newKey, payloadFor, signatureFor, signPayload } from './helpers.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const ref = (s: string) => parseNormalizedNamed(s);

function bad(text: string, code: string, re: RegExp): void {
  assert.throws(() => parsePolicy(text), (e: unknown) => {
    assert.ok(e instanceof PolicyFormatError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, re);
    return true;
  });
}

test('every requirement type parses; defaults as containers/image (signedIdentity matchRepoDigestOrExact)', () => {
  const key = newKey();
  const p = parsePolicy(JSON.stringify({
    default: [{ type: 'reject' }],
    transports: {
      docker: {
        'docker.io/library/busybox': [{ type: 'insecureAcceptAnything' }],
        'registry.example.com': [{ type: 'sigstoreSigned', keyPath: '/etc/keys/a.pub' }],
        'registry.example.com/ns': [{ type: 'sigstoreSigned', keyPaths: ['/a.pub', '/b.pub'], signedIdentity: { type: 'matchRepository' } }],
        'registry.example.com/ns/app:1': [{ type: 'sigstoreSigned', keyData: b64(key.pem), signedIdentity: { type: 'matchExact' } }],
        'registry.example.com/ns/app2': [{ type: 'sigstoreSigned', keyDatas: [b64(key.pem)], signedIdentity: { type: 'exactReference', dockerReference: 'quay.io/a/b:1' } }],
        'registry.example.com/ns/app3': [{ type: 'sigstoreSigned', keyData: b64(key.pem), signedIdentity: { type: 'exactRepository', dockerRepository: 'quay.io/a/b' } }],
        'registry.example.com/ns/app4': [{ type: 'sigstoreSigned', keyData: b64(key.pem), signedIdentity: { type: 'remapIdentity', prefix: 'registry.example.com/ns', signedPrefix: 'quay.io/upstream' } }],
        'mirror.example.com': [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: '/etc/pki/key.gpg' }],
        'base.example.com': [{ type: 'signedBaseLayer', baseLayerIdentity: { type: 'matchRepository' } }],
        'keyless.example.com': [{ type: 'sigstoreSigned', fulcio: { caPath: '/ca.pem', oidcIssuer: 'https://x', subjectEmail: 'a@b' }, rekorPublicKeyPath: '/rekor.pub' }],
        '*.example.org': [{ type: 'reject' }],
        '': [{ type: 'insecureAcceptAnything' }],
      },
      'docker-daemon': { '': [{ type: 'insecureAcceptAnything' }] },
    },
  }));
  assert.deepEqual(p.default, [{ type: 'reject' }]);
  const d = p.transports.docker!;
  assert.deepEqual(d['registry.example.com'], [{ type: 'sigstoreSigned', signedIdentity: { type: 'matchRepoDigestOrExact' }, keys: { kind: 'paths', paths: ['/etc/keys/a.pub'] } }]);
  const app = d['registry.example.com/ns/app:1']![0]!;
  assert.equal(app.type, 'sigstoreSigned');
  assert.ok(app.type === 'sigstoreSigned' && app.keys?.kind === 'data' && app.keys.keys.length === 1);
  const keyless = d['keyless.example.com']![0]!;
  assert.ok(keyless.type === 'sigstoreSigned' && /fulcio \(keyless\) is not supported by berth/.test(keyless.unsupported ?? ''));
  assert.deepEqual(d['mirror.example.com'], [{ type: 'signedBy', keyType: 'GPGKeys', signedIdentity: { type: 'matchRepoDigestOrExact' } }]);
});

test('broken files are refused with a reason and a code', () => {
  bad('{"default": [', 'ERR_POLICY_INVALID', /not valid JSON/);
  bad('{}', 'ERR_POLICY_INVALID', /Default policy is missing/);
  bad('{"default": []}', 'ERR_POLICY_INVALID', /must not be empty/);
  bad('{"default": [{"type": "acceptEverything"}]}', 'ERR_POLICY_INVALID', /Unknown policy requirement type "acceptEverything"/);
  bad('{"default": [{"type": "reject", "keyPath": "/x"}]}', 'ERR_POLICY_INVALID', /Unknown key "keyPath"/);
  bad('{"default": [{"type": "reject"}], "transport": {}}', 'ERR_POLICY_INVALID', /Unknown key "transport"/);
  bad('{"default": [{"type": "sigstoreSigned"}]}', 'ERR_POLICY_INVALID', /exactly one of keyPath, keyPaths, keyData, keyDatas, fulcio, and pki/);
  bad('{"default": [{"type": "sigstoreSigned", "keyPath": "/a", "keyData": "eA=="}]}', 'ERR_POLICY_INVALID', /exactly one of/);
  bad('{"default": [{"type": "sigstoreSigned", "keyData": "bm90IGEga2V5"}]}', 'ERR_POLICY_INVALID', /no PEM public key/);
  bad('{"default": [{"type": "sigstoreSigned", "keyPaths": []}]}', 'ERR_POLICY_INVALID', /contains no entries/);
  bad('{"default": [{"type": "sigstoreSigned", "keyPath": "/a", "signedIdentity": {"type": "matchEverything"}}]}', 'ERR_POLICY_INVALID', /Unknown policy reference match type "matchEverything"/);
  bad('{"default": [{"type": "sigstoreSigned", "keyPath": "/a", "signedIdentity": {"type": "exactReference", "dockerReference": "quay.io/a/b"}}]}', 'ERR_POLICY_INVALID', /contains neither a tag nor digest/);
  bad('{"default": [{"type": "sigstoreSigned", "keyPath": "/a", "signedIdentity": {"type": "remapIdentity", "prefix": "not a prefix", "signedPrefix": "quay.io"}}]}', 'ERR_POLICY_INVALID', /prefix "not a prefix" is not valid/);
  bad('{"default": [{"type": "sigstoreSigned", "fulcio": {}}]}', 'ERR_POLICY_INVALID', /rekorPublicKey.* must be specified if fulcio is used/);
  bad('{"default": [{"type": "signedBy", "keyType": "PGP", "keyPath": "/k"}]}', 'ERR_POLICY_INVALID', /Unrecognized keyType value "PGP"/);
  bad('{"default": [{"type": "signedBy", "keyType": "GPGKeys"}]}', 'ERR_POLICY_INVALID', /none of them present/);
  // scopes that could never match
  for (const scope of ['*', '*.example.com/ns', 'https://quay.io/ns', 'Quay.io/NS/app', 'docker.io/busybox:1', 'index.docker.io/library/busybox', 'quay.io/a:1@sha256:' + 'a'.repeat(64)]) {
    bad(JSON.stringify({ default: [{ type: 'reject' }], transports: { docker: { [scope]: [{ type: 'reject' }] } } }), 'ERR_POLICY_SCOPE', /invalid scope/);
  }
});

test('scopes: the most specific match wins, then the transport default, then "default"', () => {
  const r = (n: number) => [{ type: 'reject' as const }, { type: 'reject' as const }].slice(0, n);
  const p = parsePolicy(JSON.stringify({
    default: [{ type: 'insecureAcceptAnything' }],
    transports: { docker: {
      'quay.io/ns/app:1': r(1), 'quay.io/ns/app': r(1), 'quay.io/ns': r(1), 'quay.io': r(1), '*.io': r(1),
      'localhost:5000': r(1), '*.b.example.com': r(1), '*.example.com': r(1),
      [`quay.io/ns/app@${DIGEST_A}`]: r(1),
    } },
  }));
  const where = (s: string) => requirementsFor(p, ref(s)).where;
  assert.equal(where('quay.io/ns/app:1'), 'transports.docker["quay.io/ns/app:1"]');
  assert.equal(where('quay.io/ns/app:2'), 'transports.docker["quay.io/ns/app"]');
  assert.equal(where(`quay.io/ns/app@${DIGEST_A}`), `transports.docker["quay.io/ns/app@${DIGEST_A}"]`);
  assert.equal(where('quay.io/ns/other'), 'transports.docker["quay.io/ns"]');
  assert.equal(where('quay.io/x/y'), 'transports.docker["quay.io"]');
  assert.equal(where('ghcr.io/x/y'), 'transports.docker["*.io"]');
  assert.equal(where('localhost:5000/app'), 'transports.docker["localhost:5000"]');
  assert.equal(where('a.b.example.com/app'), 'transports.docker["*.b.example.com"]');
  assert.equal(where('c.example.com/app'), 'transports.docker["*.example.com"]');
  assert.equal(where('busybox'), 'transports.docker["*.io"]', 'docker.io/library/busybox is under *.io');
  assert.equal(where('example.net/x'), '"default"');
  assert.equal(requirementsFor(p, undefined).where, '"default"');
  assert.deepEqual(policyNamespaces(ref('a.b.example.com:5000/ns/app')), ['a.b.example.com:5000/ns/app', 'a.b.example.com:5000/ns', 'a.b.example.com:5000', '*.b.example.com', '*.example.com', '*.com']);
  const withEmpty = parsePolicy(JSON.stringify({ default: [{ type: 'reject' }], transports: { docker: { '': [{ type: 'insecureAcceptAnything' }] } } }));
  assert.equal(requirementsFor(withEmpty, ref('busybox')).where, 'transports.docker[""]');
});

test('signedIdentity rules (policy_reference_match.go)', () => {
  const tagged = ref('quay.io/ns/app:1');
  const digested = ref(`quay.io/ns/app@${DIGEST_A}`);
  const m = (type: string, extra: object = {}) => ({ type, ...extra }) as any;
  assert.equal(identityMatches(m('matchRepoDigestOrExact'), tagged, 'quay.io/ns/app:1'), true);
  assert.equal(identityMatches(m('matchRepoDigestOrExact'), tagged, 'quay.io/ns/app:2'), false);
  assert.equal(identityMatches(m('matchRepoDigestOrExact'), digested, 'quay.io/ns/app:anything'), true);
  assert.equal(identityMatches(m('matchRepoDigestOrExact'), digested, 'quay.io/ns/other:1'), false);
  assert.equal(identityMatches(m('matchRepoDigestOrExact'), tagged, 'quay.io/ns/app'), false);
  assert.equal(identityMatches(m('matchExact'), tagged, 'quay.io/ns/app:1'), true);
  assert.equal(identityMatches(m('matchExact'), digested, 'quay.io/ns/app:1'), false);
  assert.equal(identityMatches(m('matchRepository'), tagged, 'quay.io/ns/app:9'), true);
  assert.equal(identityMatches(m('matchRepository'), tagged, 'quay.io/ns/app2:1'), false);
  assert.equal(identityMatches(m('exactReference', { dockerReference: 'docker.io/library/busybox:1' }), tagged, 'busybox:1'), true);
  assert.equal(identityMatches(m('exactReference', { dockerReference: 'busybox:1' }), tagged, 'busybox:2'), false);
  assert.equal(identityMatches(m('exactRepository', { dockerRepository: 'quay.io/up/app' }), tagged, 'quay.io/up/app:7'), true);
  const remap = m('remapIdentity', { prefix: 'mirror.local/quay', signedPrefix: 'quay.io' });
  assert.equal(identityMatches(remap, ref('mirror.local/quay/ns/app:1'), 'quay.io/ns/app:1'), true);
  assert.equal(identityMatches(remap, ref('mirror.local/quayx/ns/app:1'), 'quay.io/ns/app:1'), false);
  assert.equal(identityMatches(remap, ref('quay.io/ns/app:1'), 'quay.io/ns/app:1'), true, 'a reference outside the prefix is matched as is');
  assert.equal(identityMatches(m('matchRepository'), undefined, 'quay.io/ns/app:1'), false, 'an image with no name');
  assert.equal(identityMatches(m('matchRepository'), tagged, 'Not A Reference'), false);
});

test('sigstoreSigned: a signature that verifies, signs this digest and names the image is needed', async () => {
  const key = newKey();
  const other = newKey();
  const dir = mkdtempSync('/tmp/berth-policy-unit-');
  try {
    const keyPath = join(dir, 'cosign.pub');
    writeFileSync(keyPath, key.pem);
    const policy = parsePolicy(JSON.stringify({ default: [{ type: 'sigstoreSigned', keyPath }] }));
    const keys = new KeyFileCache();
    const image = (sigs: ReturnType<typeof signatureFor>[], digest = DIGEST_A, name = 'localhost:5000/app:1') => ({ ref: ref(name), manifestDigest: digest, signatures: async () => sigs });
    const good = signatureFor(key, 'localhost:5000/app:1', DIGEST_A);
    assert.deepEqual(await evaluatePolicy(policy, image([good]), keys), { allowed: true, where: '"default"' });
    const reasonOf = async (sigs: ReturnType<typeof signatureFor>[], digest?: string, name?: string) => {
      const v = await evaluatePolicy(policy, image(sigs, digest, name), keys);
      assert.equal(v.allowed, false);
      return v.allowed ? '' : v.reason;
    };
    assert.equal(await reasonOf([]), 'A signature was required, but no signature exists');
    assert.match(await reasonOf([signatureFor(other, 'localhost:5000/app:1', DIGEST_A)]), /^cryptographic signature verification failed/);
    assert.equal(await reasonOf([signatureFor(key, 'localhost:5000/app:1', DIGEST_B)]), `Signature for digest ${DIGEST_B} does not match`);
    assert.equal(await reasonOf([signatureFor(key, 'localhost:5000/evil:1', DIGEST_A)]), 'Signature for identity "localhost:5000/evil:1" is not accepted');
    // a signature swapped onto another payload
    const swapped = { ...signPayload(key, payloadFor('localhost:5000/app:1', DIGEST_B)), payload: payloadFor('localhost:5000/app:1', DIGEST_A) };
    assert.match(await reasonOf([swapped]), /cryptographic signature verification failed/);
    assert.match(await reasonOf([swapped, signatureFor(key, 'localhost:5000/app:1', DIGEST_B)]), /^None of the signatures were accepted, reasons: cryptographic.*; Signature for digest/);
    // one good signature among bad ones is enough
    assert.equal((await evaluatePolicy(policy, image([swapped, good]), keys)).allowed, true);
    // the key file changes: the cache reads it again
    writeFileSync(keyPath, other.pem + '\n');
    assert.match(await reasonOf([good]), /cryptographic signature verification failed/);
    rmSync(keyPath);
    assert.match(await reasonOf([good]), /reading public key .*cosign\.pub: no such file/);

    // every requirement of a scope must pass
    const both = parsePolicy(JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }, { type: 'reject' }] }));
    const v = await evaluatePolicy(both, image([good]), keys);
    assert.deepEqual(v, { allowed: false, reason: 'Running image docker://localhost:5000/app:1 is rejected by policy.', where: '"default"', rule: '"default"[1] reject' });
    const gpg = parsePolicy(JSON.stringify({ default: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: '/k.gpg' }] }));
    assert.match((await evaluatePolicy(gpg, image([good]), keys) as { reason: string }).reason, /signedBy .* is not supported by berth/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('PolicyAdmission: fail closed on a broken file, re-read on change, refusal names the rule', async () => {
  const dir = mkdtempSync('/tmp/berth-policy-unit-');
  try {
    const path = join(dir, 'policy.json');
    const admission = new PolicyAdmission(path);
    const req = { phase: 'create' as const, reference: 'docker.io/library/busybox:latest', manifestDigest: DIGEST_A, signatures: async () => [] };
    assert.deepEqual(admission.describe(), { path, ok: false, error: 'no such file' });
    await assert.rejects(admission.admit(req), (e: unknown) => e instanceof PolicyDeniedError && /the signature policy .* is invalid: no such file/.test(e.message) && e.status === 403 && e.exitCode === 125);
    writeFileSync(path, JSON.stringify({ default: [{ type: 'reject' }], transports: { docker: { 'docker.io/library/busybox': [{ type: 'insecureAcceptAnything' }] } } }));
    await admission.admit(req);
    await assert.rejects(admission.admit({ ...req, reference: 'docker.io/library/alpine:latest' }), (e: unknown) => {
      assert.ok(e instanceof PolicyDeniedError);
      assert.equal(e.message, `Source image rejected: Running image docker://alpine:latest is rejected by policy. (rule "default"[0] reject of ${path})`);
      assert.equal(e.rule, '"default"[0] reject');
      return true;
    });
    // an image known by ID only, with no names: only "" and default apply
    await assert.rejects(admission.admit({ ...req, reference: 'sha256:' + 'c'.repeat(64) }), /Running image an image with no name is rejected/);
    // replaced by rename with a broken file: refused, with the parse error
    writeFileSync(join(dir, 'next.json'), '{"default": [{"type": "nope"}]}');
    renameSync(join(dir, 'next.json'), path);
    assert.equal(admission.describe().ok, false);
    await assert.rejects(admission.admit(req), /invalid: Unknown policy requirement type "nope"/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('a check costs microseconds once the policy is parsed', async () => {
  const dir = mkdtempSync('/tmp/berth-policy-unit-');
  try {
    const key = newKey();
    const path = join(dir, 'policy.json');
    writeFileSync(path, JSON.stringify({ default: [{ type: 'sigstoreSigned', keyData: b64(key.pem) }] }));
    const admission = new PolicyAdmission(path);
    const sig = signatureFor(key, 'localhost:5000/app:1', DIGEST_A);
    const req = { phase: 'create' as const, reference: 'localhost:5000/app:1', manifestDigest: DIGEST_A, signatures: async () => [sig] };
    await admission.admit(req);
    const n = 200;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await admission.admit(req);
    const perCheckUs = Number(process.hrtime.bigint() - t0) / n / 1000;
    assert.ok(perCheckUs < 2000, `${perCheckUs} µs per check`);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
