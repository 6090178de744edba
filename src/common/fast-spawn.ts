/**
 * Start helper programs with glibc's posix_spawnp (through koffi) instead of child_process.spawn.
 * libuv forks the daemon and waits until the child has exec'd: with the child's copy-on-write faults
 * that blocks the main thread ~4.5 ms per spawn here, and every container start spawns `unshare ip`,
 * conmon and `crun start`. posix_spawn uses clone(CLONE_VM|CLONE_VFORK): no page tables copied, no
 * faults, ~0.5 ms. The child gets a clean signal state (empty mask, default dispositions: Node
 * ignores SIGPIPE, which exec would otherwise pass on), the fds asked for (socket pairs, as libuv
 * makes for 'pipe', or /dev/null) and no other.
 * Exits are collected with waitpid(WNOHANG) on SIGCHLD (and a 25 ms poll while any is pending, since
 * signals coalesce); libuv reaps only the pids it spawned itself, so neither takes the other's.
 * Null where this path cannot be taken (koffi or glibc missing, a working directory on a glibc without
 * addchdir_np, a very large input): the caller then uses child_process.
 */
import { Socket } from 'node:net';
import { constants as osConstants } from 'node:os';
import { libcFunction, type NativeFunction } from './libc.js';
import { log } from './log.js';
import { SystemError } from './errors.js';
import { AF_UNIX, SOCK_CLOEXEC, SOCK_STREAM } from './linux-abi.js';

export interface SpawnResult { code: number; stdout: string; stderr: string }

const WNOHANG = 1;
const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;
const SIGSET_BYTES = 128; // glibc's sigset_t
const ATTR_BYTES = 512; // posix_spawnattr_t is 336 bytes on x86_64 glibc; room to spare
const ACTIONS_BYTES = 256; // posix_spawn_file_actions_t is 80
const MAX_INPUT = 1024 * 1024; // larger inputs (none on the hot paths) take child_process
const POLL_MS = 25;

type Fn = NativeFunction;
interface Calls {
  spawnp: Fn; actionsInit: Fn; actionsDup2: Fn; actionsDestroy: Fn;
  attrInit: Fn; attrFlags: Fn; attrMask: Fn; attrDefault: Fn; attrDestroy: Fn;
  actionsOpen: Fn; socketpair: Fn; waitpid: Fn; close: Fn; actionsCloseFrom: Fn | null; actionsChdir: Fn | null;
}

let calls: Calls | null | undefined;

function load(): Calls | null {
  if (calls !== undefined) return calls;
  try {
    calls = {
      spawnp: libcFunction('posix_spawnp'),
      actionsInit: libcFunction('posix_spawn_file_actions_init'),
      actionsDup2: libcFunction('posix_spawn_file_actions_adddup2'),
      actionsDestroy: libcFunction('posix_spawn_file_actions_destroy'),
      attrInit: libcFunction('posix_spawnattr_init'),
      attrFlags: libcFunction('posix_spawnattr_setflags'),
      attrMask: libcFunction('posix_spawnattr_setsigmask'),
      attrDefault: libcFunction('posix_spawnattr_setsigdefault'),
      attrDestroy: libcFunction('posix_spawnattr_destroy'),
      actionsOpen: libcFunction('posix_spawn_file_actions_addopen'),
      socketpair: libcFunction('socketpair'),
      waitpid: libcFunction('waitpid'),
      close: libcFunction('close'),
      actionsCloseFrom: null,
      actionsChdir: null,
    };
    // glibc 2.34+: the child closes whatever the daemon itself inherited without close-on-exec
    try { calls.actionsCloseFrom = libcFunction('posix_spawn_file_actions_addclosefrom_np'); } catch { /* older glibc */ }
    // glibc 2.29+: the child starts in a working directory of its own
    try { calls.actionsChdir = libcFunction('posix_spawn_file_actions_addchdir_np'); } catch { /* older glibc */ }
  } catch (e) {
    log.debug('posix_spawn unavailable: using child_process', { error: (e as Error).message });
    calls = null;
  }
  return calls;
}

/** Signals 1-64 but SIGKILL and SIGSTOP (which cannot be set), as a sigset_t. */
function allSignals(): Buffer {
  const set = Buffer.alloc(SIGSET_BYTES);
  set.writeBigUInt64LE(0xffffffffffffffffn & ~((1n << 8n) | (1n << 18n)), 0); // bit n-1 is signal n: 9 KILL, 19 STOP
  return set;
}

const O_RDWR = 2;
const POSIX_SPAWN_SETSID = 0x80;

/** A connected pair of unix stream sockets (what child_process uses for 'pipe'): [parent end, child end]. */
function socketPair(c: Calls): [number, number] {
  const fds = Buffer.alloc(8);
  if (c.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) !== 0) throw new Error('socketpair failed');
  return [fds.readInt32LE(0), fds.readInt32LE(4)];
}

/** wait status -> exit code (128 for a signal, as run() reports one) */
export function exitCodeOf(status: number): number {
  return (status & 0x7f) === 0 ? (status >> 8) & 0xff : 128;
}

const pending = new Map<number, (code: number) => void>();
let poll: NodeJS.Timeout | undefined;

