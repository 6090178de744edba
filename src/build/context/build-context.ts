/**
 * The build context on disk: which files COPY/ADD may read (.dockerignore,
 * `<Dockerfile>.dockerignore` first), source globs, and checksums of exactly
 * the files a step reads (content, mode, type, link target; never mtimes).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, NotFoundError } from '../../common/errors.js';
import { PatternMatcher, cleanPath, globRegex, readIgnoreFile } from './dockerignore.js';

export class BuildContext {
  readonly ignore: PatternMatcher;

  constructor(readonly root: string, dockerfilePath: string) {
    const specific = join(root, dockerfilePath + '.dockerignore');
    const general = join(root, '.dockerignore');
    const file = existsSync(specific) ? specific : existsSync(general) ? general : undefined;
    this.ignore = new PatternMatcher(file ? readIgnoreFile(readFileSync(file, 'utf8')) : []);
  }

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
      try { names = readdirSync(join(this.root, dir)).sort(); } catch { return; }
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
    try { lstatSync(join(this.root, rel)); } catch { return false; }
    if (!this.excluded(rel)) return true;
    // an excluded directory may still hold re-included files
    return this.ignore.hasExclusions && this.list(rel).length > 0;
  }

  /** Every included path below rel (rel itself first when it is included), sorted. */
  list(rel: string, exclude?: PatternMatcher): string[] {
    const out: string[] = [];
    const visit = (p: string, sub: string): void => {
      const st = lstatSync(join(this.root, p));
      const skip = this.excluded(p) || (exclude !== undefined && sub !== '.' && exclude.matches(sub));
      if (!skip) out.push(p);
      if (st.isDirectory() && (!skip || this.ignore.hasExclusions)) {
        for (const n of readdirSync(join(this.root, p)).sort()) visit(p === '.' ? n : `${p}/${n}`, sub === '.' ? n : `${sub}/${n}`);
      }
    };
    visit(rel, '.');
    return out;
  }

  /** Checksum over what lands in a layer for these paths (relative names, types, modes, contents, link targets). */
  async checksum(paths: string[]): Promise<string> {
    const h = createHash('sha256');
    for (const p of paths) {
      const abs = join(this.root, p);
      const st = lstatSync(abs);
      h.update(`${p}\0${st.mode.toString(8)}\0`);
      if (st.isSymbolicLink()) h.update(`l${readlinkSync(abs)}\0`);
      else if (st.isFile()) {
        h.update(`f${st.size}\0`);
        await new Promise<void>((resolve, reject) => {
          createReadStream(abs).on('data', (d) => h.update(d)).on('end', resolve).on('error', reject);
        });
      }
      h.update('\n');
    }
    return 'sha256:' + h.digest('hex');
  }
}
