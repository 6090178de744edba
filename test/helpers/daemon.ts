/**
 * Starts a real `berth serve` for system tests: its own temporary root and run
 * directory, inside a network namespace the test creates, and cleans all of it
 * up afterwards (containers, conmon processes, mounts, the namespace).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync, openSync, closeSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DAEMON_NODE_FLAGS } from '../../src/daemon/node-flags.js';

// A CLI that loses its daemon mid-test must not start another one behind the test's back.
process.env.BERTH_NO_AUTOSTART ??= '1';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const BERTH_BIN = join(REPO, 'bin', 'berth');
export const CLI_MAIN = join(REPO, 'dist', 'cli', 'main.js');

export interface RunResult { code: number; stdout: string; stderr: string }

export interface TestDaemon {
  root: string;
  runRoot: string;
  socket: string;
  netns: string;
  pid: number;
  /** run the berth CLI against this daemon */
  berth(args: string[], opts?: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<RunResult>;
  /** run the berth CLI, fail the test unless it exits 0, return its stdout */
  ok(args: string[], opts?: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<string>;
  /** raw Engine API request */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Record<string, string | string[] | undefined> }>;
  /** SIGKILL the daemon (containers keep running) */
  crash(): Promise<void>;
  /** start the daemon again on the same root (a daemon still running is stopped first, with SIGTERM: containers live on) */
  restart(): Promise<void>;
  /** remove all containers, stop the daemon, unmount, delete everything */
  cleanup(): Promise<void>;
}

function sh(cmd: string, args: string[]): { code: number; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { code: r.status ?? 1, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.DOCKER_HOST;
  delete env.NODE_TEST_CONTEXT; // child node processes must not think they are test runners
  return env;
}

export function runBerth(socket: string, args: string[], opts: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return runProcess(BERTH_BIN, ['-H', `unix://${socket}`, ...args], { ...opts, env: cleanEnv(opts.env), label: `berth ${args.join(' ')}` });
}

/** Run a program to its end with its output collected; the timeout kills it and rejects with `label`. */
export function runProcess(cmd: string, args: string[], opts: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv; label?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...(opts.env ? { env: opts.env } : {}), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    // what it printed before it hung says how far it got
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      const so = Buffer.concat(out).toString().slice(-1000), se = Buffer.concat(err).toString().slice(-1000);
      reject(new Error(`${opts.label ?? `${cmd} ${args.join(' ')}`} timed out${so ? `\nstdout so far: ${so}` : ''}${se ? `\nstderr so far: ${se}` : ''}`));
    }, opts.timeoutMs ?? 60_000);
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      resolve({ code: code ?? (sig ? 128 : 1), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

export function apiRequest(socket: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = request({ socketPath: socket, method, path, headers: data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: unknown = text;
        try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
      });
    });
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(data);
  });
}

