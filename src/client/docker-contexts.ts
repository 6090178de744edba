/**
 * The docker CLI's context store, read and written in its own format so that `docker context` and
 * `berth context` share one set of contexts:
 *   $DOCKER_CONFIG/contexts/meta/<sha256 of the name>/meta.json   {"Name","Metadata","Endpoints"}
 *   $DOCKER_CONFIG/contexts/tls/<sha256 of the name>/<endpoint>/{ca,cert,key}.pem
 *   $DOCKER_CONFIG/config.json                                     "currentContext"
 * and the docker CLI's rules for which context a command uses (resolveContextName in docker/cli).
 * In the client layer so that the CLI and compose resolve an engine the same way.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BerthError, type ErrorCode } from '../common/errors.js';

export const DEFAULT_CONTEXT = 'default';
/** what the docker CLI says of its built-in context */
export const DEFAULT_DESCRIPTION = 'Current DOCKER_HOST based configuration';
/** docker/cli's store.restrictedNamePattern */
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$/;
/** the TLS files an endpoint may carry, as the docker CLI names them */
export const TLS_FILES = ['ca.pem', 'cert.pem', 'key.pem'] as const;

/** A context error: the docker CLI exits 1 for all of them. */
export class ContextError extends BerthError {
  constructor(message: string, code: ErrorCode, status = 400) { super(message, { code, status, exitCode: 1 }); }
}

export interface DockerEndpointMeta { Host?: string; SkipTLSVerify?: boolean; [k: string]: unknown }

/** meta.json as stored; fields this module does not know (other endpoints, other tools' metadata) are kept. */
export interface ContextMetadata {
  Name: string;
  Metadata: { Description?: string; [k: string]: unknown };
  Endpoints: { docker?: DockerEndpointMeta; [k: string]: unknown };
}

/** TLS material per endpoint: file name → content */
export type TlsMaterial = Record<string, Record<string, Buffer>>;

export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

/** The directory name of a context: the hex sha256 of its name (docker/cli's contextdirOf). */
export function contextId(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

export function validateContextName(name: string): void {
  if (name === DEFAULT_CONTEXT) throw new ContextError(`"${name}" is a reserved context name`, 'ERR_CONTEXT_INVALID');
  if (!NAME_PATTERN.test(name)) {
    throw new ContextError(`context name "${name}" is invalid, names are validated against regexp "${NAME_PATTERN.source}"`, 'ERR_CONTEXT_INVALID');
  }
}

/** Write through a temporary file and a rename, as the docker CLI does, so a reader never sees half a file. */
function writeAtomic(path: string, data: string | Buffer, mode: number): void {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, data, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}

export class DockerContextStore {
  constructor(readonly configDir: string) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): DockerContextStore {
    return new DockerContextStore(dockerConfigDir(env));
  }

  get configPath(): string { return join(this.configDir, 'config.json'); }
  metaDir(name: string): string { return join(this.configDir, 'contexts', 'meta', contextId(name)); }
  tlsDir(name: string): string { return join(this.configDir, 'contexts', 'tls', contextId(name)); }

  exists(name: string): boolean { return existsSync(join(this.metaDir(name), 'meta.json')); }

  /** A context's meta.json; a missing one is docker's "context not found" (its wording, path included). */
  read(name: string): ContextMetadata {
    const path = join(this.metaDir(name), 'meta.json');
    let text: string;
    try { text = readFileSync(path, 'utf8'); } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') throw new ContextError(`context "${name}": context not found: open ${path}: no such file or directory`, 'ERR_CONTEXT_NOT_FOUND', 404);
      throw new ContextError(`context "${name}": cannot read ${path}: ${err.message}`, 'ERR_CONTEXT_STORE', 500);
    }
    let meta: unknown;
    try { meta = JSON.parse(text); } catch (e) {
      throw new ContextError(`context "${name}": parsing ${path}: ${(e as Error).message}`, 'ERR_CONTEXT_STORE', 500);
    }
    if (!meta || typeof meta !== 'object' || Array.isArray(meta)) throw new ContextError(`context "${name}": ${path} is not a JSON object`, 'ERR_CONTEXT_STORE', 500);
    const m = meta as Partial<ContextMetadata>;
    return { ...m, Name: typeof m.Name === 'string' ? m.Name : name, Metadata: m.Metadata && typeof m.Metadata === 'object' ? m.Metadata : {}, Endpoints: m.Endpoints && typeof m.Endpoints === 'object' ? m.Endpoints : {} };
  }

  /** The names of every stored context (each meta dir names its context inside; the dir name is a hash). */
  list(): Array<{ name: string; meta?: ContextMetadata; error?: string }> {
    const root = join(this.configDir, 'contexts', 'meta');
    let dirs: string[];
    try { dirs = readdirSync(root); } catch { return []; }
    const out: Array<{ name: string; meta?: ContextMetadata; error?: string }> = [];
    for (const d of dirs) {
      const path = join(root, d, 'meta.json');
      if (!existsSync(path)) continue;
      try {
        const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ContextMetadata>;
        if (typeof parsed.Name !== 'string') { out.push({ name: d, error: `${path}: no Name` }); continue; }
        out.push({ name: parsed.Name, meta: this.read(parsed.Name) });
      } catch (e) {
        out.push({ name: d, error: (e as Error).message });
      }
    }
    return out;
  }

  /** The endpoint files of a context, per endpoint ({"docker": ["ca.pem", ...]}), as `context inspect` lists them. */
  tlsFileNames(name: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    const dir = this.tlsDir(name);
    let endpoints: string[];
    try { endpoints = readdirSync(dir); } catch { return out; }
    for (const ep of endpoints.sort()) {
      try { const files = readdirSync(join(dir, ep)).sort(); if (files.length) out[ep] = files; } catch { /* not a directory */ }
    }
    return out;
  }

  readTls(name: string): TlsMaterial {
    const out: TlsMaterial = {};
    for (const [ep, files] of Object.entries(this.tlsFileNames(name))) {
      out[ep] = {};
      for (const f of files) out[ep][f] = readFileSync(join(this.tlsDir(name), ep, f));
    }
    return out;
  }

  /** Store meta.json (docker writes it compact, 0644 in a 0755 directory). */
  write(meta: ContextMetadata): void {
    const dir = this.metaDir(meta.Name);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    writeAtomic(join(dir, 'meta.json'), JSON.stringify(meta), 0o644);
  }

  /** Replace the TLS files of the endpoints named in `tls` (an endpoint with no files loses its old ones). */
  writeTls(name: string, tls: TlsMaterial): void {
    for (const [ep, files] of Object.entries(tls)) {
      const dir = join(this.tlsDir(name), ep);
      rmSync(dir, { recursive: true, force: true });
      if (Object.keys(files).length === 0) continue;
      // private keys: the directories and files are the user's only, as docker makes them
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      for (const [f, data] of Object.entries(files)) writeAtomic(join(dir, f), data, 0o600);
    }
    try { if (readdirSync(this.tlsDir(name)).length === 0) rmSync(this.tlsDir(name), { recursive: true, force: true }); } catch { /* none */ }
  }

  remove(name: string): void {
    rmSync(this.metaDir(name), { recursive: true, force: true });
    rmSync(this.tlsDir(name), { recursive: true, force: true });
  }

  /** config.json as an object ({} when absent). */
  private readConfig(): Record<string, unknown> {
    let text: string;
    try { text = readFileSync(this.configPath, 'utf8'); } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new ContextError(`cannot read ${this.configPath}: ${(e as Error).message}`, 'ERR_CONTEXT_STORE', 500);
    }
    if (text.trim() === '') return {};
    let cfg: unknown;
    try { cfg = JSON.parse(text); } catch (e) {
      throw new ContextError(`cannot read ${this.configPath}: ${(e as Error).message}`, 'ERR_CONTEXT_STORE', 500);
    }
    if (!cfg || typeof cfg !== 'object' || Array.isArray(cfg)) throw new ContextError(`cannot read ${this.configPath}: not a JSON object`, 'ERR_CONTEXT_STORE', 500);
    return cfg as Record<string, unknown>;
  }

  /** The config's currentContext, '' when none is set. */
  currentContext(): string {
    const v = this.readConfig().currentContext;
    return typeof v === 'string' ? v : '';
  }

  /**
   * Set (or with '' / "default", clear) currentContext, keeping every other key of config.json
   * (credentials among them) and its mode; written with tabs as the docker CLI writes it.
   */
  setCurrentContext(name: string): void {
    const had = existsSync(this.configPath);
    const cfg = had ? this.readConfig() : { auths: {} };
    if (name === '' || name === DEFAULT_CONTEXT) delete cfg.currentContext;
    else cfg.currentContext = name;
    let mode = 0o600;
    if (had) { try { mode = statSync(this.configPath).mode & 0o777; } catch { /* keep 0600 */ } }
    mkdirSync(this.configDir, { recursive: true, mode: 0o700 });
    writeAtomic(this.configPath, JSON.stringify(cfg, null, '\t'), mode);
  }
}

