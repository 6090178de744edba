/**
 * The environment that interpolation reads: the process's, then the env files (--env-file, several,
 * later ones win; else COMPOSE_ENV_FILES; else `.env` in the project directory). The process wins over
 * the files, as in compose v2. Also the reading of a service's `env_file:` entries.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseDotenv, DotenvSyntaxError } from './dotenv.js';
import { ComposeLoadError } from './errors.js';
import type { Lookup } from './template.js';

export function processEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/** Which env files apply: explicit ones (relative to cwd), COMPOSE_ENV_FILES, else `<dir>/.env` when it exists. */
export function envFilesToRead(explicit: string[], env: Record<string, string>, cwd: string, dotenvDir: string): { files: string[]; explicit: boolean } {
  if (explicit.length) return { files: explicit.map((f) => resolve(cwd, f)), explicit: true };
  const fromEnv = (env.COMPOSE_ENV_FILES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (fromEnv.length) return { files: fromEnv.map((f) => resolve(cwd, f)), explicit: true };
  if (/^(1|t|true)$/i.test(env.COMPOSE_DISABLE_ENV_FILE ?? '')) return { files: [], explicit: false };
  const dotenv = join(dotenvDir, '.env');
  if (existsSync(dotenv) && !statSync(dotenv).isDirectory()) return { files: [dotenv], explicit: false };
  return { files: [], explicit: false };
}

/** The values of the env files, in order (later wins); each file may use the process env and earlier values. */
export function readEnvFiles(files: string[], base: Record<string, string>): Record<string, string> {
  const fromFiles: Record<string, string> = {};
  for (const file of files) {
    if (!existsSync(file)) throw new ComposeLoadError('ERR_COMPOSE_ENV_FILE', `couldn't find env file: ${file}`);
    if (statSync(file).isDirectory()) throw new ComposeLoadError('ERR_COMPOSE_ENV_FILE', `${file} is a directory`);
    const values = parseEnvFile(file, undefined, (k) => base[k] ?? fromFiles[k]);
    Object.assign(fromFiles, values);
  }
  return fromFiles;
}

/** The interpolation environment: env-file values under the process's own. */
export function interpolationEnvironment(processValues: Record<string, string>, fileValues: Record<string, string>): Record<string, string> {
  return { ...fileValues, ...processValues };
}

/** One env file in compose's dotenv grammar, or `format: raw` (each line KEY=VALUE taken literally). */
export function parseEnvFile(file: string, format: string | undefined, lookup: Lookup): Record<string, string> {
  const text = readFileSync(file, 'utf8');
  if (format === 'raw') {
    const out: Record<string, string> = {};
    for (const line of text.split(/\r?\n/)) {
      if (!line.trim() || line.trimStart().startsWith('#')) continue;
      const eq = line.indexOf('=');
      if (eq < 0) { const v = lookup(line.trim()); if (v !== undefined) out[line.trim()] = v; continue; }
      out[line.slice(0, eq).trim()] = line.slice(eq + 1);
    }
    return out;
  }
  if (format !== undefined && format !== '' && format !== 'dotenv') {
    throw new ComposeLoadError('ERR_COMPOSE_ENV_FILE', `unsupported env_file format ${JSON.stringify(format)} for ${file}`);
  }
  try {
    return parseDotenv(text, lookup);
  } catch (e) {
    if (e instanceof DotenvSyntaxError) throw new ComposeLoadError('ERR_COMPOSE_ENV_FILE', `failed to read ${file}: ${e.message}`);
    throw e;
  }
}

/**
 * A service's environment as compose resolves it: the env_file values (in order), then `environment`
 * over them; a bare `KEY` takes the project environment's value, or stays null when it has none.
 */
export function resolveServiceEnvironment(
  environment: Record<string, string | null>,
  envFiles: Array<{ path: string; required: boolean; format?: string }>,
  project: Record<string, string>,
): Record<string, string | null> {
  const declared: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(environment)) declared[k] = v === null ? (Object.hasOwn(project, k) ? project[k]! : null) : v;
  const fromFiles: Record<string, string> = {};
  for (const f of envFiles) {
    if (!isAbsolute(f.path)) throw new Error(`env_file path not resolved: ${f.path}`);
    if (!existsSync(f.path)) {
      if (f.required) throw new ComposeLoadError('ERR_COMPOSE_ENV_FILE', `env file ${f.path} not found: stat ${f.path}: no such file or directory`);
      continue;
    }
    Object.assign(fromFiles, parseEnvFile(f.path, f.format, (k) => project[k] ?? (declared[k] ?? undefined)));
  }
  return { ...fromFiles, ...declared };
}

/** A service's `label_file:` entries, in order (later files win); `labels` go over them. */
export function readLabelFiles(files: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const file of files) {
    if (!existsSync(file)) throw new ComposeLoadError('ERR_COMPOSE_FILE', `label file ${file} not found: stat ${file}: no such file or directory`);
    Object.assign(labels, parseEnvFile(file, undefined, (k) => labels[k]));
  }
  return labels;
}
