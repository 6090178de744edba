/**
 * cosign's key and payload formats without a daemon: the encrypted private key round trip, a key file
 * built here straight from the format's description (go-securesystemslib `encrypted` + PEM, with a
 * fixed salt and nonce) that berth must read, wrong passwords and key types, the payload bytes cosign
 * signs, and the verification's refusals (wrong key, another digest, annotations, a truncated signature).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, scryptSync, sign as cryptoSign } from 'node:crypto';
import nacl from 'tweetnacl';
import { decryptKeyBytes, encryptKeyBytes, generateKeyPair, loadPrivateKey, publicPemOf, signPayload } from '../../src/sign/keys.js';
import { buildPayload, checkSignature, goJson, parseAnnotations, verifiedJson, verifySignatures } from '../../src/sign/payload.js';
import { parsePayload, publicKeyFromPem, signatureValid } from '../../src/sign/cosign-format.js';
import { signatureTag } from '../../src/sign/cosign-format.js';
import { tagSchemeManifest, signatureLayer } from '../../src/sign/signature-manifests.js';
import { BerthError } from '../../src/common/errors.js';
import { checkBundle } from '../../src/sign/bundle.js';
import { makeBundle } from './helpers.js';

const DIGEST = 'sha256:' + 'ab'.repeat(32);
const OTHER = 'sha256:' + 'cd'.repeat(32);

async function rejectsWith(p: Promise<unknown>, code: string, re?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof BerthError, String(e));
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  });
}

test('generate → load round trip: P-256, PKIX public PEM, the sigstore PEM type, scrypt N=32768 r=8 p=1', async () => {
  const pair = await generateKeyPair(Buffer.from('s3cret'));
  assert.match(pair.privatePem, /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n$/);
  assert.match(pair.publicPem, /^-----BEGIN PUBLIC KEY-----\n/);
  const body = Buffer.from(pair.privatePem.split('\n').slice(1, -2).join(''), 'base64');
  const doc = JSON.parse(body.toString());
  assert.deepEqual(Object.keys(doc), ['kdf', 'cipher', 'ciphertext']);
  assert.deepEqual(doc.kdf.params, { N: 32768, r: 8, p: 1 });
  assert.equal(doc.kdf.name, 'scrypt');
  assert.equal(doc.cipher.name, 'nacl/secretbox');
  assert.equal(Buffer.from(doc.kdf.salt, 'base64').length, 32);
  assert.equal(Buffer.from(doc.cipher.nonce, 'base64').length, 24);
  const key = await loadPrivateKey(pair.privatePem, Buffer.from('s3cret'));
  assert.equal(key.asymmetricKeyType, 'ec');
  assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.equal(publicPemOf(key), pair.publicPem);
  const payload = buildPayload('127.0.0.1:5000/app', DIGEST);
  const sig = signPayload(key, payload);
  assert.ok(signatureValid({ payload, signature: sig, annotations: {} }, publicKeyFromPem(pair.publicPem)));
});

test('a key file made from the format description (fixed salt and nonce) is read, and berth writes the same bytes', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const salt = Buffer.alloc(32, 7);
  const nonce = Buffer.alloc(24, 9);
  const pass = Buffer.from('correct horse');
  // go-securesystemslib: key = scrypt(pass, salt, N, r, p, 32); ciphertext = secretbox.Seal(pkcs8, nonce, key)
  const boxKey = scryptSync(pass, salt, 32, { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  const sealed = Buffer.from(nacl.secretbox(pkcs8, nonce, boxKey));
  assert.equal(sealed.length, pkcs8.length + 16); // Go's secretbox.Seal: the 16-byte tag, then the ciphertext
  // Go's json.Marshal of the struct: fields in declaration order, []byte as standard base64
  const json = `{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"${salt.toString('base64')}"},"cipher":{"name":"nacl/secretbox","nonce":"${nonce.toString('base64')}"},"ciphertext":"${sealed.toString('base64')}"}`;
  const b64 = Buffer.from(json).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  for (const type of ['ENCRYPTED SIGSTORE PRIVATE KEY', 'ENCRYPTED COSIGN PRIVATE KEY']) {
    const pem = `-----BEGIN ${type}-----\n${b64}\n-----END ${type}-----\n`;
    const loaded = await loadPrivateKey(pem, pass);
    assert.equal(publicPemOf(loaded), String(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' })));
  }
  assert.equal((await encryptKeyBytes(pkcs8, pass, undefined, salt, nonce)).toString(), json);
  assert.deepEqual(await decryptKeyBytes(Buffer.from(json), pass), pkcs8);
});

test('a wrong password, another PEM type, a broken key file: errors with codes', async () => {
  const pair = await generateKeyPair(Buffer.from('right'));
  await rejectsWith(loadPrivateKey(pair.privatePem, Buffer.from('wrong')), 'ERR_SIGN_KEY_DECRYPT', /decryption failed/);
  await rejectsWith(loadPrivateKey(pair.publicPem, Buffer.from('right')), 'ERR_SIGN_KEY_INVALID', /unsupported pem type: PUBLIC KEY/);
  await rejectsWith(loadPrivateKey('not a key', Buffer.from('right')), 'ERR_SIGN_KEY_INVALID', /invalid pem block/);
  const bad = pair.privatePem.replace(/\n[A-Za-z0-9+/=]+\n-----END/, '\nAAAA\n-----END');
  await rejectsWith(loadPrivateKey(bad, Buffer.from('right')), 'ERR_SIGN_KEY_INVALID');
  assert.throws(() => publicKeyFromPem('garbage'), (e: BerthError) => e.code === 'ERR_SIGN_KEY_INVALID');
});

test('the payload is byte for byte what cosign signs (Go JSON: struct order, sorted map, HTML escapes, optional null)', () => {
  assert.equal(buildPayload('127.0.0.1:5000/app', DIGEST).toString(),
    `{"critical":{"identity":{"docker-reference":"127.0.0.1:5000/app"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"cosign container image signature"},"optional":null}`);
  assert.equal(buildPayload('index.docker.io/library/busybox', DIGEST, { z: '1', a: '<&>' }).toString(),
    `{"critical":{"identity":{"docker-reference":"index.docker.io/library/busybox"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"cosign container image signature"},"optional":{"a":"\\u003c\\u0026\\u003e","z":"1"}}`);
  assert.deepEqual(parsePayload(buildPayload('r', DIGEST, { a: '<&>' })).optional, { a: '<&>' });
  assert.equal(goJson({ b: [1, { d: 1, c: 2 }], a: null }), '{"a":null,"b":[1,{"c":2,"d":1}]}');
  assert.equal(signatureTag(DIGEST), `sha256-${'ab'.repeat(32)}.sig`);
  assert.deepEqual(parseAnnotations(['a=b', 'c=d=e']), { a: 'b', c: 'd=e' });
  assert.throws(() => parseAnnotations(['novalue']), /unable to parse annotation/);
});

test('verification: the key, the digest, the annotations, a truncated or swapped signature', async () => {
  const k1 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const k2 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const payload = buildPayload('127.0.0.1:5000/app', DIGEST, { env: 'prod' });
  const good = { payload, signature: signPayload(k1.privateKey, payload), annotations: {} };
  const ok = verifySignatures([good], k1.publicKey, { manifestDigest: DIGEST, annotations: { env: 'prod' } });
  assert.equal(ok.verified.length, 1);
  assert.equal(verifiedJson(ok.verified), `[${payload.toString()}]`);
  assert.equal(checkSignature(good, k2.publicKey, { manifestDigest: DIGEST }).error, 'invalid signature when validating ASN.1 encoded signature');
  assert.equal(checkSignature(good, k1.publicKey, { manifestDigest: OTHER }).error, `invalid or missing digest in claim: ${DIGEST}`);
  assert.equal(checkSignature(good, k1.publicKey, { manifestDigest: DIGEST, annotations: { env: 'dev' } }).error, 'missing or incorrect annotation');
  const der = Buffer.from(good.signature, 'base64');
  const truncated = { ...good, signature: der.subarray(0, der.length - 5).toString('base64') };
  assert.match(checkSignature(truncated, k1.publicKey, { manifestDigest: DIGEST }).error!, /invalid signature/);
  assert.match(checkSignature({ ...good, signature: '' }, k1.publicKey, { manifestDigest: DIGEST }).error!, /invalid signature/);
  // a valid signature of another payload carried with this payload
  const otherPayload = buildPayload('127.0.0.1:5000/app', OTHER);
  const swapped = { payload, signature: cryptoSign('sha256', otherPayload, k1.privateKey).toString('base64'), annotations: {} };
  assert.match(checkSignature(swapped, k1.publicKey, { manifestDigest: DIGEST }).error!, /invalid signature/);
  // skopeo writes docker-reference with a tag: accepted (the digest binds the image)
  const skopeoPayload = Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': '127.0.0.1:5000/app:v1' }, image: { 'docker-manifest-digest': DIGEST }, type: 'cosign container image signature' }, optional: { creator: 'skopeo' } }));
  const sk = { payload: skopeoPayload, signature: signPayload(k1.privateKey, skopeoPayload), annotations: {} };
  assert.equal(verifySignatures([sk, good], k1.publicKey, { manifestDigest: DIGEST }).verified.length, 2);
});

test('the .sig manifest has cosign\'s shape', () => {
  const payload = buildPayload('127.0.0.1:5000/app', DIGEST);
  const layer = signatureLayer({ payload, signature: 'MEUCIQ==', annotations: {} });
  const m = tagSchemeManifest([layer]);
  const doc = JSON.parse(m.raw.toString());
  assert.equal(doc.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(doc.config.mediaType, 'application/vnd.oci.image.config.v1+json');
  assert.deepEqual(doc.layers, [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', size: payload.length, digest: layer.digest, annotations: { 'dev.cosignproject.cosign/signature': 'MEUCIQ==' } }]);
  assert.deepEqual(JSON.parse(m.config.toString()).rootfs, { type: 'layers', diff_ids: [layer.digest] });
});

test('sigstore bundles (cosign\'s new bundle format) verify with the key through sigstore-js; the same refusals', () => {
  const k1 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const k2 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const bundle = makeBundle(k1.privateKey, DIGEST, { env: 'prod' });
  const ok = checkBundle(bundle, k1.publicKey, { manifestDigest: DIGEST, annotations: { env: 'prod' }, reference: 'r:v1' });
  assert.equal(ok.error, undefined);
  assert.deepEqual(ok.payload, { critical: { identity: { 'docker-reference': 'r:v1' }, image: { 'docker-manifest-digest': DIGEST }, type: 'https://sigstore.dev/cosign/sign/v1' }, optional: { env: 'prod' } });
  assert.match(checkBundle(bundle, k2.publicKey, { manifestDigest: DIGEST, reference: 'r' }).error!, /invalid signature/);
  assert.equal(checkBundle(bundle, k1.publicKey, { manifestDigest: OTHER, reference: 'r' }).error, `invalid or missing digest in claim: ${DIGEST}`);
  assert.equal(checkBundle(bundle, k1.publicKey, { manifestDigest: DIGEST, annotations: { env: 'dev' }, reference: 'r' }).error, 'missing or incorrect annotation');
  assert.match(checkBundle(makeBundle(k1.privateKey, DIGEST, undefined, 'https://slsa.dev/provenance/v1'), k1.publicKey, { manifestDigest: DIGEST, reference: 'r' }).error!, /predicate type/);
  assert.match(checkBundle(Buffer.from('{"mediaType":"x"}'), k1.publicKey, { manifestDigest: DIGEST, reference: 'r' }).error!, /invalid sigstore bundle/);
  // a tampered statement (another digest under the old signature)
  const doc = JSON.parse(bundle.toString());
  doc.dsseEnvelope.payload = Buffer.from(Buffer.from(doc.dsseEnvelope.payload, 'base64').toString().replace(DIGEST.slice(7), OTHER.slice(7))).toString('base64');
  assert.match(checkBundle(Buffer.from(JSON.stringify(doc)), k1.publicKey, { manifestDigest: OTHER, reference: 'r' }).error!, /invalid signature/);
});