export interface ContextChoiceInput {
  /** -H/--host given */
  host?: string;
  /** -c/--context given */
  context?: string;
  env: NodeJS.ProcessEnv;
  store: DockerContextStore;
}

/**
 * The name of the context a command uses, by the docker CLI's rules: --context, else "default" when
 * -H or a host variable (BERTH_HOST, DOCKER_HOST) names an engine, else $DOCKER_CONTEXT, else the
 * config's currentContext, else "default". Both -H and --context is docker's error.
 */
export function resolveContextName(input: ContextChoiceInput): string {
  const { env } = input;
  if (input.host && input.context) throw new ContextError('conflicting options: cannot specify both --host and --context', 'ERR_CONTEXT_CONFLICT');
  if (input.context) return input.context;
  if (input.host || env.BERTH_HOST || env.DOCKER_HOST) return DEFAULT_CONTEXT;
  if (env.DOCKER_CONTEXT) return env.DOCKER_CONTEXT;
  // an unreadable config.json is the docker CLI's warning and its defaults, not a failed command
  let current = '';
  try { current = input.store.currentContext(); } catch { /* config-formats.ts warns about the file */ }
  return current || DEFAULT_CONTEXT;
}

/** The docker endpoint's host of a stored context ("unix:///run/x.sock", "tcp://..."). */
export function contextDockerHost(store: DockerContextStore, name: string): string {
  const meta = store.read(name);
  const host = meta.Endpoints.docker?.Host;
  if (typeof host !== 'string' || host === '') throw new ContextError(`context "${name}" has no docker endpoint`, 'ERR_CONTEXT_ENDPOINT');
  return host;
}

/**
 * The socket a unix:// endpoint names. berth's client speaks to unix sockets only, so a context
 * that points at TCP (which the docker CLI may use) is refused with the context's name.
 */
export function contextSocket(name: string, host: string): string {
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  if (host.startsWith('/')) return host;
  throw new ContextError(`context "${name}" points to ${host}: berth talks to unix:// sockets only`, 'ERR_CONTEXT_ENDPOINT');
}
