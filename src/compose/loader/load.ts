/**
 * The loader's pipeline, compose-go's order: find the files → parse YAML (with positions) →
 * interpolate → validate each file against the compose-spec schema → resolve relative paths →
 * include/extends → merge (-f files and overrides) → normalise (long syntax, names, defaults) →
 * check consistency → apply profiles.
 */
import { dirname, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Project } from '../model.js';
import { ComposeLoadError, EXIT_FILE_NOT_FOUND } from './errors.js';
import { envFilesToRead, interpolationEnvironment, processEnv, readEnvFiles } from './environment.js';
import { findComposeFiles } from './find-files.js';
import { interpolateTree } from './interpolate.js';
import { mergeFiles, stripTags } from './merge.js';
import { normalizeProject } from './normalize.js';
import { resolveTreePaths } from './paths.js';
import { activeProfiles, applyProfiles, withoutUnusedResources } from './profiles.js';
import { projectName } from './project-name.js';
import { validateAgainstSchema } from './schema.js';
import { parseComposeYaml, type ParsedFile, type SourceMap } from './yaml-source.js';
import { checkConsistency } from './consistency.js';
import { applyExtends } from './extends.js';
import { applyIncludes } from './include.js';

export interface LoadOptions {
  /** -f, in order; empty: COMPOSE_FILE, else compose.yaml/compose.yml/docker-compose.yaml/.yml upwards from cwd (+ override) */
  files: string[];
  /** -p; else COMPOSE_PROJECT_NAME, else `name:`, else the project directory's base name */
  projectName?: string;
  projectDirectory?: string;
  /** --profile; else COMPOSE_PROFILES */
  profiles: string[];
  /** --env-file; else COMPOSE_ENV_FILES… else <project dir>/.env */
  envFiles: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** what `-f -` reads */
  stdin?: NodeJS.ReadableStream;
  /** warnings as compose v2 logs them (unset variables…), without the `WARN[0000]` prefix */
  warn?: (message: string) => void;
  /** `config --no-interpolate`: keep `${VAR}` as written */
  noInterpolate?: boolean;
  /** skip the consistency checks (`config` still prints what it can) */
  skipConsistencyCheck?: boolean;
  /** --all-resources: keep networks/volumes/secrets/configs that no enabled service uses */
  allResources?: boolean;
}

/** What one file's tree needs to be read: the environment, where its relative paths start, and so on. */
export interface FileContext {
  env: Record<string, string>;
  baseDir: string;
  home: string | undefined;
  noInterpolate: boolean;
  onUnset: (name: string) => void;
  warn: (message: string) => void;
  /** every file's positions, for errors found after merging */
  maps: SourceMap[];
  /** include chain, for cycle detection */
  includeStack: string[];
}

export function readComposeFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ComposeLoadError('ERR_COMPOSE_NO_FILE', `open ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`, EXIT_FILE_NOT_FOUND);
  }
}

/** One file: parsed, interpolated, validated, with paths made absolute; `include` and `extends` applied. */
export function loadFileTree(parsed: ParsedFile, ctx: FileContext): Record<string, unknown> {
  ctx.maps.push(parsed.map);
  if (parsed.value.version !== undefined) {
    ctx.warn(`${parsed.file}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`);
  }
  const interpolated = ctx.noInterpolate
    ? parsed.value
    : interpolateTree(parsed.value, { lookup: (k) => ctx.env[k], map: parsed.map, file: parsed.file, onUnset: ctx.onUnset }) as Record<string, unknown>;
  validateAgainstSchema(stripTags(interpolated), parsed.file, parsed.map);
  let tree = resolveTreePaths(interpolated, ctx.baseDir, ctx.home);
  tree = applyIncludes(tree, parsed, ctx);
  tree = applyExtends(tree, parsed, ctx);
  return tree;
}

