import { BerthError, ConflictError } from '../common/errors.js';
import type { ContainerRecord } from '../record/container-store.js';
import type { ContainerContext } from './context.js';

/**
 * A restart the policy decided on, from the exit that called for it until its start has settled:
 * first the back-off (timer), then the start under the container's lock (attempt). stop, kill and
 * rm cancel it (dockerd's ExitOnNext); a start under way checks `cancelled` before it creates and
 * before it runs the process.
 */
export interface PendingRestart { timer?: NodeJS.Timeout; attempt?: Promise<void>; cancelled: boolean }

const ERR_RESTART_CANCELLED = 'ERR_RESTART_CANCELLED';

export function throwIfCancelled(restart: PendingRestart | undefined): void {
  if (restart?.cancelled) throw new ConflictError('the restart was cancelled: the container was stopped', ERR_RESTART_CANCELLED);
}

export function isRestartCancelled(e: unknown): boolean { return e instanceof BerthError && e.code === ERR_RESTART_CANCELLED; }

/**
 * Docker's restart policies (always, unless-stopped, on-failure[:max]) for the exit recorded in r;
 * `removed`: the exit removes the container (--rm), which no policy overrides.
 */
export function restartWanted(ctx: ContainerContext, r: ContainerRecord, removed: boolean): boolean {
  if (r.manuallyStopped || ctx.closed || ctx.removing.has(r.id) || removed) return false;
  const policy = r.hostConfig.RestartPolicy ?? { Name: 'no' };
  switch (policy.Name || 'no') {
    case 'always': case 'unless-stopped': return true;
    case 'on-failure': return r.state.ExitCode !== 0 && !(policy.MaximumRetryCount > 0 && r.restartCount >= policy.MaximumRetryCount);
    default: return false;
  }
}

/** Forget a pending restart without waiting for it (a user's start, under the lock; shutdown). */
export function dropRestart(ctx: ContainerContext, id: string): void {
  const pending = ctx.restarts.get(id);
  if (!pending) return;
  pending.cancelled = true;
  clearTimeout(pending.timer);
  ctx.restarts.delete(id);
}

/**
 * stop, kill, rm -f: cancel a restart the policy decided on, waiting out its back-off or starting,
 * and end the restarting state. The caller has already marked the container manually stopped (or
 * is removing it), so no later exit decides on a new one. Resolves once no restart is under way;
 * a start that was past its last check has then committed, and the caller stops what it started.
 * Returns whether there was a restart to cancel.
 */
export async function cancelRestart(ctx: ContainerContext, id: string): Promise<boolean> {
  const pending = ctx.restarts.get(id);
  const wasRestarting = !!ctx.store.get(id)?.state.Restarting;
  if (!pending && !wasRestarting) return false;
  if (pending) { pending.cancelled = true; clearTimeout(pending.timer); pending.timer = undefined; }
  // an attempt under way, or the exit that decided on the restart, holds the lock: wait for them
  await ctx.locks.run(id, async () => {
    if (ctx.store.get(id)?.state.Restarting) {
      ctx.store.mutate(id, (r) => { r.state = { ...r.state, Status: 'exited', Restarting: false, Running: false, Pid: 0 }; });
    }
  });
  if (ctx.restarts.get(id) === pending) ctx.restarts.delete(id);
  // a `wait` on the restarting container ends: it will not run again by itself
  const cur = ctx.store.get(id);
  if (wasRestarting && cur && !cur.state.Running) ctx.signals.emit(`exit:${id}`, cur.state.ExitCode);
  return true;
}