export async function waitFor(fn: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function pidAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** conmon processes started for containers under this run root (found by their command line, killed by PID) */
function conmonPidsUnder(runRoot: string): number[] {
  const out: number[] = [];
  for (const line of sh('ps', ['-eo', 'pid=,args=']).out.split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (m && /conmon/.test(m[2]) && m[2].includes(runRoot)) out.push(Number(m[1]));
  }
  return out;
}

export async function startDaemon(opts: { runtime?: 'crun' | 'runc'; /** an existing empty directory to hold root and run root (e.g. a small tmpfs) */ base?: string; /** daemon.json to use instead of none */ configFile?: string; /** more `berth serve` arguments, e.g. another -H */ extraArgs?: string[]; /** more environment for the daemon */ env?: NodeJS.ProcessEnv; /** 'bin': start it as a user does, `bin/berth serve` (its V8 flags and entry) */ launcher?: 'bin' } = {}): Promise<TestDaemon> {
  const base = opts.base ?? mkdtempSync('/tmp/bt-');
  const root = join(base, 'root');
  const runRoot = join(base, 'run');
  const socket = join(runRoot, 'berth.sock');
  const netns = `berth-test-${randomBytes(4).toString('hex')}`;
  /** the end of the daemon's log (debug level), for a failure's message; empty once it is removed */
  const logTail = (chars: number): string => {
    try { return readFileSync(join(base, 'daemon.log'), 'utf8').slice(-chars); } catch { return ''; }
  };
  const r = sh('ip', ['netns', 'add', netns]);
  if (r.code !== 0) throw new Error(`ip netns add failed: ${r.out}`);
  sh('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
  let child: ChildProcess | undefined;
  let pid = 0;

  const start = async () => {
    const logFd = openSync(join(base, 'daemon.log'), 'a');
    const entry = opts.launcher === 'bin' ? [BERTH_BIN] : [process.execPath, ...DAEMON_NODE_FLAGS, CLI_MAIN];
    const args = ['--net=/run/netns/' + netns, ...entry, 'serve', '-H', `unix://${socket}`, '--root', root, '--run-root', runRoot, '--fix-cgroups', '--config-file', opts.configFile ?? '/dev/null'];
    if (opts.runtime) args.push('--default-runtime', opts.runtime);
    if (opts.extraArgs) args.push(...opts.extraArgs);
    child = spawn('nsenter', args, { env: cleanEnv({ BERTH_LOG_LEVEL: 'debug', ...opts.env }), stdio: ['ignore', logFd, logFd], detached: true });
    closeSync(logFd);
    pid = child.pid!;
    child.unref();
    await waitFor(async () => {
      if (child!.exitCode !== null) throw new Error(`daemon exited: ${logTail(2000)}`);
      try { return (await apiRequest(socket, 'GET', '/_ping')).status === 200; } catch { return false; }
    }, 30_000, 'daemon to answer /_ping');
  };
  try {
    await start();
  } catch (e) {
    // a daemon that never came up must not leave its namespace or directories behind
    if (pid && pidAlive(pid)) process.kill(pid, 'SIGKILL');
    sh('ip', ['netns', 'del', netns]);
    rmSync(base, { recursive: true, force: true });
    throw e;
  }

  // a command that timed out against this daemon: the daemon's log (debug level) tells what it was doing
  const withDaemonLog = <T>(p: Promise<T>): Promise<T> => p.catch((e: Error) => {
    if (/ timed out/.test(e.message)) {
      e.message += `\ndaemon log (its end):\n${logTail(4000)}`;
    }
    throw e;
  });
  const d: TestDaemon = {
    root, runRoot, socket, netns,
    get pid() { return pid; },
    berth: (args, o) => withDaemonLog(runBerth(socket, args, o)),
    async ok(args, o) {
      const r = await withDaemonLog(runBerth(socket, args, o));
      if (r.code !== 0) throw new Error(`berth ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      return r.stdout;
    },
    api: (m, p, b) => apiRequest(socket, m, p, b),
    async crash() {
      if (!pidAlive(pid)) throw new Error(`daemon already dead: ${logTail(3000)}`);
      process.kill(pid, 'SIGKILL');
      await waitFor(() => !pidAlive(pid), 10_000, 'daemon to die');
    },
    async restart() {
      // a second daemon beside the first would leave the first one running once cleanup stops the second
      if (pidAlive(pid)) {
        process.kill(pid, 'SIGTERM');
        await waitFor(() => !pidAlive(pid), 15_000, 'daemon to stop').catch(() => process.kill(pid, 'SIGKILL'));
      }
      await start();
    },
    async cleanup() {
      try {
        if (pidAlive(pid)) {
          // every namespace (CRI containers too); a daemon that knows no namespaces answers 400 to the filter
          let list = await apiRequest(socket, 'GET', '/containers/json?all=1&filters=' + encodeURIComponent(JSON.stringify({ namespace: ['*'] })));
          if (!Array.isArray(list.body)) list = await apiRequest(socket, 'GET', '/containers/json?all=1');
          for (const c of (Array.isArray(list.body) ? list.body : []) as { Id: string }[]) await apiRequest(socket, 'DELETE', `/containers/${c.Id}?force=1`);
          process.kill(pid, 'SIGTERM');
          await waitFor(() => !pidAlive(pid), 15_000, 'daemon to stop').catch(() => process.kill(pid, 'SIGKILL'));
        }
      } finally {
        // anything left: conmon monitors (and with them their containers), mounts, the netns
        for (const p of conmonPidsUnder(runRoot)) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
        for (const rt of ['crun', 'runc']) {
          const rtRoot = join(runRoot, 'runtime', rt);
          if (!existsSync(rtRoot)) continue;
          const ids = sh(rt, ['--root', rtRoot, 'list', '-q']).out.split('\n').filter((x) => /^[a-f0-9]{64}$/.test(x));
          for (const id of ids) sh(rt, ['--root', rtRoot, 'delete', '-f', id]);
        }
        const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
          .map((l) => l.split(' ')[4]).filter((m) => m && m.startsWith(base)).sort((a, b) => b.length - a.length);
        for (const m of mounts) sh('umount', ['-l', m]);
        sh('ip', ['netns', 'del', netns]);
        rmSync(base, { recursive: true, force: true });
      }
    },
  };
  return d;
}

/** mounts under a directory (to check nothing leaked) */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((m) => m && m.startsWith(dir));
}
