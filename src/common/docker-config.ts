/**
 * The docker CLI's config file, $DOCKER_CONFIG/config.json (else ~/.docker/config.json): credentials
 * (src/registry/client/credentials.ts) and the CLI's output defaults (psFormat...) both live there.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SystemError } from './errors.js';

export function dockerConfigPath(): string {
  return join(process.env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json');
}

/** The parsed config: {} when there is none; a SystemError (ERR_CONFIG) when it cannot be read or parsed. */
export function readDockerConfig(): Record<string, any> {
  const path = dockerConfigPath();
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new SystemError(`cannot read ${path}: ${(e as Error).message}`, 'ERR_CONFIG', e);
  }
  let cfg: unknown;
  try { cfg = text.trim() === '' ? {} : JSON.parse(text); } catch (e) {
    throw new SystemError(`cannot read ${path}: ${(e as Error).message}`, 'ERR_CONFIG', e);
  }
  if (!cfg || typeof cfg !== 'object' || Array.isArray(cfg)) throw new SystemError(`cannot read ${path}: not a JSON object`, 'ERR_CONFIG');
  return cfg as Record<string, any>;
}
