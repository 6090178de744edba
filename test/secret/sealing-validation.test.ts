/**
 * The pure parts of secrets: sealing (a root-only key made once, a nonce per value, the secret id
 * bound as AAD, tampering refused) and Docker's rules for names, sizes and `--secret` references.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SecretSealer } from '../../src/secret/sealing.js';
import { checkSecretData, checkSecretName, decodeSecretData, normalizeReference, parseSecretFlag, referencesOf, secretTargetPath } from '../../src/secret/validation.js';

test('sealing: one key per directory, 0600 in 0700; values open only under their own id', () => {
  const dir = mkdtempSync('/tmp/bt-seal-');
  try {
    const keyDir = join(dir, 'secrets');
    const a = SecretSealer.open(keyDir);
    const key = readFileSync(join(keyDir, 'key'));
    assert.equal(key.length, 32);
    assert.equal(statSync(join(keyDir, 'key')).mode & 0o777, 0o600);
    assert.equal(statSync(keyDir).mode & 0o777, 0o700);
    const value = Buffer.from('the plaintext');
    const s1 = a.seal('id1', value);
    const s2 = a.seal('id1', value);
    assert.notDeepEqual(s1, s2, 'a fresh nonce each time');
    assert.ok(!s1.includes(value));
    assert.deepEqual(a.open('id1', s1), value);
    // the same key is found again by a second open (a daemon restart)
    const b = SecretSealer.open(keyDir);
    assert.deepEqual(readFileSync(join(keyDir, 'key')), key);
    assert.deepEqual(b.open('id1', s2), value);
    assert.throws(() => b.open('id2', s1), (e: any) => e.code === 'ERR_SECRET_SEALED', 'another id (AAD) does not open it');
    const tampered = Buffer.from(s1);
    tampered[tampered.length - 1] ^= 1;
    assert.throws(() => b.open('id1', tampered), (e: any) => e.code === 'ERR_SECRET_SEALED');
    assert.throws(() => b.open('id1', Buffer.alloc(3)), (e: any) => e.code === 'ERR_SECRET_SEALED');
    const other = SecretSealer.open(join(dir, 'other'));
    assert.throws(() => other.open('id1', s1), (e: any) => e.code === 'ERR_SECRET_SEALED', 'another root\'s key does not open it');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('names, sizes and base64 as Docker checks them', () => {
  for (const ok of ['a', 'db_pass', 'A.b-c_d', 'x'.repeat(64), '0']) assert.equal(checkSecretName(ok), ok);
  for (const bad of ['', '-a', 'a-', '_a', 'a b', 'a/b', 'x'.repeat(65), 'é', 5]) assert.throws(() => checkSecretName(bad), (e: any) => e.code === 'ERR_SECRET_NAME' && e.status === 400);
  assert.throws(() => checkSecretData(Buffer.alloc(0)), /larger than 0 and less than 500 KB/);
  assert.throws(() => checkSecretData(Buffer.alloc(500 * 1024 + 1)), /less than 500 KB/);
  assert.equal(checkSecretData(Buffer.alloc(500 * 1024)).length, 500 * 1024);
  assert.equal(decodeSecretData(Buffer.from('hi').toString('base64')).toString(), 'hi');
  assert.equal(decodeSecretData(undefined).length, 0);
  assert.throws(() => decodeSecretData('a!b='), /illegal base64 data at input byte 1/);
  assert.throws(() => decodeSecretData('abc'), /illegal base64 data/);
  assert.throws(() => decodeSecretData(42), (e: any) => e.code === 'ERR_SECRET_DATA');
});

test('--secret values as docker service create parses them', () => {
  assert.deepEqual(parseSecretFlag('db'), { SecretName: 'db', File: { Name: 'db', UID: '0', GID: '0', Mode: 0o444 } });
  assert.deepEqual(parseSecretFlag('source=db,target=x/y,uid=1000,gid=1001,mode=0400'),
    { SecretName: 'db', File: { Name: 'x/y', UID: '1000', GID: '1001', Mode: 0o400 } });
  assert.deepEqual(parseSecretFlag('src=db,dst=/etc/p').File.Name, '/etc/p');
  assert.throws(() => parseSecretFlag('target=x'), /source is required/);
  assert.throws(() => parseSecretFlag('db,target=x'), /invalid field 'db' must be a key=value pair/);
  assert.throws(() => parseSecretFlag('source=db,mode=rw'), /invalid mode specified: rw/);
  assert.throws(() => parseSecretFlag('source=db,uid=root'), /invalid secret uid/);
  assert.throws(() => parseSecretFlag('source=db,foo=1'), /invalid field in secret request: foo/);
  assert.throws(() => parseSecretFlag('source=db,target=../../etc/shadow'), /invalid secret target/);
  assert.throws(() => parseSecretFlag('source=db,target=/'), /invalid secret target/);
  assert.equal(secretTargetPath('a/b'), '/run/secrets/a/b');
  assert.equal(secretTargetPath('/etc//x'), '/etc/x');
});

test('HostConfig.BerthSecrets: defaults, shape checks, duplicate targets', () => {
  assert.deepEqual(referencesOf({}), []);
  assert.deepEqual(referencesOf({ BerthSecrets: null }), []);
  assert.deepEqual(referencesOf({ BerthSecrets: [{ SecretName: 'a' }] }), [{ SecretName: 'a', File: { Name: 'a', UID: '0', GID: '0', Mode: 0o444 } }]);
  assert.deepEqual(normalizeReference({ SecretID: 'abc', File: { Name: 'f', UID: 5, Mode: 0o400 } }),
    { SecretID: 'abc', SecretName: '', File: { Name: 'f', UID: '5', GID: '0', Mode: 0o400 } });
  assert.throws(() => referencesOf({ BerthSecrets: { SecretName: 'a' } }), /must be a list/);
  assert.throws(() => referencesOf({ BerthSecrets: [{}] }), /SecretName or SecretID is required/);
  assert.throws(() => referencesOf({ BerthSecrets: [{ SecretName: 'a', File: { Name: 'x', Mode: 'rw' } }] }), /invalid secret mode/);
  assert.throws(() => referencesOf({ BerthSecrets: [{ SecretName: 'a' }, { SecretName: 'b', File: { Name: '/run/secrets/a' } }] }),
    /duplicate secret target for b not allowed/);
});
