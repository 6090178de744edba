import { SystemError } from '../common/errors.js';
import { nowRfc3339Nano, parseTime } from '../common/human-time.js';
import { log, PhaseTimer } from '../common/log.js';
import type { ContainerRecord } from '../record/container-store.js';
import { cgroupOomKilled, containerCgroup } from '../runtime/cgroup-locate.js';
import type { TaskExit } from '../runtime/index.js';
import { removesAtExit } from './auto-remove.js';
import type { ContainerContext } from './context.js';
import { finishExec } from './exec.js';
import { logsToFile } from './log-config.js';
import { isRestartCancelled, restartWanted, type PendingRestart } from './pending-restarts.js';
import { removeAutomatically } from './removal.js';
import { restartDelay } from './restart-policy.js';
import { cgroupsPathOf } from './stats.js';
import { startLocked } from './start.js';
import { taskOf } from './tasks.js';

/** An exit to record: a task's exit record, or only a code (an exit found while restoring). */
export type RunExit = Pick<TaskExit, 'exitCode'> & Partial<TaskExit>;

/**
 * Record an exit: state, `die`, the release of what the run held; then, as decided with the exit,
 * the removal (--rm) or the restart policy's restart.
 */
/** `deferRestart`: a restart it decides is left pending for the caller (the daemon's restore starts them in order). */
export async function handleExit(ctx: ContainerContext, id: string, exit: RunExit, opts: { deferRestart?: boolean } = {}): Promise<void> {
  const code = exit.exitCode;
  const error = exit.error ?? '';
  let ended: { autoRemove: boolean } | undefined;
  const timer = new PhaseTimer('exit', { container: id.slice(0, 12) });
  try {
    ended = await ctx.locks.run(id, async () => {
      timer.mark('lock');
      const cur = ctx.store.get(id);
      if (!cur || !cur.state.Running || cur.state.Restarting) return undefined;
      const started = parseTime(cur.state.StartedAt);
      // --rm, decided once for this exit: no restart, the snapshot goes with the run, then the removal
      const autoRemove = removesAtExit(ctx, cur);
      ctx.health.stopped(id);
      ctx.statsCollector.forget(id);
      // the task's exit record read it; otherwise read it now, before the runtime's delete removes the cgroup
      let oomKilled = exit.oomKilled ?? false;
      if (exit.oomKilled === undefined) {
        try { oomKilled = cgroupOomKilled(containerCgroup(cgroupsPathOf(cur))); } catch { /* no cgroup left */ }
      }
      const updated = ctx.store.mutate(id, (r) => {
        r.state = { ...r.state, Status: 'exited', Running: false, Paused: false, Restarting: false, Pid: 0,
          ExitCode: code, Error: error, FinishedAt: exit.finishedAt ?? nowRfc3339Nano(), OOMKilled: oomKilled };
        r.conmonPid = 0;
        // decided with the exit, as dockerd: from here the container is restarting, so a stop never
        // finds it "not running" (304) while a restart is still to come
        if (restartWanted(ctx, r, autoRemove)) r.state = { ...r.state, Status: 'restarting', Restarting: true, Running: true };
      });
      if (updated.state.Restarting) ctx.restarts.set(id, { cancelled: false });
      timer.mark('state');
      // the json-file log is complete before the exit is announced: `wait` then `logs` shows all of
      // it, also when a removal follows at once (a follow reader holds the file open)
      const logged = logsToFile(cur.hostConfig) ? ctx.jsonLogs.sync(id, ctx.jsonLogFiles(id, cur.hostConfig), true).catch(() => undefined) : undefined;
      // the run's last lines reach its log driver before it closes (a restart makes a new one)
      void Promise.resolve(logged).then(() => ctx.logDrivers.close(id));
      const released = releaseRun(ctx, updated, autoRemove);
      await Promise.all([released.announced, logged]);
      timer.mark('cleanup');
      ctx.deps.volumes?.noteUnmounted(id);
      if (oomKilled) ctx.emit(updated, 'oom');
      ctx.emit(updated, 'die', { exitCode: String(code), execDuration: String(Math.max(0, Math.floor((Date.now() - started) / 1000))) });
      if (!autoRemove) {
        // stop and wait answer now; the runtime's delete goes on under the lock, so a start, rm or
        // restart of this container waits for it (see releaseRun)
        ctx.signals.emit(`exit:${id}`, code);
        await released.runtimeDeleted;
        timer.mark('runtimeDelete');
      }
      return { autoRemove };
    });
  } catch (e) {
    log.error('recording a container exit failed', { container: id.slice(0, 12), error: (e as Error).message });
    scheduleRestart(ctx, id); // a restart decided before the failure still happens (a no-op otherwise)
    return;
  }
  if (!ended) return;
  if (ended.autoRemove) ctx.signals.emit(`exit:${id}`, code);
  // a user's `rm` under way removes the container itself
  if (ended.autoRemove && !ctx.removing.has(id)) {
    await removeAutomatically(ctx, id).catch((e) => log.warn('auto-remove failed', { container: id.slice(0, 12), error: (e as Error).message }));
    timer.mark('remove');
    timer.done();
    return;
  }
  timer.done();
  if (!opts.deferRestart) scheduleRestart(ctx, id);
}

