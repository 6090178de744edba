import { lstat, mkdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ArchiveError } from '../common/errors.js';

/** Longest chain of symlinks followed while resolving one path (as the kernel's ELOOP limit). */
const MAX_SYMLINKS = 40;

/**
 * Split a tar entry name into clean components. A leading `/` is relative to the
 * layer root (as Docker does); `.` and empty parts vanish; `..` may climb inside the
 * name but never above the root.
 */
export function entryComponents(name: string): string[] {
  if (name.includes('\0')) throw new ArchiveError(`tar entry name contains a NUL byte: ${JSON.stringify(name)}`, 'ERR_ARCHIVE_BAD_NAME');
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) throw new ArchiveError(`tar entry ${JSON.stringify(name)} escapes the target directory`, 'ERR_ARCHIVE_PATH_ESCAPE');
      out.pop();
      continue;
    }
    out.push(part);
  }
  return out;
}

function isNotFound(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT';
}

/**
 * Resolve directory components below root the way the container will see them:
 * every component is lstat'ed; symlinks are followed *inside* root (an absolute
 * target starts again at root, as in a chroot). A relative symlink that climbs
 * above root is a hostile archive and is refused. Missing directories are created
 * (mode 0755) when `create` is set. Returns a host path with no symlink in it.
 */
export async function resolveDirInRoot(root: string, comps: string[], opts: { create: boolean; what: string }): Promise<string> {
  const resolved: string[] = [];
  const pending = [...comps];
  let links = 0;
  while (pending.length > 0) {
    const comp = pending.shift()!;
    if (comp === '' || comp === '.') continue;
    if (comp === '..') {
      if (resolved.length === 0) {
        throw new ArchiveError(`${opts.what}: a symlink on the way points outside the target directory`, 'ERR_ARCHIVE_SYMLINK_ESCAPE');
      }
      resolved.pop();
      continue;
    }
    const host = join(root, ...resolved, comp);
    let st;
    try {
      st = await lstat(host);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      if (!opts.create) throw new ArchiveError(`${opts.what}: /${[...resolved, comp].join('/')} does not exist`, 'ERR_ARCHIVE_MISSING_TARGET');
      await mkdir(host, { mode: 0o755 });
      resolved.push(comp);
      continue;
    }
    if (st.isDirectory()) { resolved.push(comp); continue; }
    if (st.isSymbolicLink()) {
      if (++links > MAX_SYMLINKS) throw new ArchiveError(`${opts.what}: too many levels of symbolic links`, 'ERR_ARCHIVE_SYMLINK_LOOP');
      const target = await readlink(host);
      if (target.startsWith('/')) resolved.length = 0;
      pending.unshift(...target.split('/'));
      continue;
    }
    throw new ArchiveError(`${opts.what}: /${[...resolved, comp].join('/')} is not a directory`, 'ERR_ARCHIVE_NOT_DIR');
  }
  return join(root, ...resolved);
}
