/**
 * cosign's key files. The private key is PEM of type `ENCRYPTED SIGSTORE PRIVATE KEY` (older cosign:
 * `ENCRYPTED COSIGN PRIVATE KEY`) whose bytes are go-securesystemslib's `encrypted` JSON:
 *   {"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":<b64>},
 *    "cipher":{"name":"nacl/secretbox","nonce":<b64>},"ciphertext":<b64>}
 * with the PKCS#8 DER of the key as plaintext, scrypt(passphrase, salt) as the 32-byte secretbox key
 * (Go marshals []byte as standard base64). The public key is PKIX PEM (`PUBLIC KEY`).
 * secretbox (XSalsa20-Poly1305) is tweetnacl's: node:crypto has no XSalsa20.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, scrypt, sign as cryptoSign, type KeyObject } from 'node:crypto';
import nacl from 'tweetnacl';
import { InvalidArgumentError } from '../common/errors.js';

export const SIGSTORE_PRIVATE_KEY_PEM = 'ENCRYPTED SIGSTORE PRIVATE KEY';
export const COSIGN_PRIVATE_KEY_PEM = 'ENCRYPTED COSIGN PRIVATE KEY';

/** The scrypt parameters go-securesystemslib accepts (legacy, standard, OWASP); we write the legacy set cosign long wrote. */
const SCRYPT_PARAMS = [{ N: 32768, r: 8, p: 1 }, { N: 65536, r: 8, p: 1 }, { N: 131072, r: 8, p: 1 }];
export const DEFAULT_SCRYPT = SCRYPT_PARAMS[0]!;

interface EncryptedKeyJson {
  kdf: { name: string; params: { N: number; r: number; p: number }; salt: string };
  cipher: { name: string; nonce: string };
  ciphertext: string;
}

function scryptKey(passphrase: Buffer, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  // N=131072, r=8 needs 128 MiB: raise node's 32 MiB default above what the largest allowed set needs
  return new Promise((resolve, reject) => scrypt(passphrase, salt, 32, { N: params.N, r: params.r, p: params.p, maxmem: 256 * 1024 * 1024 },
    (err, key) => (err ? reject(err) : resolve(key))));
}

function pemEncode(type: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${type}-----\n${b64}\n-----END ${type}-----\n`;
}

/** The first PEM block of a text: its type and bytes. */
export function pemDecode(text: string): { type: string; der: Buffer } | undefined {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) return undefined;
  const body = m[2]!.split(/\r?\n/).filter((l) => l && !l.includes(':')).join('');
  return { type: m[1]!, der: Buffer.from(body, 'base64') };
}

/** go-securesystemslib's encrypted.Encrypt with explicit scrypt parameters. */
export async function encryptKeyBytes(plaintext: Buffer, passphrase: Buffer, params = DEFAULT_SCRYPT,
  salt: Buffer = randomBytes(32), nonce: Buffer = randomBytes(24)): Promise<Buffer> {
  const key = await scryptKey(passphrase, salt, params);
  const sealed = Buffer.from(nacl.secretbox(plaintext, nonce, key));
  const doc: EncryptedKeyJson = {
    kdf: { name: 'scrypt', params: { N: params.N, r: params.r, p: params.p }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: sealed.toString('base64'),
  };
  return Buffer.from(JSON.stringify(doc));
}

/** go-securesystemslib's encrypted.Decrypt; a wrong passphrase is ERR_SIGN_KEY_DECRYPT. */
export async function decryptKeyBytes(data: Buffer, passphrase: Buffer): Promise<Buffer> {
  let doc: EncryptedKeyJson;
  try { doc = JSON.parse(data.toString('utf8')) as EncryptedKeyJson; } catch {
    throw new InvalidArgumentError('the private key is not in cosign\'s encrypted format (not JSON)', 'ERR_SIGN_KEY_INVALID');
  }
  if (doc?.kdf?.name !== 'scrypt') throw new InvalidArgumentError(`encrypted: unknown kdf name "${String(doc?.kdf?.name)}"`, 'ERR_SIGN_KEY_INVALID');
  if (doc.cipher?.name !== 'nacl/secretbox') throw new InvalidArgumentError(`encrypted: unknown cipher name "${String(doc.cipher?.name)}"`, 'ERR_SIGN_KEY_INVALID');
  const p = doc.kdf.params;
  if (!SCRYPT_PARAMS.some((q) => q.N === p?.N && q.r === p?.r && q.p === p?.p)) throw new InvalidArgumentError('encrypted: unsupported scrypt parameters', 'ERR_SIGN_KEY_INVALID');
  const salt = Buffer.from(String(doc.kdf.salt), 'base64');
  const nonce = Buffer.from(String(doc.cipher.nonce), 'base64');
  if (nonce.length !== 24) throw new InvalidArgumentError('encrypted: incorrect nonce size', 'ERR_SIGN_KEY_INVALID');
  const key = await scryptKey(passphrase, salt, p);
  const opened = nacl.secretbox.open(Buffer.from(String(doc.ciphertext), 'base64'), nonce, key);
  if (!opened) throw new InvalidArgumentError('decrypt: encrypted: decryption failed (wrong password?)', 'ERR_SIGN_KEY_DECRYPT');
  return Buffer.from(opened);
}

export interface KeyPairPem { privatePem: string; publicPem: string }

/** A new ECDSA P-256 key pair as cosign's generate-key-pair writes it. */
export async function generateKeyPair(passphrase: Buffer, params = DEFAULT_SCRYPT): Promise<KeyPairPem> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return encodeKeyPair(privateKey, publicKey, passphrase, params);
}

/** Encrypt an existing private key into cosign's format (with its public half). */
export async function encodeKeyPair(privateKey: KeyObject, publicKey: KeyObject, passphrase: Buffer, params = DEFAULT_SCRYPT): Promise<KeyPairPem> {
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const enc = await encryptKeyBytes(pkcs8, passphrase, params);
  return {
    privatePem: pemEncode(SIGSTORE_PRIVATE_KEY_PEM, enc),
    publicPem: String(publicKey.export({ type: 'spki', format: 'pem' })),
  };
}

/** Load a cosign private key file: decrypt with the passphrase, parse the PKCS#8 key. */
export async function loadPrivateKey(pem: string | Buffer, passphrase: Buffer): Promise<KeyObject> {
  const block = pemDecode(String(pem));
  if (!block) throw new InvalidArgumentError('invalid pem block', 'ERR_SIGN_KEY_INVALID');
  if (block.type !== SIGSTORE_PRIVATE_KEY_PEM && block.type !== COSIGN_PRIVATE_KEY_PEM) {
    throw new InvalidArgumentError(`unsupported pem type: ${block.type}`, 'ERR_SIGN_KEY_INVALID');
  }
  const der = await decryptKeyBytes(block.der, passphrase);
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new InvalidArgumentError(`parsing private key: ${(e as Error).message}`, 'ERR_SIGN_KEY_INVALID');
  }
}

/** The public half of a private key, as PKIX PEM. */
export function publicPemOf(privateKey: KeyObject): string {
  return String(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }));
}

/** cosign's signature over a payload: SHA-256, ASN.1 DER ECDSA (RSA PKCS#1 v1.5, Ed25519 plain), base64. */
export function signPayload(privateKey: KeyObject, payload: Buffer): string {
  const alg = privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256';
  return cryptoSign(alg, payload, privateKey).toString('base64');
}
