/**
 * Secret values at rest: AES-256-GCM under one random key per daemon root (`<root>/secrets/key`,
 * 0600 in a 0700 directory, readable by root only). Every value has its own random 96-bit nonce and
 * is authenticated together with its secret's id (AAD), so a sealed value copied onto another
 * secret's row does not open. Node's own crypto (OpenSSL): nothing to add for this.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SystemError } from '../common/errors.js';

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** the first byte of a sealed value: the format, so that a later one can be told apart */
const FORMAT_V1 = 1;

export class SecretSealer {
  private constructor(private readonly key: Buffer) {}

  /** The key of `dir` (made 0700), created at first use. */
  static open(dir: string): SecretSealer {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const file = join(dir, 'key');
    let key: Buffer;
    try { key = readFileSync(file); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new SystemError(`cannot read the secrets key ${file}: ${(e as Error).message}`, 'ERR_SECRET_KEY', e);
      key = createKey(file);
    }
    if (key.length !== KEY_BYTES) throw new SystemError(`the secrets key ${file} is not ${KEY_BYTES} bytes long`, 'ERR_SECRET_KEY');
    chmodSync(file, 0o600);
    return new SecretSealer(key);
  }

  seal(id: string, plain: Buffer): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const c = createCipheriv('aes-256-gcm', this.key, nonce);
    c.setAAD(Buffer.from(id));
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([Buffer.from([FORMAT_V1]), nonce, c.getAuthTag(), body]);
  }

  open(id: string, sealed: Buffer): Buffer {
    if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== FORMAT_V1) throw new SystemError(`secret ${id}: the stored value is damaged`, 'ERR_SECRET_SEALED');
    const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
    const tag = sealed.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + TAG_BYTES);
    const d = createDecipheriv('aes-256-gcm', this.key, nonce);
    d.setAAD(Buffer.from(id));
    d.setAuthTag(tag);
    try {
      return Buffer.concat([d.update(sealed.subarray(1 + NONCE_BYTES + TAG_BYTES)), d.final()]);
    } catch (e) {
      throw new SystemError(`secret ${id}: the stored value does not open with this root's key (damaged, or another key)`, 'ERR_SECRET_SEALED', e);
    }
  }
}

/** A new random key, written whole before it appears under its name (link(2) fails if another start won). */
function createKey(file: string): Buffer {
  const key = randomBytes(KEY_BYTES);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const fd = openSync(tmp, 'wx', 0o600);
  try { writeSync(fd, key); fsyncSync(fd); } finally { closeSync(fd); }
  try {
    linkSync(tmp, file);
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new SystemError(`cannot create the secrets key ${file}: ${(e as Error).message}`, 'ERR_SECRET_KEY', e);
    return readFileSync(file);
  } finally {
    unlinkSync(tmp);
  }
}