function reap(): void {
  const c = calls;
  if (!c) return;
  const status = Buffer.alloc(4);
  for (const [pid, done] of pending) {
    const r = c.waitpid(pid, status, WNOHANG);
    if (r === pid) {
      pending.delete(pid);
      done(exitCodeOf(status.readInt32LE(0)));
    } else if (r < 0) {
      // not our child any more (someone else reaped it): its status is lost, never wait forever
      pending.delete(pid);
      log.warn('a helper process was reaped elsewhere; its exit status is unknown', { pid });
      done(255);
    }
  }
  if (pending.size === 0 && poll) {
    clearInterval(poll);
    poll = undefined;
    process.off('SIGCHLD', reap);
  }
}

function onExit(pid: number): Promise<number> {
  return new Promise((resolve) => {
    pending.set(pid, resolve);
    if (!poll) {
      process.on('SIGCHLD', reap);
      poll = setInterval(reap, POLL_MS);
    }
    reap(); // it may have exited already
  });
}

export interface FastChild {
  pid: number;
  /** the daemon's end of each 'pipe' entry of stdio, null for 'ignore' */
  stdio: (Socket | null)[];
  /** the exit code (128 after a signal) */
  exited: Promise<number>;
}

/**
 * posix_spawnp `cmd` with fds 0..n-1 as `stdio` says: 'ignore' is /dev/null, 'pipe' a socket pair
 * whose other end is returned as a Socket. `setsid`: a session of its own (child_process' detached);
 * `cwd`: the child's working directory.
 * Null when this path cannot be taken; throws a SystemError when the program cannot be run.
 */
export function fastSpawn(cmd: string, args: string[], opts: { stdio: Array<'ignore' | 'pipe'>; env?: NodeJS.ProcessEnv; setsid?: boolean; cwd?: string }): FastChild | null {
  const c = load();
  if (!c || (opts.cwd && !c.actionsChdir)) return null;
  const pairs: Array<[number, number] | null> = [];
  try {
    for (const kind of opts.stdio) pairs.push(kind === 'pipe' ? socketPair(c) : null);
  } catch {
    for (const p of pairs) if (p) { c.close(p[0]); c.close(p[1]); }
    return null;
  }
  const actions = Buffer.alloc(ACTIONS_BYTES);
  const attr = Buffer.alloc(ATTR_BYTES);
  const pid = [0];
  let rc: number;
  try {
    c.actionsInit(actions);
    pairs.forEach((p, fd) => {
      if (p) c.actionsDup2(actions, p[1], fd);
      else c.actionsOpen(actions, fd, '/dev/null', O_RDWR, 0);
    });
    c.actionsCloseFrom?.(actions, pairs.length);
    if (opts.cwd) c.actionsChdir!(actions, opts.cwd);
    c.attrInit(attr);
    c.attrFlags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | (opts.setsid ? POSIX_SPAWN_SETSID : 0));
    c.attrMask(attr, Buffer.alloc(SIGSET_BYTES));
    c.attrDefault(attr, allSignals());
    const env = Object.entries(opts.env ?? process.env).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);
    rc = c.spawnp(pid, cmd, actions, attr, [cmd, ...args, null], [...env, null]);
  } finally {
    c.actionsDestroy(actions);
    c.attrDestroy(attr);
    for (const p of pairs) if (p) c.close(p[1]); // the child's ends
  }
  if (rc !== 0) {
    for (const p of pairs) if (p) c.close(p[0]);
    const name = Object.entries(osConstants.errno).find(([, n]) => n === rc)?.[0] ?? `errno ${rc}`;
    throw new SystemError(`cannot run ${cmd}: spawn ${cmd} ${name}`, 'ERR_EXEC');
  }
  const stdio = pairs.map((p) => (p ? new Socket({ fd: p[0], readable: true, writable: true }) : null));
  return { pid: pid[0], stdio, exited: onExit(pid[0]) };
}

function collect(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('error', () => { /* closes with the child */ });
    s.on('close', () => resolve(Buffer.concat(chunks).toString()));
  });
}

/** Feed a child spawned with three 'pipe' fds its input and collect what it writes, killed at the timeout. */
export function completion(child: FastChild, input: string | Buffer, timeoutMs = 60_000): Promise<SpawnResult> {
  const [stdin, stdout, stderr] = child.stdio as Socket[];
  stdin.on('error', () => { /* the child may exit before reading */ });
  stdin.end(input);
  const out = collect(stdout);
  const err = collect(stderr);
  const pid = child.pid;
  const timer = setTimeout(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }, timeoutMs);
  return Promise.all([child.exited, out, err]).then(([code, o, e]) => {
    clearTimeout(timer);
    return { code, stdout: o, stderr: e };
  });
}

/** Like exec.ts run(); null when this path cannot be taken. */
export function fastRun(cmd: string, args: string[], opts: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<SpawnResult> | null {
  if (opts.cwd) return null;
  const input = opts.input === undefined ? Buffer.alloc(0) : Buffer.from(opts.input);
  if (input.length > MAX_INPUT) return null;
  let child: FastChild | null;
  try { child = fastSpawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env }); } catch (e) { return Promise.reject(e); }
  return child ? completion(child, input, opts.timeoutMs) : null;
}
