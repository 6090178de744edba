/**
 * The project's name: -p, else COMPOSE_PROJECT_NAME (both explicit: an invalid one is an error), else
 * the last `name:` of the files, else the project directory's base name (both normalised: lowercase,
 * only [a-z0-9_-], not starting with `_` or `-`).
 */
import { basename } from 'node:path';
import { ComposeLoadError } from './errors.js';

export function normalizeProjectName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[_-]+/, '');
}

export function invalidProjectName(v: string): ComposeLoadError {
  return new ComposeLoadError('ERR_COMPOSE_INVALID',
    `invalid project name ${JSON.stringify(v)}: must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`);
}

export function projectName(opts: { explicit?: string; env: Record<string, string>; fromFiles?: string; workingDir: string }): string {
  const explicit = opts.explicit || opts.env.COMPOSE_PROJECT_NAME;
  if (explicit) {
    if (normalizeProjectName(explicit) !== explicit) throw invalidProjectName(explicit);
    return explicit;
  }
  const fromFiles = normalizeProjectName(opts.fromFiles ?? '');
  if (fromFiles) return fromFiles;
  const fromDir = normalizeProjectName(basename(opts.workingDir));
  if (!fromDir) throw new ComposeLoadError('ERR_COMPOSE_INVALID', 'project name must not be empty');
  return fromDir;
}