/**
 * What an ended run held: its execs, the network and its task (the runtime's state, the rootfs
 * mount, conmon's files). `removing`: the container's removal follows (--rm), which deletes the
 * runtime's state once the container is gone; its snapshot is removed right here, so `run --rm`
 * does not wait for it afterwards. A rootfs held for a file operation (cp, export) stays mounted.
 *
 * `announced`: what must be done before the exit is reported (mounts, network, conmon's files);
 * `runtimeDeleted`: the runtime's delete (its state dir and the exited container's empty cgroups: a
 * process spawn, 10-25 ms), which no client needs to see done, as for a removal (deferRuntimeDelete).
 * The caller awaits it under the container's lock; a daemon that crashes before it is done deletes
 * the leftover state at its next start (live-restore's deleteStaleRuntimeStates) or at the next start
 * of the container (Task.create).
 */
function releaseRun(ctx: ContainerContext, rec: ContainerRecord, removing: boolean): { announced: Promise<unknown>; runtimeDeleted: Promise<void> } {
  for (const e of ctx.execs.ofContainer(rec.id)) if (e.running) finishExec(ctx, e, 137);
  // the task's delete, the snapshot's removal and the network's teardown do not depend on each other: all run at once
  const { snapshots, networks } = ctx.deps;
  const held = !!ctx.tempMounts.get(rec.id);
  const task = taskOf(ctx, rec);
  ctx.tasks.delete(rec.id);
  const warn = (what: string) => (e: unknown) => log.warn(what, { container: rec.id.slice(0, 12), error: (e as Error).message });
  const taskGone = task.delete({ unmount: !held && !removing, keepRuntimeState: true }).catch(warn('task delete failed'));
  const snapshotGone = held || !removing ? undefined : snapshots.remove(rec.id).catch(warn('unmount failed'));
  const detached = networks?.detach(rec).catch(warn('network detach failed'));
  const announced = Promise.all([taskGone, snapshotGone, detached]);
  const runtimeDeleted = removing ? Promise.resolve() : ctx.runtimeFor(rec).delete(rec.id, true).catch(warn('runtime delete failed'));
  return { announced, runtimeDeleted };
}

/** The back-off of a decided restart (Docker's: doubling from 100 ms), then the start under the lock. */
export function scheduleRestart(ctx: ContainerContext, id: string): void {
  const pending = ctx.restarts.get(id);
  const rec = ctx.store.get(id);
  if (!pending || pending.cancelled || pending.timer || pending.attempt) return;
  if (!rec?.state.Restarting || ctx.closed) { ctx.restarts.delete(id); return; }
  const ranMs = parseTime(rec.state.FinishedAt) - parseTime(rec.state.StartedAt);
  const delay = restartDelay(ctx.restartDelays.get(id) ?? 0, ranMs);
  ctx.restartDelays.set(id, delay);
  pending.timer = setTimeout(() => {
    pending.timer = undefined;
    void attemptRestart(ctx, id, pending);
  }, delay);
  pending.timer.unref();
}

/** A pending restart, now, without the back-off (the daemon's restore); resolves when it has been tried. */
export async function restartPendingNow(ctx: ContainerContext, id: string): Promise<void> {
  const pending = ctx.restarts.get(id);
  if (!pending || pending.cancelled || pending.timer || pending.attempt) return;
  if (!ctx.store.get(id)?.state.Restarting || ctx.closed) { ctx.restarts.delete(id); return; }
  await attemptRestart(ctx, id, pending);
}

function attemptRestart(ctx: ContainerContext, id: string, pending: PendingRestart): Promise<void> {
  pending.attempt = ctx.locks.run(id, async () => {
    const cur = ctx.store.get(id);
    if (pending.cancelled || !cur?.state.Restarting) return;
    await startLocked(ctx, id, pending);
  }).catch((e) => {
    if (isRestartCancelled(e)) return;
    log.warn('restart failed', { container: id.slice(0, 12), error: (e as Error).message });
    const cur = ctx.store.get(id);
    if (cur) ctx.signals.emit(`exit:${id}`, cur.state.ExitCode);
  }).finally(() => { if (ctx.restarts.get(id) === pending) ctx.restarts.delete(id); });
  return pending.attempt;
}

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

/** `docker wait`: the exit code at the next exit, or the removal; `not-running` answers at once for a stopped container. */
export async function wait(ctx: ContainerContext, idOrName: string, condition: WaitCondition = 'not-running', signal?: AbortSignal): Promise<{ StatusCode: number; Error: { Message: string } | null }> {
  const rec = ctx.resolve(idOrName);
  const result = (code: number) => {
    const cur = ctx.store.get(rec.id);
    const err = cur?.state.Error;
    return { StatusCode: code, Error: err ? { Message: err } : null };
  };
  if (condition === 'not-running' && (!rec.state.Running || rec.state.Restarting && !ctx.restarts.has(rec.id))) {
    return result(rec.state.ExitCode);
  }
  const event = condition === 'removed' ? `removed:${rec.id}` : `exit:${rec.id}`;
  return new Promise((resolve, reject) => {
    const onAbort = () => { ctx.signals.off(event, onDone); reject(new SystemError('wait aborted', 'ERR_ABORTED')); };
    const onDone = (code: number) => { signal?.removeEventListener('abort', onAbort); resolve(result(code)); };
    ctx.signals.once(event, onDone);
    if (signal) {
      if (signal.aborted) { onAbort(); return; }
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
}
