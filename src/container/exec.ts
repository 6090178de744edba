import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomId } from '../common/digest.js';
import { ConflictError, InvalidArgumentError, SystemError } from '../common/errors.js';
import { etcFilePaths } from '../record/etc-files.js';
import { warmCgroupLock } from '../runtime/cgroup-lock-warmup.js';
import { buildProcess, monitorPaths, readExitFile, resizeConmon, resolveUser, startExecMonitor, watchExit, type ExitWatch, type MonitorPaths } from '../runtime/index.js';
import { wrapAttach, type AttachIO } from './attach.js';
import type { ContainerContext } from './context.js';
import { execInspectView, type ExecInspectView, type ExecRecord } from './exec-sessions.js';
import type { ExecConfig } from '../common/engine-api/types.js';
import { withLogRecovery } from './exec-output-recovery.js';
import { containerEnv, processInputFor } from './spec-input.js';
import { classifyStartError } from './start-errors.js';

/** POST /containers/{id}/exec's body; Cmd may be one string, as for create. */
export type ExecCreateBody = Omit<ExecConfig, 'Cmd'> & { Cmd?: string | string[] };

export async function execCreate(ctx: ContainerContext, idOrName: string, body: ExecCreateBody): Promise<{ Id: string }> {
  const rec = ctx.resolve(idOrName);
  if (!rec.state.Running || rec.state.Restarting) throw new ConflictError(`Container ${rec.id} is not running`, 'ERR_NOT_RUNNING');
  if (rec.state.Paused) throw new ConflictError(`Container ${rec.id} is paused, unpause the container before exec`, 'ERR_PAUSED');
  const cmd = Array.isArray(body?.Cmd) ? body.Cmd.map(String) : typeof body?.Cmd === 'string' ? [body.Cmd] : [];
  if (cmd.length === 0) throw new InvalidArgumentError('No exec command specified', 'ERR_NO_COMMAND');
  const id = randomId();
  const exec: ExecRecord = {
    id, containerId: rec.id,
    config: {
      Cmd: cmd, User: body.User ?? '', Env: body.Env ?? [], WorkingDir: body.WorkingDir ?? '', Tty: !!body.Tty,
      Privileged: !!body.Privileged, AttachStdin: !!body.AttachStdin, AttachStdout: !!body.AttachStdout,
      AttachStderr: !!body.AttachStderr, DetachKeys: body.DetachKeys ?? '', ConsoleSize: body.ConsoleSize ?? null,
    },
    running: false, exitCode: null, pid: 0, conmonPid: 0, dir: join(ctx.deps.paths.conmonDir, 'x' + id.slice(0, 12)),
    started: false, canRemove: false,
  };
  ctx.execs.add(exec);
  ctx.emit(rec, `exec_create: ${execEventCommand(cmd)}`, { execID: id });
  return { Id: id };
}

