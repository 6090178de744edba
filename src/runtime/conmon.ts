import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { InvalidArgumentError, SystemError } from '../common/errors.js';
import { fastSpawn } from '../common/fast-spawn.js';
import { attachConmon, type AttachStream } from './attach.js';
import { keepCgroupLockWarm } from './cgroup-lock-warmup.js';
import type { OciRuntimeInfo } from './oci-runtime.js';
import { runtimeError } from './oci-runtime.js';
import { specToJson } from './spec.js';

export interface MonitorPaths {
  dir: string;
  exitDir: string;
  exitFile: string;        // exitDir/<id>: the exit code, written by conmon
  attachSocket: string;    // SOCK_SEQPACKET attach socket (a short path through conmon's symlink)
  ctlFifo: string;         // terminal control fifo: "1 <h> <w>\n" resizes
  pidFile: string;         // the container's (or exec process's) pid
  conmonPidFile: string;
  /** '' when nothing is logged */
  logPath: string;
}

export interface MonitorOptions {
  id: string;
  bundle: string;
  runtime: OciRuntimeInfo;
  dir: string;
  /** conmon's k8s-file log; null: no log at all (the none driver) */
  logPath: string | null;
  terminal?: boolean;
  stdin?: boolean;
  leaveStdinOpen?: boolean;
  logSizeMax?: number;
  /** no fsync of the log when the container exits (conmon's default syncs it before writing the exit code) */
  noSyncLog?: boolean;
  timeoutMs?: number;
  conmonPath?: string;
}

export interface ExecMonitorOptions {
  id: string;
  execId: string;
  runtime: OciRuntimeInfo;
  process: any;
  dir: string;
  logPath?: string;
  terminal?: boolean;
  stdin?: boolean;
  attach?: boolean;
  /** keep the process's stdin when the attach connection goes (a TTY exec a client detached from) */
  leaveStdinOpen?: boolean;
  timeoutMs?: number;
  conmonPath?: string;
}

export interface MonitorResult { pid: number; conmonPid: number; paths: MonitorPaths; attach?: AttachStream }

// conmon makes <socket-dir>/<cuuid> a symlink to the bundle and binds "attach" in it; a one-letter
// cuuid keeps the socket path short (sun_path holds 108 bytes).
const CUUID = 's';
const SUN_PATH_MAX = 107;

/** Where conmon keeps the files of a container (or exec) monitored in `dir`. */
export function monitorPaths(dir: string, id: string, logPath: string, bundle = dir): MonitorPaths {
  return {
    dir,
    exitDir: join(dir, 'exit'),
    exitFile: join(dir, 'exit', id),
    attachSocket: join(dir, CUUID, 'attach'),
    ctlFifo: join(bundle, 'ctl'),
    pidFile: join(dir, 'pid'),
    conmonPidFile: join(dir, 'conmon.pid'),
    logPath,
  };
}

function checkSocketPath(p: string): void {
  if (Buffer.byteLength(p) > SUN_PATH_MAX) {
    throw new InvalidArgumentError(`conmon attach socket path too long (${Buffer.byteLength(p)} > ${SUN_PATH_MAX} bytes): ${p}; use a shorter monitor dir`);
  }
}

/** Lines of JSON conmon writes to a sync/attach pipe: {"data": n, "message"?: "..."} */
function jsonLines(stream: Readable, onMessage: (m: { data: number; message?: string }) => void): void {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (!line) continue;
      try { onMessage(JSON.parse(line)); } catch { /* conmon writes only JSON here */ }
    }
  });
  stream.on('error', () => { /* the other side went away */ });
}

function readPidFile(p: string): number {
  try { return parseInt(readFileSync(p, 'utf8').trim(), 10) || 0; } catch { return 0; }
}

interface SpawnedConmon {
  /** the daemon's ends: [2] stderr, [3] the sync pipe, [4..] exec's start and attach pipes */
  stdio: Array<Readable | Writable | null>;
  /** the first conmon process's exit code (it exits right after forking); null when it could not run */
  exited: Promise<number | null>;
  spawnError?: Error;
  stderr: () => string;
  /** drop every handle to conmon so the daemon can exit while conmon keeps running */
  release: () => void;
}

/**
 * conmon runs in `cwd`, its own directory: it writes an `oom` marker into its working directory when the
 * container is OOM-killed, which would otherwise land wherever the daemon (or a library's program) was started.
 */
