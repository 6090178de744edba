/**
 * The host programs a rootless engine needs, found on PATH (and the sbin directories, which a user's
 * PATH often lacks). A missing one is ERR_ROOTLESS_TOOL_MISSING naming the Debian package.
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { SystemError } from '../common/errors.js';

/** program → the Debian package that has it */
export const ROOTLESS_TOOL_PACKAGES: Record<string, string> = {
  newuidmap: 'uidmap', newgidmap: 'uidmap', unshare: 'util-linux', nsenter: 'util-linux',
  'fuse-overlayfs': 'fuse-overlayfs',
};

/** The program's path, or undefined. */
export function findTool(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  // the sbin directories too: a user's PATH often lacks them (the programs there still run for users)
  const dirs = [...(env.PATH ?? '').split(':').filter(Boolean), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    const p = join(d, name);
    try { accessSync(p, constants.X_OK); return p; } catch { /* next */ }
  }
  return undefined;
}

export function requireTool(name: string, why: string, env: NodeJS.ProcessEnv = process.env): string {
  const p = findTool(name, env);
  if (p) return p;
  const pkg = ROOTLESS_TOOL_PACKAGES[name] ?? name;
  throw new SystemError(`rootless mode needs ${name} (${why}), which is not installed: install the Debian package "${pkg}" (apt-get install ${pkg})`, 'ERR_ROOTLESS_TOOL_MISSING');
}
