/**
 * Public keys for sigstoreSigned rules: PEM text (one or more PUBLIC KEY blocks, as cosign writes
 * cosign.pub), and the files named by keyPath/keyPaths, cached by path and mtime so that a check
 * costs a stat, not a read and a key parse.
 */
import { statSync, readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { publicKeyFromPem } from '../sign/cosign-format.js';

const PEM_BLOCK_RE = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** Every key of a PEM text; throws when there is none or a block is not a public key. */
export function publicKeysFromPem(pem: Buffer | string): KeyObject[] {
  const text = pem.toString();
  const blocks = text.match(PEM_BLOCK_RE) ?? [];
  if (blocks.length === 0) throw new Error('no PEM public key found');
  return blocks.map((b) => {
    if (!/^-----BEGIN PUBLIC KEY-----/.test(b)) throw new Error(`a PEM block is "${/BEGIN ([A-Z0-9 ]+)-----/.exec(b)?.[1]}", not "PUBLIC KEY"`);
    return publicKeyFromPem(b);
  });
}

interface CachedFile { mtimeMs: number; size: number; keys?: KeyObject[]; error?: string }

/** keyPath files, read again only when their mtime or size changes. */
export class KeyFileCache {
  private readonly files = new Map<string, CachedFile>();

  /** The keys in `path`; throws an Error naming the file when it cannot be read or holds no key. */
  load(path: string): KeyObject[] {
    let st;
    try { st = statSync(path); } catch (e) {
      this.files.delete(path);
      throw new Error(`reading public key ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    let c = this.files.get(path);
    if (!c || c.mtimeMs !== st.mtimeMs || c.size !== st.size) {
      c = { mtimeMs: st.mtimeMs, size: st.size };
      try { c.keys = publicKeysFromPem(readFileSync(path)); } catch (e) { c.error = `public key ${path}: ${(e as Error).message}`; }
      this.files.set(path, c);
    }
    if (c.error) throw new Error(c.error);
    return c.keys!;
  }
}
