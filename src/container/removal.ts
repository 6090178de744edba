import { ConflictError, SystemError } from '../common/errors.js';
import { log } from '../common/log.js';
import { Trash } from '../common/trash.js';
import type { ContainerRecord } from '../record/container-store.js';
import type { OciRuntime } from '../runtime/index.js';
import { removesVolumes } from './auto-remove.js';
import { KILL_WAIT_MS, type ContainerContext } from './context.js';
import { unwatchExit } from './exit-watch.js';
import { cancelRestart } from './pending-restarts.js';
import { signalContainer } from './signal-container.js';
import { parseSignal } from './signals.js';

export interface RemoveOptions { force?: boolean; volumes?: boolean }

/** `docker rm`: refuses a running or paused container unless forced, then tears it down. */
export async function remove(ctx: ContainerContext, idOrName: string, opts: RemoveOptions = {}): Promise<void> {
  const rec = ctx.resolve(idOrName);
  if (ctx.removing.has(rec.id)) throw new ConflictError(`removal of container ${rec.id} is already in progress`, 'ERR_REMOVAL_IN_PROGRESS');
  if (rec.state.Paused && !opts.force) {
    throw new ConflictError(`You cannot remove a paused container ${rec.id}. Unpause and then stop the container before attempting removal or force remove`, 'ERR_CONTAINER_RUNNING');
  }
  if (rec.state.Running && !rec.state.Restarting && !opts.force) {
    throw new ConflictError(`You cannot remove a running container ${rec.id}. Stop the container before attempting removal or force remove`, 'ERR_CONTAINER_RUNNING');
  }
  await tearDown(ctx, rec, { volumes: removesVolumes(rec, !!opts.volumes) });
}

/**
 * --rm: the removal that follows the end of a disposable container's run (its exit, or a start
 * that failed). A user's `rm` that is already under way wins.
 */
export async function removeAutomatically(ctx: ContainerContext, id: string): Promise<void> {
  const rec = ctx.store.get(id);
  if (!rec || ctx.removing.has(id)) return;
  await tearDown(ctx, rec, { volumes: removesVolumes(rec, false) });
}

/**
 * The one teardown of a container, for `rm`, `rm -f` and --rm: cancel a pending restart, kill a
 * process still running, then under the lock remove its snapshot, conmon's files, its dir and log,
 * its record, network endpoints, volumes (`volumes`: the anonymous ones too) and execs. Emits
 * `destroy` and ends `wait --condition removed`; the runtime's state goes afterwards. A teardown
 * that fails half way leaves the container `dead`.
 */
async function tearDown(ctx: ContainerContext, rec: ContainerRecord, opts: { volumes: boolean }): Promise<void> {
  const { deps } = ctx;
  ctx.removing.add(rec.id);
  let leftRuntimeState = false;
  ctx.health.stopped(rec.id);
  ctx.restartDelays.delete(rec.id);
  try {
    // `removing` keeps the kill's exit from deciding on a restart; a start under way is waited for
    await cancelRestart(ctx, rec.id);
    if (ctx.store.get(rec.id)?.state.Running) {
      const exited = ctx.waitExitSignal(rec.id, KILL_WAIT_MS);
      await signalContainer(ctx, rec, parseSignal('SIGKILL')).catch(() => undefined);
      if ((await exited) === null && ctx.store.get(rec.id)?.state.Running) {
        throw new SystemError(`could not kill running container ${rec.id}, cannot remove`, 'ERR_KILL_FAILED');
      }
    }
    await ctx.locks.run(rec.id, async () => {
      ctx.store.mutate(rec.id, (r) => { r.state = { ...r.state, Status: 'removing' }; });
      unwatchExit(ctx, rec.id);
      ctx.tasks.delete(rec.id);
      // the process is gone (killed above, or exited): the runtime's state goes after the removal
      leftRuntimeState = ctx.runtimeFor(rec).hasState(rec.id);
      // independent file trees: removed side by side
      await Promise.all([
        deps.snapshots.remove(rec.id),
        Trash.at(deps.paths.runTrash).put(ctx.monitorDir(rec.id)),
        ctx.jsonLogs.untrack(rec.id).then(() => Trash.at(deps.paths.trash).put(ctx.containerDir(rec.id))),
        ctx.logDrivers.close(rec.id),
      ]);
      ctx.userns.release(rec.id);
      ctx.store.delete(rec.id);
      deps.networks?.forget(rec.id);
      await deps.volumes?.release(rec.id, opts.volumes).catch((e) => log.warn('volume release failed', { container: rec.id.slice(0, 12), error: (e as Error).message }));
      await deps.secrets?.files.release(rec.id).catch((e) => log.warn('secrets release failed', { container: rec.id.slice(0, 12), error: (e as Error).message }));
      ctx.execs.dropContainer(rec.id);
    });
  } catch (e) {
    const cur = ctx.store.get(rec.id);
    if (cur && cur.state.Status === 'removing') {
      ctx.store.mutate(rec.id, (r) => { r.state = { ...r.state, Status: 'dead', Dead: true, Error: (e as Error).message }; });
    }
    throw e;
  } finally {
    ctx.removing.delete(rec.id);
  }
  ctx.emit(rec, 'destroy');
  ctx.signals.emit(`removed:${rec.id}`, rec.state.ExitCode);
  if (leftRuntimeState) deferRuntimeDelete(ctx, ctx.runtimeFor(rec), rec.id);
}

/**
 * The runtime's delete of a removed container (its state dir and the exited container's empty
 * cgroups: a process spawn and ~10-25 ms) is bookkeeping that no client waits for: it runs once the
 * removal is reported. Shutdown waits for it; a daemon that crashed meanwhile deletes the orphaned
 * state at its next start (deleteStaleRuntimeStates).
 */
function deferRuntimeDelete(ctx: ContainerContext, rt: OciRuntime, id: string): void {
  // after the waiters' answers are written: they need nothing of it
  const deleted = new Promise<void>((r) => setImmediate(r)).then(() => rt.delete(id, true))
    .catch((e) => log.warn('runtime delete failed', { container: id.slice(0, 12), error: (e as Error).message }));
  ctx.runtimeCleanups.set(id, deleted.finally(() => ctx.runtimeCleanups.delete(id)));
}
