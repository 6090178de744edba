/**
 * Read access to a build context, either a directory on disk or a tar held in
 * memory. A fully cached build only needs names, modes and contents to compute
 * step keys, so a small context is never written to disk unless a step
 * actually runs and reads it (`materialize`).
 */
import type { Hash } from 'node:crypto';
import { createReadStream, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidArgumentError } from '../../common/errors.js';
import { unpackLayer } from '../../snapshot/tar-unpack.js';
import { cleanPath } from './dockerignore.js';
import { parseTar } from './tar-codec.js';

export type EntryType = 'file' | 'dir' | 'symlink' | 'other';

/** What the cache key sees of a path: type bits with the permission bits, as lstat's st_mode. */
export interface EntryStat { type: EntryType; mode: number; size: number }

export interface ContextFs {
  lstat(rel: string): EntryStat | undefined;
  /** names in a directory, sorted */
  readdir(rel: string): string[];
  readFile(rel: string): Promise<Buffer>;
  /** feed a file's contents to a hash (streamed from disk: files may be large) */
  hashFile(rel: string, h: Hash): Promise<void>;
  readlink(rel: string): string;
  /** the context as a directory on disk (written out on first use) */
  materialize(): Promise<string>;
}

const TYPE_BITS: Record<EntryType, number> = { file: 0o100000, dir: 0o040000, symlink: 0o120000, other: 0 };

export class DiskContextFs implements ContextFs {
  constructor(readonly root: string) {}
  lstat(rel: string): EntryStat | undefined {
    let st;
    try { st = lstatSync(join(this.root, rel)); } catch { return undefined; }
    const type: EntryType = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
    return { type, mode: TYPE_BITS[type] | (st.mode & 0o7777), size: st.size };
  }
  readdir(rel: string): string[] { return readdirSync(join(this.root, rel)).sort(); }
  async readFile(rel: string): Promise<Buffer> { return readFileSync(join(this.root, rel)); }
  hashFile(rel: string, h: Hash): Promise<void> {
    return new Promise((resolve, reject) => {
      createReadStream(join(this.root, rel)).on('data', (d) => h.update(d)).on('end', resolve).on('error', reject);
    });
  }
  readlink(rel: string): string { return readlinkSync(join(this.root, rel)); }
  async materialize(): Promise<string> { return this.root; }
}

interface MemEntry { type: EntryType; mode: number; data?: Buffer; linkname?: string; hardlink?: string; children?: Set<string> }

/** Largest tar kept in memory; bigger contexts go to disk as before. */
export const MEMORY_CONTEXT_MAX_BYTES = 32 * 1024 * 1024;

export class MemoryContextFs implements ContextFs {
  private readonly entries = new Map<string, MemEntry>([['.', { type: 'dir', mode: 0o755, children: new Set() }]]);
  private materialized?: Promise<string>;

  private constructor(private readonly tar: Buffer, private readonly makeDir: () => string) {}

  /** Index a plain tar; `makeDir` gives the directory to write it to if a step needs it on disk. */
  static async fromTar(tar: Buffer, makeDir: () => string): Promise<MemoryContextFs> {
    const fs = new MemoryContextFs(tar, makeDir);
    // parsed in one pass over the buffer (tar-codec.ts says why not tar-stream); file data are views into it
    for (const e of parseTar(tar)) fs.add(e.name, e.type, e.mode & 0o7777, e.data, e.linkname || undefined);
    return fs;
  }

  private norm(name: string): string {
    const p = cleanPath(name.replace(/^\/+/, ''));
    if (p === '..' || p.startsWith('../')) throw new InvalidArgumentError(`build context tar has an entry outside the context: ${name}`, 'ERR_BUILD_CONTEXT');
    return p;
  }

  private ensureDir(rel: string): MemEntry {
    const have = this.entries.get(rel);
    if (have?.type === 'dir') return have;
    const e: MemEntry = { type: 'dir', mode: 0o755, children: new Set() };
    this.put(rel, e);
    return e;
  }

  private put(rel: string, e: MemEntry): void {
    const old = this.entries.get(rel);
    if (old?.type === 'dir' && e.type === 'dir') { old.mode = e.mode; return; } // a dir entry after its files
    if (old?.children) for (const c of old.children) this.removeTree(rel === '.' ? c : `${rel}/${c}`);
    this.entries.set(rel, e);
    if (rel === '.') return;
    const i = rel.lastIndexOf('/');
    const parent = i < 0 ? '.' : rel.slice(0, i);
    this.ensureDir(parent).children!.add(i < 0 ? rel : rel.slice(i + 1));
  }

  private removeTree(rel: string): void {
    const e = this.entries.get(rel);
    if (e?.children) for (const c of e.children) this.removeTree(`${rel}/${c}`);
    this.entries.delete(rel);
  }

  private add(name: string, tarType: string, perm: number, data: Buffer, linkname?: string): void {
    const rel = this.norm(name);
    if (rel === '.') { if (tarType === 'directory') this.entries.get('.')!.mode = perm; return; }
    switch (tarType) {
      case 'directory': this.put(rel, { type: 'dir', mode: perm, children: new Set() }); return;
      case 'file': case 'contiguous-file': this.put(rel, { type: 'file', mode: perm, data }); return;
      case 'symlink': this.put(rel, { type: 'symlink', mode: 0o777, linkname: linkname ?? '' }); return;
      case 'link': this.put(rel, { type: 'file', mode: perm, hardlink: this.norm(linkname ?? '') }); return;
      default: this.put(rel, { type: 'other', mode: perm });
    }
  }

  private get(rel: string): MemEntry | undefined {
    const e = this.entries.get(cleanPath(rel));
    if (e?.hardlink !== undefined) {
      const t = this.entries.get(e.hardlink);
      return t && t.type === 'file' ? t : e; // one inode: the target's mode too
    }
    return e;
  }

  lstat(rel: string): EntryStat | undefined {
    const e = this.get(rel);
    if (!e) return undefined;
    const size = e.type === 'file' ? e.data?.length ?? 0 : e.type === 'symlink' ? Buffer.byteLength(e.linkname ?? '') : 0;
    return { type: e.type, mode: TYPE_BITS[e.type] | (e.type === 'symlink' ? 0o777 : e.mode), size };
  }

  readdir(rel: string): string[] {
    const e = this.get(rel);
    if (!e?.children) throw new InvalidArgumentError(`not a directory in the build context: ${rel}`, 'ERR_BUILD_CONTEXT');
    return [...e.children].sort();
  }

  async readFile(rel: string): Promise<Buffer> {
    const e = this.get(rel);
    if (e?.type !== 'file') throw new InvalidArgumentError(`not a file in the build context: ${rel}`, 'ERR_BUILD_CONTEXT');
    return e.data ?? Buffer.alloc(0);
  }

  async hashFile(rel: string, h: Hash): Promise<void> { h.update(await this.readFile(rel)); }

  readlink(rel: string): string { return this.get(rel)?.linkname ?? ''; }

  materialize(): Promise<string> {
    this.materialized ??= (async () => {
      const dir = this.makeDir();
      await unpackLayer(Readable.from([this.tar]), dir, { mode: 'apply' });
      return dir;
    })();
    return this.materialized;
  }
}