/** `-f -`: the whole of stdin, once. */
async function readStdin(stdin: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!stdin) throw new ComposeLoadError('ERR_COMPOSE_NO_FILE', 'no stdin to read the compose file (-f -) from', EXIT_FILE_NOT_FOUND);
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function loadProject(opts: LoadOptions): Promise<Project> {
  const procEnv = processEnv(opts.env);
  const cwd = resolve(opts.cwd);
  const explicitDir = opts.projectDirectory ? resolve(cwd, opts.projectDirectory) : undefined;
  const firstFile = opts.files[0];
  const dotenvDir = explicitDir ?? (firstFile && firstFile !== '-' ? dirname(resolve(cwd, firstFile)) : cwd);

  let envFiles = envFilesToRead(opts.envFiles, procEnv, cwd, dotenvDir);
  let env = interpolationEnvironment(procEnv, readEnvFiles(envFiles.files, procEnv));
  const found = findComposeFiles(opts.files, env, cwd);
  for (const w of found.warnings) opts.warn?.(w);
  const workingDir = explicitDir ?? (found.files[0] === '-' ? cwd : dirname(found.files[0]!));
  if (!envFiles.explicit && envFiles.files.length === 0 && workingDir !== dotenvDir) {
    // the files were found in a parent directory: its .env is the project's
    envFiles = envFilesToRead([], procEnv, cwd, workingDir);
    env = interpolationEnvironment(procEnv, readEnvFiles(envFiles.files, procEnv));
  }

  const stdinText = found.files.includes('-') ? await readStdin(opts.stdin) : '';
  const parsed = found.files.map((f) => parseComposeYaml(f, f === '-' ? stdinText : readComposeFile(f)));
  const warned = new Set<string>();
  const onUnset = (name: string) => {
    if (warned.has(name)) return;
    warned.add(name);
    opts.warn?.(`The ${JSON.stringify(name)} variable is not set. Defaulting to a blank string.`);
  };

  // the name first: `${COMPOSE_PROJECT_NAME}` in the files is the project's name
  let nameFromFiles: string | undefined;
  for (const p of parsed) {
    const n = p.value.name;
    if (typeof n !== 'string') continue;
    nameFromFiles = opts.noInterpolate ? n : String(interpolateTree(n, { lookup: (k) => env[k], map: p.map, file: p.file, onUnset }, ['name']));
  }
  const name = projectName({ explicit: opts.projectName, env, fromFiles: nameFromFiles, workingDir });
  env = { ...env, COMPOSE_PROJECT_NAME: name };

  const ctx: FileContext = { env, baseDir: workingDir, home: procEnv.HOME, noInterpolate: !!opts.noInterpolate, onUnset, warn: (m) => opts.warn?.(m), maps: [], includeStack: [] };
  const trees = parsed.map((p) => loadFileTree(p, ctx));
  const merged = mergeFiles(trees);
  merged.name = name;

  const project = normalizeProject(merged, { name, workingDir, configFiles: found.files, environment: env });
  // --env-file / COMPOSE_ENV_FILES: named by the containers' com.docker.compose.project.environment_file
  if (envFiles.explicit) project.envFiles = envFiles.files;
  // a place for an error found after merging: the last file that has the path (or the sequence
  // item with that text), else the closest ancestor that one has
  const locate = (path: Array<string | number>) => {
    const byText = [...path.slice(0, -1), `=${String(path[path.length - 1])}`];
    for (let n = path.length; n > 0; n--) {
      for (const m of [...ctx.maps].reverse()) {
        if (n === path.length && m.has(byText)) return m.valueAt(byText);
        if (m.has(path.slice(0, n))) return m.keyAt(path.slice(0, n));
      }
    }
    return undefined;
  };
  const profiled = applyProfiles(project, activeProfiles(opts.profiles, env));
  if (!opts.skipConsistencyCheck) checkConsistency(profiled, locate);
  return opts.allResources ? profiled : withoutUnusedResources(profiled);
}
