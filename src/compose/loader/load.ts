/**
 * The loader's pipeline, compose-go's order: find the files → parse YAML (with positions) →
 * interpolate → include/extends → merge (-f files and overrides) → validate against the compose-spec
 * schema → normalise (long syntax, names, defaults) → apply profiles → resolve paths.
 */
import { NotSupportedError } from '../../common/errors.js';
import type { Project } from '../model.js';

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
}

export async function loadProject(_opts: LoadOptions): Promise<Project> {
  throw new NotSupportedError('compose files cannot be loaded yet');
}
