/**
 * What `berth key`, `berth sign` and `berth verify` load only when they run (src/cli/lazy-sign.ts):
 * the key format (scrypt, tweetnacl's secretbox), signing and verification. Other commands start
 * without them.
 */
export { generateKeyPair, loadPrivateKey, signPayload, publicPemOf } from './keys.js';
export { buildPayload, parseAnnotations, verifySignatures, verifiedJson } from './payload.js';
export { publicKeyFromPem } from './cosign-format.js';
export { checkBundle } from './bundle.js';
