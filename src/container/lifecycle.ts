/** stop, kill, restart, pause and unpause of a container that has been started. */
import { ConflictError, SystemError } from '../common/errors.js';
import { KILL_WAIT_MS, type ContainerContext } from './context.js';
import { cancelRestart } from './pending-restarts.js';
import { parseSignal } from './signals.js';
import { signalContainer } from './signal-container.js';
import { start } from './start.js';

export interface StopOptions { signal?: string; timeout?: number }

/** `docker stop`. Returns false when the container was not running (the API answers 304). */
export async function stop(ctx: ContainerContext, idOrName: string, opts: StopOptions = {}): Promise<boolean> {
  const rec = ctx.resolve(idOrName);
  if (!rec.state.Running) return false; // also not restarting: restarting containers count as running
  // before any await (dockerd's HasBeenManuallyStopped): an exit recorded from now on decides no restart
  ctx.store.mutate(rec.id, (r) => { r.manuallyStopped = true; });
  await cancelRestart(ctx, rec.id);
  // a restart cancelled before it ran, or an exit that came meanwhile: stopped already
  if (!ctx.store.get(rec.id)?.state.Running) { ctx.emit(ctx.store.get(rec.id) ?? rec, 'stop'); return true; }
  const sig = parseSignal(opts.signal || rec.config.StopSignal, 'SIGTERM');
  const timeoutSec = opts.timeout ?? rec.config.StopTimeout ?? 10;
  const exited = ctx.waitExitSignal(rec.id, timeoutSec < 0 ? 2 ** 31 - 1 : timeoutSec * 1000);
  await signalContainer(ctx, rec, sig).catch((e) => { if (!(e instanceof ConflictError)) throw e; });
  if ((await exited) === null) {
    const killed = ctx.waitExitSignal(rec.id, KILL_WAIT_MS);
    await signalContainer(ctx, rec, parseSignal('SIGKILL')).catch((e) => { if (!(e instanceof ConflictError)) throw e; });
    if ((await killed) === null && ctx.store.get(rec.id)?.state.Running) {
      throw new SystemError(`container ${rec.id} did not exit within ${KILL_WAIT_MS / 1000} s of SIGKILL`, 'ERR_STOP_TIMEOUT');
    }
  }
  ctx.emit(ctx.store.get(rec.id) ?? rec, 'stop');
  return true;
}

export async function kill(ctx: ContainerContext, idOrName: string, signal?: string): Promise<void> {
  const rec = ctx.resolve(idOrName);
  if (!rec.state.Running) throw new ConflictError(`Container ${rec.id} is not running`, 'ERR_NOT_RUNNING');
  const sig = parseSignal(signal, 'SIGKILL');
  // before any await, as in stop: whatever the signal, dockerd marks the container manually stopped
  ctx.store.mutate(rec.id, (r) => { r.manuallyStopped = true; });
  // a restarting container needs no signal (dockerd); one whose restart had got as far as running it gets it
  await cancelRestart(ctx, rec.id);
  if (!ctx.store.get(rec.id)?.state.Running) return;
  const exited = sig.number === 9 ? ctx.waitExitSignal(rec.id, KILL_WAIT_MS) : null;
  await signalContainer(ctx, rec, sig);
  if (exited) await exited;
}

export async function restart(ctx: ContainerContext, idOrName: string, opts: StopOptions = {}): Promise<void> {
  const rec = ctx.resolve(idOrName);
  // counted while it lasts: the exit its stop causes does not remove a --rm container (see removesAtExit)
  const n = ctx.manualRestarts.get(rec.id) ?? 0;
  ctx.manualRestarts.set(rec.id, n + 1);
  try {
    await stop(ctx, rec.id, opts);
    await start(ctx, rec.id);
  } finally {
    const left = (ctx.manualRestarts.get(rec.id) ?? 1) - 1;
    if (left > 0) ctx.manualRestarts.set(rec.id, left); else ctx.manualRestarts.delete(rec.id);
  }
  ctx.emit(ctx.store.get(rec.id) ?? rec, 'restart');
}

export async function pause(ctx: ContainerContext, idOrName: string): Promise<void> {
  const rec = ctx.resolve(idOrName);
  await ctx.locks.run(rec.id, async () => {
    const cur = ctx.store.resolve(rec.id);
    if (!cur.state.Running || cur.state.Restarting) throw new ConflictError(`Container ${rec.id} is not running`, 'ERR_NOT_RUNNING');
    if (cur.state.Paused) throw new ConflictError(`Container ${rec.id} is already paused`, 'ERR_PAUSED');
    await ctx.runtimeFor(cur).pause(cur.id);
    ctx.store.mutate(cur.id, (r) => { r.state = { ...r.state, Paused: true, Status: 'paused' }; });
    ctx.emit(cur, 'pause');
  });
}

export async function unpause(ctx: ContainerContext, idOrName: string): Promise<void> {
  const rec = ctx.resolve(idOrName);
  await ctx.locks.run(rec.id, async () => {
    const cur = ctx.store.resolve(rec.id);
    if (!cur.state.Paused) throw new ConflictError(`Container ${rec.id} is not paused`, 'ERR_NOT_PAUSED');
    await ctx.runtimeFor(cur).resume(cur.id);
    ctx.store.mutate(cur.id, (r) => { r.state = { ...r.state, Paused: false, Status: 'running' }; });
    ctx.emit(cur, 'unpause');
  });
}
