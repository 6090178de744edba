/**
 * A container's run as a runtime Task: its bundle is the container dir, conmon's files go to a short
 * monitor dir, the rootfs is its snapshot at the snapshot's mountpoint (idmapped lower dirs with a
 * private user namespace; chowned copies of them for keep-id). A task this daemon did not create (one
 * found running at daemon start, or one whose exit was found there) is taken up from the container's record.
 */
import type { ContainerRecord } from '../record/container-store.js';
import { Task, type TaskSetup } from '../runtime/index.js';
import { idmappedRootfsMounts } from '../runtime/userns-rootfs.js';
import { shiftedRootfsMounts } from '../runtime/userns-shifted.js';
import { isMounted, mountAll, type Mount } from '../snapshot/mounts.js';
import type { ContainerContext } from './context.js';
import { logsToFile } from './log-config.js';
import { cgroupsPathOf } from './stats.js';

/** The snapshot's mounts for the container; volatile: see OverlayDirs (a disposable container's). */
export async function rootfsMounts(ctx: ContainerContext, id: string, opts: { volatile?: boolean } = {}): Promise<Mount[]> {
  const userns = ctx.userns.mapsOf(id);
  if (!userns) return await ctx.deps.snapshots.mounts(id, opts);
  // keep-id is rootless, where layers cannot be idmapped: chowned copies of them instead
  return ctx.userns.isKeepId(id) ? shiftedRootfsMounts(ctx.deps.snapshots, ctx.deps.layers, id, userns, opts)
    : idmappedRootfsMounts(ctx.deps.snapshots, id, userns, opts);
}

/** Mount the rootfs at the snapshot's mountpoint unless it is there already (a running container's); returns it. */
export async function mountRootfs(ctx: ContainerContext, id: string): Promise<string> {
  const target = ctx.deps.snapshots.mountpoint(id);
  if (!(await isMounted(target))) await mountAll(await rootfsMounts(ctx, id), target);
  return target;
}

export function taskSetup(ctx: ContainerContext, rec: ContainerRecord, mounts?: Mount[]): TaskSetup {
  return {
    id: rec.id, runtime: ctx.runtimeFor(rec), bundle: ctx.containerDir(rec.id), monitorDir: ctx.monitorDir(rec.id),
    rootfs: { target: ctx.deps.snapshots.mountpoint(rec.id), mounts },
    logPath: logsToFile(rec.hostConfig) ? ctx.logPath(rec.id) : null,
    trash: ctx.deps.paths.runTrash,
  };
}

/** The task of the container's current (or just ended) run: the one this daemon started, or taken up from the record. */
export function taskOf(ctx: ContainerContext, rec: ContainerRecord): Task {
  let task = ctx.tasks.get(rec.id);
  if (!task) {
    task = Task.attach({ ...taskSetup(ctx, rec), pid: rec.state.Pid, conmonPid: rec.conmonPid, cgroupsPath: cgroupsPathOf(rec) });
    ctx.tasks.set(rec.id, task);
  }
  return task;
}
