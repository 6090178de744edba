/**
 * What `berth lint` and `berth build --check` lint: a Dockerfile found from a path (a directory holds
 * `Dockerfile` or `Containerfile`; `-` is stdin), the build context it belongs to, and the context's
 * `.dockerignore` (`<Dockerfile>.dockerignore` first, as the builder reads it).
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InvalidArgumentError, NotFoundError } from '../common/errors.js';

const DOCKERFILE_NAMES = ['Dockerfile', 'Containerfile', 'dockerfile', 'containerfile'];

export interface LintTarget {
  /** the name findings carry (the path as the user gave it) */
  label: string;
  text: string;
  /** the .dockerignore's text, when the context has one */
  dockerignore?: string;
  /** a .dockerignore that exists but could not be read */
  ignoreWarning?: string;
  /** the build context's directory (where `.berth-lint.yaml` is looked for); stdin: the working directory */
  contextDir: string;
}

function isDir(p: string): boolean {
  try { return statSync(p).isDirectory(); } catch { return false; }
}

function readText(path: string, label: string): string {
  try { return readFileSync(path, 'utf8'); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new NotFoundError(`${label}: no such file or directory`, 'ERR_LINT');
    if (code === 'EISDIR') throw new InvalidArgumentError(`${label}: is a directory`, 'ERR_LINT');
    throw new InvalidArgumentError(`${label}: cannot read: ${(e as Error).message}`, 'ERR_LINT');
  }
}

function readIgnore(dockerfilePath: string | undefined, contextDir: string): Pick<LintTarget, 'dockerignore' | 'ignoreWarning'> {
  const candidates = [...(dockerfilePath ? [dockerfilePath + '.dockerignore'] : []), join(contextDir, '.dockerignore')];
  for (const c of candidates) {
    try { return { dockerignore: readFileSync(c, 'utf8') }; } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      return { ignoreWarning: `${c}: cannot read: ${(e as Error).message}; linting without it` };
    }
  }
  return {};
}

/** The Dockerfile in a directory, or undefined. */
export function findDockerfile(dir: string): string | undefined {
  return DOCKERFILE_NAMES.map((n) => join(dir, n)).find((p) => { try { return statSync(p).isFile(); } catch { return false; } });
}

/**
 * One lint target. `path`: a directory (the context), a Dockerfile, or `-` (stdin, no context).
 * `file`: `-f`, a Dockerfile path relative to the working directory (with `path` a directory: its context).
 */
export function resolveLintTarget(path: string, file: string | undefined, stdin: () => string): LintTarget {
  if (file === '-' || (path === '-' && !file)) return { label: '-', text: stdin(), contextDir: '.' };
  if (file) {
    const ctxDir = path === '-' ? '.' : isDir(path) ? path : dirname(path);
    return { label: file, text: readText(file, file), ...readIgnore(file, ctxDir), contextDir: ctxDir };
  }
  if (isDir(path)) {
    const found = findDockerfile(path);
    if (!found) throw new NotFoundError(`${path}: no Dockerfile or Containerfile in this directory`, 'ERR_LINT');
    return { label: found, text: readText(found, found), ...readIgnore(found, path), contextDir: path };
  }
  // a Dockerfile path: its directory is taken as the build context
  return { label: path, text: readText(path, path), ...readIgnore(path, dirname(path)), contextDir: dirname(path) };
}

/** `--build-arg K=V` (a bare K takes the environment's value, as docker does; unset: not given). */
export function buildArgValues(list: string[], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list) {
    const i = a.indexOf('=');
    if (i < 0) { const v = env[a]; if (v !== undefined) out[a] = v; } else out[a.slice(0, i)] = a.slice(i + 1);
  }
  return out;
}
