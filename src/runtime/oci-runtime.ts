import { accessSync, existsSync, constants as fsc } from 'node:fs';
import { constants as osc } from 'node:os';
import { delimiter, join } from 'node:path';
import { BerthError, ConflictError, InvalidArgumentError, NotFoundError, NotSupportedError, SystemError } from '../common/errors.js';
import { run } from '../common/exec.js';
import { detectCgroups } from './cgroups.js';
import { startThroughExecFifo } from './exec-fifo-start.js';

/** `path` is what berth executes; `binary` the installed file when that differs (see readonly-binary.ts). */
export interface OciRuntimeInfo { name: 'crun' | 'runc'; path: string; root: string; binary?: string }

/** Locate the runtime binary on PATH; `root` is berth's private state dir for it (never /run/crun). */
export function findRuntime(name: 'crun' | 'runc', root: string): OciRuntimeInfo {
  for (const dir of (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin').split(delimiter)) {
    const p = join(dir, name);
    try { accessSync(p, fsc.X_OK); return { name, path: p, root }; } catch { /* next */ }
  }
  throw new NotFoundError(`OCI runtime ${name} not found on PATH`, 'ERR_RUNTIME_NOT_FOUND');
}

/** 'TERM', 'SIGTERM', 'sigterm', '15', 15 -> 15 */
export function signalNumber(signal: string | number): number {
  if (typeof signal === 'number') return signal;
  const s = signal.trim().toUpperCase();
  if (/^\d+$/.test(s)) return Number(s);
  const name = (s.startsWith('SIG') ? s : 'SIG' + s) as keyof typeof osc.signals;
  const n = osc.signals[name];
  if (n === undefined) throw new InvalidArgumentError(`invalid signal: ${signal}`);
  return n;
}

/** Turn a runtime's stderr into an error that says what is wrong (and how to fix it when known). */
export function runtimeError(info: OciRuntimeInfo, op: string, id: string, stderr: string): Error {
  const msg = stderr.trim().split('\n').filter(Boolean).pop() ?? `${info.name} ${op} failed`;
  if (/hybrid mode not supported/i.test(stderr)) {
    const problem = detectCgroups({ refresh: true }).problem;
    return new SystemError(`${info.name} cannot ${op} container ${id}: ${problem ?? msg}`, 'ERR_CGROUP_HYBRID');
  }
  if (op === 'create' || op === 'exec') {
    // Docker's exit codes: 127 command not found, 126 command cannot be invoked
    if (/executable file .*not found|no such file or directory/i.test(stderr)) {
      return new BerthError(`${info.name} ${op} failed: ${msg}`, { code: 'ERR_COMMAND_NOT_FOUND', status: 400, exitCode: 127 });
    }
    if (/permission denied|exec format error|is a directory/i.test(stderr)) {
      return new BerthError(`${info.name} ${op} failed: ${msg}`, { code: 'ERR_COMMAND_NOT_INVOKABLE', status: 400, exitCode: 126 });
    }
    return new SystemError(`${info.name} ${op} ${id}: ${msg}`, 'ERR_RUNTIME');
  }
  if (/does not exist|not found|error opening file .*(status|state\.json).*No such file or directory/i.test(msg)) {
    return new NotFoundError(`${info.name}: no such container ${id}`, 'ERR_RUNTIME_NOT_FOUND');
  }
  // "open pidfd: No such process": crun kill racing the process's own exit (it is gone, so: not running)
  if (/not running|is not running|container not running|cannot pause|not paused|is paused|is already|running container|open pidfd: No such process/i.test(msg)) {
    return new ConflictError(`${info.name} ${op} ${id}: ${msg}`);
  }
  if (/setrlimit.*Operation not permitted/i.test(stderr)) {
    return new SystemError(`${info.name} ${op} ${id}: ${msg} (an rlimit is above the daemon's own hard limit)`, 'ERR_RUNTIME');
  }
  return new SystemError(`${info.name} ${op} ${id}: ${msg}`, 'ERR_RUNTIME');
}

/** Thin wrapper around `crun|runc --root <root> ...`. */
export class OciRuntime {
  constructor(readonly info: OciRuntimeInfo) {}

  private async exec(op: string, id: string, args: string[], timeoutMs = 30_000): Promise<string> {
    const r = await run(this.info.path, ['--root', this.info.root, ...args], { timeoutMs });
    if (r.code !== 0) throw runtimeError(this.info, op, id, r.stderr || r.stdout);
    return r.stdout;
  }

  /**
   * Run a created container's process. poststartHooks: the spec has some, which only `<runtime> start`
   * runs; without them crun's start is done by the daemon itself (see exec-fifo-start.ts).
   */
  async start(id: string, opts: { poststartHooks?: boolean } = {}): Promise<void> {
    if (this.info.name === 'crun' && !opts.poststartHooks && await startThroughExecFifo(join(this.info.root, id), id)) return;
    await this.exec('start', id, ['start', id]);
  }

  async kill(id: string, signal: string | number, all = false): Promise<void> {
    await this.exec('kill', id, ['kill', ...(all ? ['--all'] : []), id, String(signalNumber(signal))]);
  }

  async state(id: string): Promise<{ status: string; pid: number; bundle?: string } | null> {
    const r = await run(this.info.path, ['--root', this.info.root, 'state', id], { timeoutMs: 30_000 });
    if (r.code !== 0) {
      const err = runtimeError(this.info, 'state', id, r.stderr || r.stdout);
      if (err instanceof NotFoundError) return null;
      throw err;
    }
    const s = JSON.parse(r.stdout);
    return { status: s.status, pid: s.pid ?? 0, bundle: s.bundle };
  }

  async pause(id: string): Promise<void> { await this.exec('pause', id, ['pause', id]); }
  async resume(id: string): Promise<void> { await this.exec('resume', id, ['resume', id]); }

  /** crun and runc keep a container's state in <root>/<id>: without it there is nothing to delete (saves a spawn). */
  hasState(id: string): boolean { return existsSync(join(this.info.root, id)); }

  /** Delete the runtime's state; a container that is already gone is not an error. */
  async delete(id: string, force = false): Promise<void> {
    try { await this.exec('delete', id, ['delete', ...(force ? ['--force'] : []), id]); } catch (e) {
      if (e instanceof NotFoundError) return;
      throw e;
    }
  }

  async version(): Promise<string> {
    const r = await run(this.info.path, ['--version']);
    return r.stdout.split('\n')[0].trim();
  }

  async features(): Promise<any> {
    const r = await run(this.info.path, ['features']);
    if (/unknown command/i.test(r.stderr + r.stdout)) throw new NotSupportedError(`${this.info.name} does not support 'features'`);
    if (r.code !== 0) throw runtimeError(this.info, 'features', '', r.stderr);
    return JSON.parse(r.stdout);
  }
}
