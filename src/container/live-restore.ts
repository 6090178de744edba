import { readdirSync } from 'node:fs';
import { parseTime } from '../common/human-time.js';
import { log } from '../common/log.js';
import { readExitFile } from '../runtime/index.js';
import { removesAtExit } from './auto-remove.js';
import type { ContainerContext } from './context.js';
import { unwatchExit, watchExit } from './exit-watch.js';
import { handleExit, restartPendingNow } from './exits.js';
import { logsToFile } from './log-config.js';
import { dropRestart, restartWanted } from './pending-restarts.js';
import { startOrder } from './start-order.js';
import { remove } from './removal.js';
import { start } from './start.js';
import { taskOf } from './tasks.js';

/**
 * Daemon start: containers kept running under conmon are watched again,
 * exits that happened while the daemon was down are recorded (with `die`,
 * --rm and restart policies), and mounts nothing owns are cleaned up.
 */
export async function restore(ctx: ContainerContext): Promise<void> {
  // restarts decided here wait for the end of the restore, to run in dependency order
  const restarting = new Set<string>();
  for (const rec of ctx.store.all()) {
    try {
      if (rec.state.Running && !rec.state.Restarting) {
        const mon = ctx.monitor(rec.id);
        // the run's task, taken up from the record: conmon may have written its exit meanwhile
        const exit = taskOf(ctx, rec).exited();
        if (exit) { await handleExit(ctx, rec.id, exit, { deferRestart: true }); restarting.add(rec.id); continue; }
        const st = await ctx.runtimeFor(rec).state(rec.id).catch(() => null);
        if (st && st.status !== 'stopped' && (st.pid > 0 || st.status === 'paused')) {
          ctx.store.mutate(rec.id, (r) => {
            r.state = { ...r.state, Pid: st.pid || r.state.Pid, Paused: st.status === 'paused', Status: st.status === 'paused' ? 'paused' : 'running' };
          });
          watchExit(ctx, rec.id);
          ctx.health.started(ctx.store.get(rec.id)!, { restored: true });
          continue;
        }
        // gone without an exit code (host reboot, conmon killed): Docker records 255
        await handleExit(ctx, rec.id, { exitCode: readExitFile(mon.exitFile) ?? 255 }, { deferRestart: true });
        restarting.add(rec.id);
      } else if (rec.state.Restarting) {
        // the restart that was pending when the daemon stopped is decided again (the policy may have changed)
        const cur = ctx.store.mutate(rec.id, (r) => {
          r.state = { ...r.state, Status: 'exited', Restarting: false, Running: false };
          if (restartWanted(ctx, r, removesAtExit(ctx, r))) r.state = { ...r.state, Status: 'restarting', Restarting: true, Running: true };
        });
        await ctx.deps.snapshots.unmount(rec.id).catch(() => undefined);
        if (cur.state.Restarting) { ctx.restarts.set(rec.id, { cancelled: false }); restarting.add(rec.id); }
      } else {
        await ctx.deps.snapshots.unmount(rec.id).catch(() => undefined);
        // a removal the daemon's stop interrupted is finished
        if (rec.state.Status === 'removing') await remove(ctx, rec.id, { force: true }).catch(() => undefined);
      }
    } catch (e) {
      log.warn('restoring a container failed', { container: rec.id.slice(0, 12), error: (e as Error).message });
    }
  }
  await ctx.deps.snapshots.cleanupStale(new Set(ctx.store.all().map((r) => r.id)));
  await deleteStaleRuntimeStates(ctx);
  restoreJsonLogs(ctx);
  // Docker starts always / unless-stopped containers again at daemon start, and the restarts decided
  // above happen now: one after another, each container after what it depends on
  for (const rec of startOrder(ctx.store.all())) {
    if (restarting.has(rec.id)) { await restartPendingNow(ctx, rec.id); continue; }
    const p = rec.hostConfig.RestartPolicy?.Name;
    if (!rec.state.Running && !rec.manuallyStopped && (p === 'always' || p === 'unless-stopped') && parseTime(rec.state.StartedAt)) {
      await start(ctx, rec.id).catch((e) => log.warn('restart at daemon start failed', { container: rec.id.slice(0, 12), error: (e as Error).message }));
    }
  }
}

/** Daemon start: watch running containers' logs again and convert what conmon wrote while the daemon was down (in the background). */
function restoreJsonLogs(ctx: ContainerContext): void {
  for (const rec of ctx.store.all()) {
    const live = rec.state.Running || rec.state.Restarting;
    const files = logsToFile(rec.hostConfig) ? ctx.jsonLogFiles(rec.id, rec.hostConfig) : undefined;
    // the driver first: what conmon wrote while the daemon was down reaches it too
    if (live) ctx.logDrivers.reattach(rec, ctx.containerDir(rec.id));
    if (files && live) ctx.jsonLogs.track(rec.id, files);
    if (files && (live || parseTime(rec.state.StartedAt))) void ctx.jsonLogs.sync(rec.id, files, !live).catch(() => undefined);
  }
}

/**
 * Runtime states that nothing runs in any more: of containers no longer known, or of ones not running
 * (a crash during a runtime delete that follows a removal or an exit's report, see exits.ts releaseRun).
 */
async function deleteStaleRuntimeStates(ctx: ContainerContext): Promise<void> {
  // after the restore above: what still runs (or restarts) is recorded as Running
  const known = new Set(ctx.store.all().filter((r) => r.state.Running || r.state.Restarting || r.state.Paused).map((r) => r.id));
  for (const rt of new Set(Object.values(ctx.deps.runtimes))) {
    let ids: string[] = [];
    try { ids = readdirSync(rt.info.root).filter((n) => /^[0-9a-f]{64}$/.test(n) && !known.has(n)); } catch { continue; }
    for (const id of ids) await rt.delete(id, true).catch((e) => log.warn('deleting a stale runtime state failed', { container: id.slice(0, 12), error: (e as Error).message }));
  }
}

/** Daemon stop: stop watching; containers keep running under conmon. */
export async function shutdown(ctx: ContainerContext): Promise<void> {
  ctx.closed = true;
  await Promise.all(ctx.runtimeCleanups.values());
  ctx.health.shutdown();
  await ctx.jsonLogs.close();
  await ctx.logDrivers.closeAll();
  for (const id of [...ctx.exitWatches.keys()]) unwatchExit(ctx, id);
  ctx.tasks.clear(); // the tasks run on under conmon; the next daemon takes them up again
  for (const [id, w] of ctx.execWatches) { w.close(); ctx.execWatches.delete(id); }
  for (const id of [...ctx.restarts.keys()]) dropRestart(ctx, id);
}
