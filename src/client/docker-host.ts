/**
 * The engine the docker CLI talks to, found as the docker CLI finds it (docker/cli's
 * resolveContextName): -H, else --context, else DOCKER_HOST, else DOCKER_CONTEXT, else the config's
 * currentContext, else the default socket. A named context's endpoint is in
 * $DOCKER_CONFIG/contexts/meta/<sha256 of the name>/meta.json. berth's docker CLI plugin runs with
 * what the docker CLI gave it: the flags before `compose`, its environment and its config.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BerthError } from '../common/errors.js';
import { ContextError, contextDockerHost, DockerContextStore } from './docker-contexts.js';

export const DOCKER_DEFAULT_HOST = 'unix:///var/run/docker.sock';

export interface DockerHostInput {
  /** -H/--host values (the last one is used; the docker CLI refuses several) */
  hosts: string[];
  /** -c/--context */
  context?: string;
  env: NodeJS.ProcessEnv;
  /** $DOCKER_CONFIG, else ~/.docker (--config is applied by the caller by setting it) */
  configDir?: string;
}

export interface DockerHost { host: string; context: string }

function contextError(message: string): BerthError {
  return new BerthError(message, { code: 'ERR_INVALID_ARGUMENT', status: 400, exitCode: 1 });
}

export function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || join(homedir(), '.docker');
}

/** The context's name by docker's rules, and the host it points to. */
export function resolveDockerHost(input: DockerHostInput): DockerHost {
  const { env } = input;
  const dir = input.configDir ?? dockerConfigDir(env);
  if (input.context && input.hosts.length) throw contextError('conflicting options: cannot specify both --host and --context');
  if (input.hosts.length > 1) throw contextError('specify only one -H');
  let name: string;
  if (input.context) name = input.context;
  else if (input.hosts.length || env.DOCKER_HOST) name = 'default';
  else if (env.DOCKER_CONTEXT) name = env.DOCKER_CONTEXT;
  else name = currentContext(dir) || 'default';
  if (name === 'default') return { context: name, host: input.hosts[0] || env.DOCKER_HOST || DOCKER_DEFAULT_HOST };
  return { context: name, host: contextHost(dir, name) };
}

function currentContext(dir: string): string | undefined {
  let text: string;
  try { text = readFileSync(join(dir, 'config.json'), 'utf8'); } catch { return undefined; }
  try {
    const cfg = JSON.parse(text) as { currentContext?: unknown };
    return typeof cfg.currentContext === 'string' ? cfg.currentContext : undefined;
  } catch {
    throw contextError(`cannot read ${join(dir, 'config.json')}: not valid JSON`);
  }
}

/** The docker endpoint of a named context, from its meta.json (the store `berth context` writes). */
export function contextHost(dir: string, name: string): string {
  const store = new DockerContextStore(dir);
  if (!store.exists(name)) throw new ContextError(`context "${name}" does not exist`, 'ERR_CONTEXT_NOT_FOUND', 404);
  return contextDockerHost(store, name);
}
