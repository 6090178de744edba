/**
 * A build's context as the docker CLI sends it to POST /build: a tar of the context directory with
 * .dockerignore applied on this side (the Dockerfile and .dockerignore always sent), a Dockerfile from
 * outside the context added under a private name. `berth build` and `berth compose build` both pack
 * with it; the secrets header and the registry credentials go with the request as the CLI sends them.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, existsSync, createReadStream, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { PatternMatcher, readIgnoreFile } from '../builder/context/dockerignore.js';
import { packTarEntry, TAR_END } from '../builder/context/tar-codec.js';
import { registryConfigHeader } from '../registry/client/credentials.js';

export { encodeSecrets, parseSecretFlag, SECRETS_HEADER } from '../builder/build-secrets.js';

/** X-Registry-Config with the credentials of the docker config (for FROM images of private registries). */
export function registryConfigHeaders(): Record<string, string> {
  const h = registryConfigHeader();
  return h ? { 'X-Registry-Config': h } : {};
}

export function looksLikeArchive(b: Buffer): boolean {
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return true;
  if (b.length >= 4 && b.readUInt32LE(0) === 0xfd2fb528) return true;
  return b.length >= 262 && b.subarray(257, 262).toString() === 'ustar';
}

/** Contexts whose files add up to at most this are packed into one buffer (the daemon keeps up to 32 MiB in memory). */
export const BUFFERED_CONTEXT_MAX_BYTES = 32 * 1024 * 1024;

/**
 * tar of the context directory (ignored files left out; Dockerfile and .dockerignore always sent).
 * A small context is one buffer, written synchronously (tar-codec.ts) and sent with a Content-Length
 * in one write; a larger one streams through tar-stream with its big files read as streams.
 */
export async function packContext(dir: string, dockerfileRel: string | undefined, extra?: { name: string; data: Buffer }): Promise<Readable | Buffer> {
  const ignoreFile = [dockerfileRel ? join(dir, dockerfileRel + '.dockerignore') : '', join(dir, '.dockerignore')].find((f) => f && existsSync(f));
  const matcher = new PatternMatcher(ignoreFile ? readIgnoreFile(readFileSync(ignoreFile, 'utf8')) : []);
  const keep = new Set(['.dockerignore', dockerfileRel ?? 'Dockerfile', (dockerfileRel ?? 'Dockerfile') + '.dockerignore']);
  const entries: Array<{ r: string; st: Stats }> = [];
  const walk = (rel: string): void => {
    for (const n of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${n}` : n;
      const excluded = !keep.has(r) && matcher.matches(r);
      const st = lstatSync(join(dir, r));
      if (!excluded) entries.push({ r, st });
      if (st.isDirectory() && (!excluded || matcher.hasExclusions)) walk(r);
    }
  };
  walk('');
  // as the docker CLI: a Dockerfile sent under a private name is listed in .dockerignore, so COPY . leaves it out
  const ignoreText = (old: string | undefined): Buffer => Buffer.from(`${old ?? '.dockerignore'}\n${extra!.name}\n`);
  const fileBytes = entries.reduce((n, { st }) => n + (st.isFile() ? st.size : 0), 0);
  if (fileBytes <= BUFFERED_CONTEXT_MAX_BYTES) {
    const blocks: Buffer[] = [];
    for (const { r, st } of entries) {
      const abs = join(dir, r);
      const common = { name: r, mode: st.mode & 0o7777, mtime: st.mtime };
      if (extra && r === '.dockerignore' && st.isFile()) blocks.push(...packTarEntry({ ...common, type: 'file', data: ignoreText(readFileSync(abs, 'utf8')) }));
      else if (st.isDirectory()) blocks.push(...packTarEntry({ ...common, type: 'directory' }));
      else if (st.isSymbolicLink()) blocks.push(...packTarEntry({ ...common, type: 'symlink', linkname: readlinkSync(abs) }));
      else if (st.isFile()) blocks.push(...packTarEntry({ ...common, type: 'file', data: readFileSync(abs) }));
    }
    if (extra) {
      blocks.push(...packTarEntry({ name: extra.name, type: 'file', mode: 0o600, mtime: new Date(), data: extra.data }));
      if (!entries.some((e) => e.r === '.dockerignore' && e.st.isFile())) blocks.push(...packTarEntry({ name: '.dockerignore', type: 'file', mode: 0o600, mtime: new Date(), data: ignoreText(undefined) }));
    }
    blocks.push(TAR_END);
    return Buffer.concat(blocks);
  }
  const { pack } = await import('tar-stream');
  const p = pack();
  (async () => {
    for (const { r, st } of entries) {
      const abs = join(dir, r);
      const common = { name: r, mode: st.mode & 0o7777, uid: 0, gid: 0, mtime: st.mtime };
      await new Promise<void>((res, rej) => {
        const cb = (e?: Error | null) => (e ? rej(e) : res());
        if (extra && r === '.dockerignore' && st.isFile()) p.entry({ ...common, type: 'file' }, ignoreText(readFileSync(abs, 'utf8')), cb);
        else if (st.isDirectory()) p.entry({ ...common, type: 'directory' }, cb);
        else if (st.isSymbolicLink()) p.entry({ ...common, type: 'symlink', linkname: readlinkSync(abs) }, cb);
        else if (st.isFile() && st.size <= 1024 * 1024) p.entry({ ...common, type: 'file' }, readFileSync(abs), cb); // small: no stream set-up
        else if (st.isFile()) {
          const e = p.entry({ ...common, type: 'file', size: st.size }, cb);
          createReadStream(abs).on('error', rej).pipe(e);
        } else res();
      });
    }
    if (extra) {
      const add = (name: string, data: Buffer) => new Promise<void>((res, rej) => p.entry({ name, mode: 0o600, mtime: new Date() }, data, (e) => (e ? rej(e) : res())));
      await add(extra.name, extra.data);
      if (!entries.some((e) => e.r === '.dockerignore' && e.st.isFile())) await add('.dockerignore', ignoreText(undefined));
    }
    p.finalize();
  })().catch((e) => p.destroy(e));
  return p as unknown as Readable;
}

export async function tarOfOneFile(name: string, data: Buffer): Promise<Readable> {
  const { pack } = await import('tar-stream');
  const p = pack();
  p.entry({ name, mode: 0o600, mtime: new Date() }, data);
  p.finalize();
  return p as unknown as Readable;
}