function spawnConmon(conmonPath: string, args: string[], extraFds: number, cwd: string): SpawnedConmon {
  const env: NodeJS.ProcessEnv = { ...process.env, _OCI_SYNCPIPE: '3' };
  if (extraFds >= 2) { env._OCI_STARTPIPE = '4'; env._OCI_ATTACHPIPE = '5'; }
  const stdio: Array<'ignore' | 'pipe'> = ['ignore', 'ignore', 'pipe', 'pipe'];
  for (let i = 0; i < extraFds; i++) stdio.push('pipe');
  let err = '';
  const collectStderr = (s: Readable) => {
    s.setEncoding('utf8');
    s.on('data', (d: string) => { if (err.length < 65536) err += d; });
    s.on('error', () => { /* conmon gone */ });
  };
  // conmon double-forks and setsid()s, so it outlives this process; its own session from the start
  // (posix_spawn: see fast-spawn.ts; child_process where that path is not available)
  let fast;
  try {
    fast = fastSpawn(conmonPath, args, { stdio, env, setsid: true, cwd });
  } catch (e) {
    throw new SystemError(`cannot run conmon: ${(e as Error).message}`, 'ERR_CONMON', e);
  }
  if (fast) {
    collectStderr(fast.stdio[2]!);
    return {
      stdio: fast.stdio, exited: fast.exited, stderr: () => err.trim(),
      release: () => { for (const s of fast.stdio) s?.destroy(); },
    };
  }
  const child: ChildProcess = spawn(conmonPath, args, { stdio, env, detached: true, cwd });
  collectStderr(child.stderr!);
  const mon: SpawnedConmon = {
    stdio: child.stdio as SpawnedConmon['stdio'],
    exited: new Promise((resolve) => {
      child.on('error', (e) => { mon.spawnError = e; resolve(null); });
      child.on('exit', (code) => resolve(code ?? 128));
    }),
    stderr: () => err.trim(),
    release: () => {
      for (const s of child.stdio) { if (s) (s as any).destroy?.(); }
      child.unref();
    },
  };
  return mon;
}

function commonArgs(o: { id: string; runtime: OciRuntimeInfo; paths: MonitorPaths; terminal?: boolean; stdin?: boolean }): string[] {
  const a = [
    '--api-version', '1',
    '-c', o.id, '-u', CUUID, '-n', o.id,
    '-r', o.runtime.path,
    '--runtime-arg', `--root=${o.runtime.root}`,
    '-p', o.paths.pidFile,
    '-P', o.paths.conmonPidFile,
    // conmon's none driver still wants a path after the colon (a bare "none" would be taken as a k8s-file path)
    '-l', o.paths.logPath ? `k8s-file:${o.paths.logPath}` : 'none:/dev/null',
    '--exit-dir', o.paths.exitDir,
    '--socket-dir-path', o.paths.dir,
    '--log-level', 'warning',
  ];
  if (o.terminal) a.push('-t');
  if (o.stdin) a.push('-i');
  return a;
}

function waitForSync(mon: SpawnedConmon, runtime: OciRuntimeInfo, id: string, what: string, timeoutMs: number,
  extra?: { onAttachReady?: () => Promise<void> }): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let done = false;
    const finish = (fn: () => void) => { if (!done) { done = true; clearTimeout(timer); fn(); } };
    const timer = setTimeout(() => finish(() => reject(new SystemError(`conmon did not report the ${what} of ${id} within ${timeoutMs} ms`, 'ERR_CONMON_TIMEOUT'))), timeoutMs);
    jsonLines(mon.stdio[3] as Readable, (m) => {
      if (m.data > 0) finish(() => resolve(m.data));
      else finish(() => reject(runtimeError(runtime, what, id, m.message ?? `conmon reported ${m.data}`)));
    });
    if (extra?.onAttachReady) {
      const onReady = extra.onAttachReady;
      jsonLines(mon.stdio[5] as Readable, () => {
        onReady().catch((e) => finish(() => reject(e)));
      });
    }
    void mon.exited.then((code) => {
      if (code === null) {
        const e = mon.spawnError;
        finish(() => reject(new SystemError(`cannot run conmon: ${e?.message ?? 'unknown error'}`, 'ERR_CONMON', e)));
      } else if (code !== 0) {
        // the first conmon process exits 0 right after forking; a non-zero exit is an early failure
        setTimeout(() => finish(() => reject(new SystemError(`conmon failed (exit ${code}): ${mon.stderr() || 'no message'}`, 'ERR_CONMON'))), 50);
      }
    });
    (mon.stdio[3] as Readable).on('close', () => {
      setTimeout(() => finish(() => reject(new SystemError(`conmon exited before reporting the ${what} of ${id}: ${mon.stderr() || 'no message'}`, 'ERR_CONMON'))), 50);
    });
  });
}

/**
 * Run conmon, which runs `<runtime> create` for the bundle and then watches the container: it keeps
 * stdio, writes the k8s-file log, and writes the exit code to paths.exitFile. Returns once the container
 * is created (not started); call OciRuntime.start(id) next.
 */
export async function startContainerMonitor(opts: MonitorOptions): Promise<MonitorResult> {
  const paths = monitorPaths(opts.dir, opts.id, opts.logPath ?? '', opts.bundle);
  checkSocketPath(paths.attachSocket);
  if (!existsSync(join(opts.bundle, 'config.json'))) throw new InvalidArgumentError(`no config.json in bundle ${opts.bundle}`);
  mkdirSync(paths.exitDir, { recursive: true });
  const args = [...commonArgs({ ...opts, paths }), '-b', opts.bundle];
  if (opts.leaveStdinOpen) args.push('--leave-stdin-open');
  if (opts.logSizeMax && opts.logSizeMax > 0) args.push('--log-size-max', String(opts.logSizeMax));
  if (opts.noSyncLog) args.push('--no-sync-log');
  const mon = spawnConmon(opts.conmonPath ?? 'conmon', args, 0, opts.dir);
  try {
    const pid = await waitForSync(mon, opts.runtime, opts.id, 'create', opts.timeoutMs ?? 30_000);
    return { pid, conmonPid: readPidFile(paths.conmonPidFile), paths };
  } catch (e) {
    killConmonFromPidFile(paths.conmonPidFile);
    throw e;
  } finally {
    mon.release();
  }
}

