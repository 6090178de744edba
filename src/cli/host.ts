/**
 * Which socket the CLI talks to, and starting the daemon in the background when that socket does
 * not answer (the CLI is a client; `berth serve` owns all state).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, fstatSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../common/errors.js';
import { ConnectError, EngineClient } from '../client/engine-client.js';
import { DAEMON_NODE_FLAGS } from '../daemon/node-flags.js';
import { defaultSocket, isRootlessUser } from '../rootless/paths.js';


/** -H value → socket path. Accepts unix:///path and a bare path; other schemes are not supported. */
export function socketFromHost(host: string): string {
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  if (host.startsWith('/')) return host;
  if (/^[a-z]+:\/\//.test(host)) throw new UsageError(`unsupported host '${host}': only unix:// sockets are supported`);
  throw new UsageError(`invalid host '${host}': expected unix:///path/to/socket`);
}

/** -H, then $BERTH_HOST, then $DOCKER_HOST (if unix://), then $BERTH_RUN_ROOT/berth.sock, then /run/berth/berth.sock for root
 * or $XDG_RUNTIME_DIR/berth.sock for any other user (their rootless engine). */
/**
 * A socket named by -H or BERTH_HOST is ours to start; one taken from DOCKER_HOST belongs to some
 * other engine, so we never start berth there. BERTH_NO_AUTOSTART=1 turns autostart off.
 */
export function resolveHost(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): { socket: string; autostart: boolean } {
  const allowed = env.BERTH_NO_AUTOSTART !== '1';
  if (explicit) return { socket: socketFromHost(explicit), autostart: allowed };
  if (env.BERTH_HOST) return { socket: socketFromHost(env.BERTH_HOST), autostart: allowed };
  if (env.DOCKER_HOST && env.DOCKER_HOST.startsWith('unix://')) return { socket: socketFromHost(env.DOCKER_HOST), autostart: false };
  if (env.BERTH_RUN_ROOT) return { socket: join(env.BERTH_RUN_ROOT, 'berth.sock'), autostart: allowed };
  return { socket: defaultSocket(env), autostart: allowed };
}

function sleep(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)); }

/**
 * The daemon's entry: dist/cli/start.cjs (what bin/berth runs for serve) when built, else main.js
 * (this file's sibling once compiled). The bundle has commander inside, so a clone without
 * node_modules gets main()'s one-line message about what is missing, not Node's link error.
 */
function cliMainPath(): string {
  const dir = dirname(fileURLToPath(import.meta.url));
  const start = join(dir, 'start.cjs');
  return existsSync(start) ? start : join(dir, 'main.js');
}

/**
 * Start `berth serve` detached with its output in <run-root>/berth.log, then wait until /_ping
 * answers (15 s at most).
 */
export async function startDaemon(client: EngineClient, socket: string, opts: { quiet?: boolean } = {}): Promise<void> {
  const runRoot = dirname(socket);
  mkdirSync(runRoot, { recursive: true, mode: 0o711 });
  const logPath = join(runRoot, 'berth.log');
  const fd = openSync(logPath, 'a');
  const logStart = fstatSync(fd).size;
  // a user's own engine at $XDG_RUNTIME_DIR/berth.sock keeps its run root in $XDG_RUNTIME_DIR/berth, not beside the socket
  const ownRootless = isRootlessUser() && socket === defaultSocket(process.env);
  const env = ownRootless ? { ...process.env } : { ...process.env, BERTH_RUN_ROOT: process.env.BERTH_RUN_ROOT ?? runRoot };
  let child;
  try {
    child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, cliMainPath(), 'serve', '-H', `unix://${socket}`], { detached: true, stdio: ['ignore', fd, fd], env });
  } finally {
    closeSync(fd);
  }
  let exited: number | null = null;
  child.on('exit', (code) => { exited = code ?? 1; });
  child.unref();
  const deadline = Date.now() + 15000;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    if (exited !== null) {
      // its last words say why (a broken install names the missing piece and the fix)
      const why = lastLogLine(logPath, logStart).replace(/^berth: /, '');
      throw new ConnectStartError(`the berth daemon exited with code ${exited} while starting${why ? `: ${why}` : ''}; see ${logPath}`);
    }
    try {
      await client.ping();
      if (!opts.quiet) process.stderr.write(`berth: started daemon (pid ${child.pid})\n`);
      return;
    } catch (e) {
      if (!(e instanceof ConnectError)) throw e;
      lastErr = e;
    }
    await sleep(50);
  }
  throw new ConnectStartError(`the berth daemon did not answer on unix://${socket} within 15 s (${(lastErr as Error)?.message ?? ''}); see ${logPath}`);
}

/** The last non-empty line the daemon wrote to its log since `from` (a few KiB at most are read). */
function lastLogLine(path: string, from: number): string {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const start = Math.max(from, size - 4096);
      const buf = Buffer.alloc(Math.max(0, size - start));
      readSync(fd, buf, 0, buf.length, start);
      return buf.toString('utf8').split('\n').map((l) => l.trim()).filter((l) => l && !/^Node\.js v/.test(l)).at(-1) ?? '';
    } finally { closeSync(fd); }
  } catch { return ''; }
}

class ConnectStartError extends ConnectError {
  constructor(message: string) {
    super('', 'ESTART');
    this.message = message;
  }
}

/**
 * A client for `socket` that starts the daemon when the socket is absent or refuses the first connection.
 * `Client` is another instance of the same module's class when the caller needs one (berth compose).
 */
export function connectingClient(socket: string, autostart: boolean, Client: typeof EngineClient = EngineClient): EngineClient {
  const client: EngineClient = new Client(socket, autostart ? () => startDaemon(client, socket) : undefined);
  return client;
}
