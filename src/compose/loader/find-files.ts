/**
 * Which compose files make the project: -f (in order), else COMPOSE_FILE (split on
 * COMPOSE_PATH_SEPARATOR, ':' by default), else the first of compose v2's default names found in the
 * working directory or the nearest parent, with its override file next to it.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ComposeLoadError, EXIT_FILE_NOT_FOUND } from './errors.js';

export const DEFAULT_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
export const DEFAULT_OVERRIDE_NAMES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

export interface FoundFiles {
  files: string[];
  /** how they were found; a default-name search may warn about several candidates */
  warnings: string[];
}

export function findComposeFiles(explicit: string[], env: Record<string, string>, cwd: string): FoundFiles {
  let named = explicit;
  if (!named.length && env.COMPOSE_FILE) {
    const sep = env.COMPOSE_PATH_SEPARATOR || ':';
    named = env.COMPOSE_FILE.split(sep).filter(Boolean);
  }
  if (named.length) {
    const files = named.map((f) => {
      if (f === '-') return '-'; // read from stdin by the loader
      const abs = resolve(cwd, f);
      if (!existsSync(abs)) throw new ComposeLoadError('ERR_COMPOSE_NO_FILE', `open ${abs}: no such file or directory`, EXIT_FILE_NOT_FOUND);
      if (statSync(abs).isDirectory()) throw new ComposeLoadError('ERR_COMPOSE_NO_FILE', `read ${abs}: is a directory`, EXIT_FILE_NOT_FOUND);
      return abs;
    });
    return { files, warnings: [] };
  }
  const warnings: string[] = [];
  for (let dir = resolve(cwd), guard = 0; guard < 256; guard++) {
    const found = DEFAULT_FILE_NAMES.map((n) => join(dir, n)).filter(isFile);
    if (found.length) {
      if (found.length > 1) warnings.push(`Found multiple config files with supported names: ${found.join(', ')}\nUsing ${found[0]}`);
      const overrides = DEFAULT_OVERRIDE_NAMES.map((n) => join(dir, n)).filter(isFile);
      if (overrides.length > 1) warnings.push(`Found multiple override files with supported names: ${overrides.join(', ')}\nUsing ${overrides[0]}`);
      return { files: overrides.length ? [found[0]!, overrides[0]!] : [found[0]!], warnings };
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new ComposeLoadError('ERR_COMPOSE_NO_FILE', 'no configuration file provided: not found', EXIT_FILE_NOT_FOUND);
}

function isFile(p: string): boolean {
  try { return statSync(p).isFile(); } catch { return false; }
}
