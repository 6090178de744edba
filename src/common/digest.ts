import { createHash, randomBytes } from 'node:crypto';
import { InvalidArgumentError } from './errors.js';

export const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function sha256(data: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

export function hexOf(digest: string): string {
  if (!DIGEST_RE.test(digest)) throw new InvalidArgumentError(`invalid digest: ${digest}`, 'ERR_INVALID_DIGEST');
  return digest.slice(7);
}

/** 64 hex characters, as Docker container and exec IDs. */
export function randomId(): string {
  return randomBytes(32).toString('hex');
}

/** First 12 hex characters, as Docker prints IDs. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