export async function execStart(ctx: ContainerContext, execId: string, opts: { Detach?: boolean; Tty?: boolean } = {}): Promise<AttachIO | null> {
  const exec = ctx.execs.get(execId);
  if (exec.started) throw new ConflictError(`Error: Exec command ${execId} has already run`, 'ERR_EXEC_STARTED');
  const rec = ctx.resolve(exec.containerId);
  if (!rec.state.Running) throw new ConflictError(`Container ${rec.id} is not running`, 'ERR_NOT_RUNNING');
  if (rec.state.Paused) throw new ConflictError(`Container ${rec.id} is paused, unpause the container before exec`, 'ERR_PAUSED');
  exec.started = true;
  warmCgroupLock();
  const tty = opts.Tty ?? exec.config.Tty;
  const rootfs = ctx.deps.snapshots.mountpoint(rec.id);
  const user = resolveUser(rootfs, exec.config.User || rec.config.User || undefined);
  const env = containerEnv({ ...rec.config, Tty: tty, Env: [...(rec.config.Env ?? []), ...exec.config.Env] }, rec.config.Hostname, ctx.deps.networks?.linkEnvFor(rec));
  const { process: proc } = buildProcess({
    ...processInputFor(rec, rootfs, etcFilePaths(ctx.containerDir(rec.id)), user, (ref) => ctx.pidOf(ref)),
    args: exec.config.Cmd, env, cwd: exec.config.WorkingDir || rec.config.WorkingDir || '/', terminal: tty,
    privileged: exec.config.Privileged || !!rec.hostConfig.Privileged,
  });
  const attach = !opts.Detach;
  // the exec's directory (named after the fresh random id: nothing to clear first) and exit/ are made by
  // startExecMonitor's synchronous mkdir (microseconds); an awaited one took 3 thread-pool round trips,
  // queued behind the cgroup warm-up's write: ~1.5 ms on the exec's critical path
  let res;
  try {
    res = await startExecMonitor({
      id: rec.id, execId, runtime: ctx.runtimeFor(rec).info, process: proc, dir: exec.dir,
      terminal: tty, stdin: attach && exec.config.AttachStdin, attach, leaveStdinOpen: tty,
    });
  } catch (e) {
    const { exitCode, error } = classifyStartError(e, exec.config.Cmd[0], 'exec');
    exec.exitCode = exitCode;
    exec.canRemove = true;
    await rm(exec.dir, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  exec.running = true;
  exec.pid = res.pid;
  exec.conmonPid = res.conmonPid;
  ctx.emit(rec, `exec_start: ${execEventCommand(exec.config.Cmd)}`, { execID: execId });
  watchExecExit(ctx, exec, res.paths);
  if (!attach) return null;
  if (!res.attach) throw new SystemError('conmon did not provide an attach stream for the exec', 'ERR_ATTACH');
  const wantOut = exec.config.AttachStdout || !exec.config.AttachStderr;
  const wantErr = exec.config.AttachStderr || !exec.config.AttachStdout;
  // clients ask for the exit code as soon as the stream ends: record it first
  return wrapAttach(Promise.resolve(withLogRecovery(res.attach, res.paths.logPath)), { stdin: exec.config.AttachStdin, wantOut, wantErr,
    beforeEnd: async () => { await waitExec(ctx, execId, 5000); } });
}

/** The runtime's exit watch, as for containers: the code conmon wrote, or 255 when conmon went without one. */
function watchExecExit(ctx: ContainerContext, exec: ExecRecord, paths: MonitorPaths): void {
  let fired = false;
  const w: ExitWatch = watchExit({ exitDir: paths.exitDir, exitFile: paths.exitFile, conmonPid: exec.conmonPid }, (exit) => {
    fired = true;
    finishExec(ctx, exec, exit.code);
  });
  // an exit that is there already is handed on before watchExit returns: then there is nothing to keep
  if (!fired) ctx.execWatches.set(exec.id, w);
}

/** Record an exec's exit (also of execs still running when their container exits: 137). */
export function finishExec(ctx: ContainerContext, exec: ExecRecord, code: number): void {
  if (!exec.running) return;
  const w = ctx.execWatches.get(exec.id);
  if (w) { w.close(); ctx.execWatches.delete(exec.id); }
  exec.running = false;
  exec.exitCode = code;
  exec.canRemove = true;
  exec.pid = 0;
  const rec = ctx.store.get(exec.containerId);
  if (rec) ctx.emit(rec, 'exec_die', { execID: exec.id, exitCode: String(code) });
  ctx.signals.emit(`exec:${exec.id}`, code);
  void rm(exec.dir, { recursive: true, force: true }).catch(() => undefined);
}

/** Resolves with the exec's exit code once it has been recorded (for attached exec streams). */
export function waitExec(ctx: ContainerContext, execId: string, timeoutMs = 2 ** 31 - 1): Promise<number | null> {
  const exec = ctx.execs.get(execId);
  if (exec.exitCode !== null && !exec.running) return Promise.resolve(exec.exitCode);
  return new Promise((resolve) => {
    const done = (code: number) => { clearTimeout(timer); resolve(code); };
    const timer = setTimeout(() => { ctx.signals.off(`exec:${execId}`, done); resolve(null); }, timeoutMs);
    ctx.signals.once(`exec:${execId}`, done);
  });
}

export function execInspect(ctx: ContainerContext, execId: string): ExecInspectView {
  const exec = ctx.execs.get(execId);
  if (exec.running) {
    // the exit may be on disk before the watcher saw it
    const code = readExitFile(join(exec.dir, 'exit', exec.containerId));
    if (code !== null) finishExec(ctx, exec, code);
  }
  return execInspectView(exec);
}

export async function execResize(ctx: ContainerContext, execId: string, h: number, w: number): Promise<void> {
  const exec = ctx.execs.get(execId);
  if (!exec.running) throw new ConflictError(`Exec ${execId} is not running`, 'ERR_NOT_RUNNING');
  if (!exec.config.Tty) return;
  await resizeConmon(monitorPaths(exec.dir, exec.containerId, join(exec.dir, 'log'), exec.dir).ctlFifo, h, w);
}

/** dockerd's exec event text: entrypoint, a space, the arguments (`true ` for an exec of `true` alone). */
export function execEventCommand(cmd: string[]): string {
  return `${cmd[0] ?? ''} ${cmd.slice(1).join(' ')}`;
}