/**
 * Run a process in a running container through conmon (`<runtime> exec`), with a real pty when
 * `terminal`. With `attach`, the attach socket is connected before the process starts, so no output
 * is lost; the stream is returned in `attach`. Exit code: paths.exitFile.
 */
export async function startExecMonitor(opts: ExecMonitorOptions): Promise<MonitorResult> {
  const logPath = opts.logPath ?? join(opts.dir, 'log');
  const paths = monitorPaths(opts.dir, opts.id, logPath, opts.dir);
  checkSocketPath(paths.attachSocket);
  mkdirSync(paths.exitDir, { recursive: true });
  const specPath = join(opts.dir, 'process.json');
  writeFileSync(specPath, specToJson({ ...opts.process, terminal: !!opts.terminal }));
  // -b makes conmon set up the attach socket and ctl fifo in the exec dir
  const args = [...commonArgs({ ...opts, paths }), '-b', opts.dir, '-e', '--exec-process-spec', specPath];
  if (opts.attach) args.push('--exec-attach');
  // the exec's log only backs up its attach stream and goes with the exec (in memory, as dockerd's):
  // no fsync before the exit code, which the client waits for
  args.push('--no-sync-log');
  if (opts.leaveStdinOpen) args.push('--leave-stdin-open');
  const mon = spawnConmon(opts.conmonPath ?? 'conmon', args, opts.attach ? 3 : 0, opts.dir);
  let attach: AttachStream | undefined;
  try {
    let onAttachReady: (() => Promise<void>) | undefined;
    if (opts.attach) {
      const start = mon.stdio[4] as Writable;
      start.on('error', () => { /* conmon gone */ });
      start.write('0'); // first start message: conmon goes on and sets up the attach socket
      onAttachReady = async () => {
        attach = await attachConmon(paths.attachSocket);
        start.write('1'); // second start message: conmon runs `<runtime> exec`
      };
    }
    const synced = waitForSync(mon, opts.runtime, opts.id, 'exec', opts.timeoutMs ?? 30_000, { onAttachReady });
    // crun's move of the exec into the container's cgroup comes before conmon reports the pid
    keepCgroupLockWarm(synced);
    const pid = await synced;
    return { pid, conmonPid: readPidFile(paths.conmonPidFile), paths, attach };
  } catch (e) {
    attach?.close();
    killConmonFromPidFile(paths.conmonPidFile);
    throw e;
  } finally {
    mon.release();
  }
}

function killConmonFromPidFile(p: string): void {
  const pid = readPidFile(p);
  if (pid > 0) { try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ } }
}

/** Exit code written by conmon, or null while the process runs. */
export function readExitFile(path: string): number | null {
  let text: string;
  // watchers look every second per running container: no exception to build while there is no file
  if (!existsSync(path)) return null;
  try { text = readFileSync(path, 'utf8').trim(); } catch { return null; }
  if (text === '') return null;
  const n = parseInt(text, 10);
  return Number.isNaN(n) ? null : n;
}

/** Poll for the exit file (conmon writes it with a rename, so it appears complete). */
export async function waitExitFile(path: string, opts: { timeoutMs?: number; signal?: AbortSignal; intervalMs?: number } = {}): Promise<number> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    const code = readExitFile(path);
    if (code !== null) return code;
    if (opts.signal?.aborted) throw new SystemError('wait for exit aborted', 'ERR_ABORTED');
    if (Date.now() > deadline) throw new SystemError(`no exit file ${path} within ${opts.timeoutMs ?? 60_000} ms`, 'ERR_TIMEOUT');
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 20));
  }
}

/** Resize the terminal of a container/exec: conmon reads "<type> <h> <w>\n" (type 1 = resize) from the ctl fifo. */
export async function resizeConmon(ctlPath: string, h: number, w: number): Promise<void> {
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 0 || w < 0) throw new InvalidArgumentError(`invalid terminal size ${h}x${w}`);
  const { open } = await import('node:fs/promises');
  const { constants } = await import('node:fs');
  // O_NONBLOCK: fail instead of hanging when conmon (the reader) is gone
  let fh;
  try { fh = await open(ctlPath, constants.O_WRONLY | constants.O_NONBLOCK); } catch (e) {
    throw new SystemError(`cannot open conmon control fifo ${ctlPath}: ${(e as Error).message}`, 'ERR_CONMON', e);
  }
  try { await fh.write(`1 ${h} ${w}\n`); } finally { await fh.close(); }
}
