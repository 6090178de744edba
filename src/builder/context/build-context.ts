/**
 * The build context on disk: which files COPY/ADD may read (.dockerignore,
 * `<Dockerfile>.dockerignore` first), source globs, and checksums of exactly
 * the files a step reads (content, mode, type, link target; never mtimes).
 */
import { createHash } from 'node:crypto';
import { InvalidArgumentError, NotFoundError } from '../../common/errors.js';
import { PatternMatcher, cleanPath, globRegex, readIgnoreFile } from './dockerignore.js';
import type { ContextFs } from './context-fs.js';

export class BuildContext {
  readonly ignore: PatternMatcher;

  private constructor(readonly fs: ContextFs, ignore: PatternMatcher) { this.ignore = ignore; }

  static async open(fs: ContextFs, dockerfilePath: string): Promise<BuildContext> {
    const file = [dockerfilePath + '.dockerignore', '.dockerignore'].find((f) => fs.lstat(f)?.type === 'file');
    return new BuildContext(fs, new PatternMatcher(file ? readIgnoreFile((await fs.readFile(file)).toString('utf8')) : []));
  }

  /** The context as a directory on disk (written out only now, for a step that runs). */
  root(): Promise<string> { return this.fs.materialize(); }

  /** Context-relative clean path; refuses paths that leave the context. */
  relPath(src: string): string {
    const p = cleanPath(src.replace(/^\/+/, ''));
    if (p === '..' || p.startsWith('../')) throw new InvalidArgumentError(`forbidden path outside the build context: ${src} ()`, 'ERR_BUILD_OUTSIDE_CONTEXT');
    return p;
  }

  excluded(rel: string): boolean { return rel !== '.' && this.ignore.matches(rel); }

  /** Sources a COPY/ADD names: globs expanded, ignored files dropped. */
  resolveSources(src: string): string[] {
    const rel = this.relPath(src);
    if (!/[*?[\\]/.test(rel)) {
      if (!this.existsIncluded(rel)) {
        throw new NotFoundError(`COPY failed: file not found in build context or excluded by .dockerignore: stat ${rel}: file does not exist`, 'ERR_BUILD_SOURCE_NOT_FOUND');
      }
      return [rel];
    }
    const matches: string[] = [];
    const parts = rel.split('/');
    const walk = (dir: string, i: number): void => {
      if (i === parts.length) { matches.push(dir); return; }
      const re = globRegex(parts[i]);
      let names: string[] = [];
      if (this.fs.lstat(dir)?.type !== 'dir') return;
      try { names = this.fs.readdir(dir); } catch { return; }
      for (const n of names) {
        const child = dir === '.' ? n : `${dir}/${n}`;
        if (re.test(n) && !this.excluded(child)) walk(child, i + 1);
      }
    };
    walk('.', 0);
    if (matches.length === 0) throw new NotFoundError(`COPY failed: no source files were specified`, 'ERR_BUILD_SOURCE_NOT_FOUND');
    return matches;
  }

  private existsIncluded(rel: string): boolean {
    if (!this.fs.lstat(rel)) return false;
    if (!this.excluded(rel)) return true;
    // an excluded directory may still hold re-included files
    return this.ignore.hasExclusions && this.list(rel).length > 0;
  }

  /** Every included path below rel (rel itself first when it is included), sorted. */
  list(rel: string, exclude?: PatternMatcher): string[] {
    const out: string[] = [];
    const visit = (p: string, sub: string): void => {
      const st = this.fs.lstat(p);
      if (!st) return;
      const skip = this.excluded(p) || (exclude !== undefined && sub !== '.' && exclude.matches(sub));
      if (!skip) out.push(p);
      if (st.type === 'dir' && (!skip || this.ignore.hasExclusions)) {
        for (const n of this.fs.readdir(p)) visit(p === '.' ? n : `${p}/${n}`, sub === '.' ? n : `${sub}/${n}`);
      }
    };
    visit(rel, '.');
    return out;
  }

  /** Checksum over what lands in a layer for these paths (relative names, types, modes, contents, link targets). */
  async checksum(paths: string[]): Promise<string> {
    const h = createHash('sha256');
    for (const p of paths) {
      const st = this.fs.lstat(p);
      if (!st) continue;
      h.update(`${p}\0${st.mode.toString(8)}\0`);
      if (st.type === 'symlink') h.update(`l${this.fs.readlink(p)}\0`);
      else if (st.type === 'file') {
        h.update(`f${st.size}\0`);
        await this.fs.hashFile(p, h);
      }
      h.update('\n');
    }
    return 'sha256:' + h.digest('hex');
  }
}
