/**
 * $XDG_RUNTIME_DIR for the rootless engine: pam_systemd makes /run/user/<uid> at login, but a user
 * reached through su, cron or ssh without systemd has none. Refuse clearly rather than fall back to a
 * shared directory such as /tmp, where another user could put a socket first.
 */
import { mkdirSync, statSync } from 'node:fs';
import { SystemError } from '../common/errors.js';
import { xdgRuntimeDir } from './paths.js';

export function prepareRootlessRuntimeDir(env: NodeJS.ProcessEnv = process.env, uid: number = process.getuid?.() ?? 0): string {
  const dir = xdgRuntimeDir(env, uid);
  try {
    const st = statSync(dir);
    if (!st.isDirectory() || st.uid !== uid) throw new SystemError(`XDG_RUNTIME_DIR ${dir} is not a directory owned by uid ${uid}`, 'ERR_ROOTLESS_RUNTIME_DIR');
    if ((st.mode & 0o077) !== 0) throw new SystemError(`XDG_RUNTIME_DIR ${dir} is accessible by other users (mode ${(st.mode & 0o777).toString(8)}): chmod 700 it`, 'ERR_ROOTLESS_RUNTIME_DIR');
    return dir;
  } catch (e) {
    if (e instanceof SystemError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new SystemError(`XDG_RUNTIME_DIR ${dir}: ${(e as Error).message}`, 'ERR_ROOTLESS_RUNTIME_DIR');
  }
  try {
    mkdirSync(dir, { mode: 0o700 });
    return dir;
  } catch (e) {
    throw new SystemError(`the rootless engine keeps its socket in $XDG_RUNTIME_DIR, and ${dir} does not exist and cannot be made ` +
      `(${(e as Error).message}): log in through a systemd session (loginctl enable-linger ${uid} keeps it), or set XDG_RUNTIME_DIR to a directory of yours with mode 700`, 'ERR_ROOTLESS_RUNTIME_DIR');
  }
}
