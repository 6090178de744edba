import { ConflictError, NotFoundError } from '../common/errors.js';
import { nowRfc3339Nano, parseTime } from '../common/human-time.js';
import { log, PhaseTimer } from '../common/log.js';
import { etcFilePaths } from '../record/etc-files.js';
import { resolveInRoot } from '../runtime/resolve-in-root.js';
import { warmCgroupLock } from '../runtime/cgroup-lock-warmup.js';
import { buildSpec, resolveUser, Task } from '../runtime/index.js';
import { rememberCompiledSeccomp, useCompiledSeccomp } from '../runtime/seccomp-cache.js';
import { hostIdsOf, prepareHostPaths } from '../runtime/userns-rootfs.js';
import { ensureKeepIdUser, keepIdUser, rootlessNamespace } from '../runtime/userns-keepid.js';
import { connectPendingAttaches, failPendingAttaches } from './attach.js';
import { isDisposable, removesAfterFailedStart } from './auto-remove.js';
import type { ContainerContext } from './context.js';
import { watchExit } from './exit-watch.js';
import { logsToFile } from './log-config.js';
import { LogDriverStartError } from './log-drivers.js';
import { dropRestart, isRestartCancelled, throwIfCancelled, type PendingRestart } from './pending-restarts.js';
import { removeAutomatically } from './removal.js';
import { ensureWorkingDir, specInputFor, userMounts } from './spec-input.js';
import { referencesOf } from '../secret/validation.js';
import { classifyStartError } from './start-errors.js';
import { rootfsMounts, taskSetup } from './tasks.js';

/** `docker start`. Returns false when the container was already running (the API answers 304). */
export async function start(ctx: ContainerContext, idOrName: string): Promise<boolean> {
  const rec0 = ctx.resolve(idOrName);
  ctx.restartDelays.delete(rec0.id);
  return ctx.locks.run(rec0.id, () => startLocked(ctx, rec0.id));
}

/**
 * Start a container, under its lock: the rootfs, volumes and network, the OCI bundle, conmon and
 * the runtime's start; then the exit watch. `restart`: the policy's restart this start carries
 * out (absent: a user's start). A failed start undoes what it set up.
 */
export async function startLocked(ctx: ContainerContext, id: string, restart?: PendingRestart): Promise<boolean> {
  const rec = ctx.store.get(id);
  if (!rec) throw new NotFoundError(`No such container: ${id}`, 'ERR_CONTAINER_NOT_FOUND');
  if (rec.state.Paused) throw new ConflictError('cannot start a paused container, try unpause instead', 'ERR_PAUSED');
  if (rec.state.Running && !rec.state.Restarting) return false;
  if (ctx.removing.has(id) || rec.state.Status === 'removing') throw new ConflictError(`container is marked for removal and cannot be started`);
  if (rec.state.Status === 'dead') throw new ConflictError('cannot start a dead container');
  // a user's start supersedes a restart the policy still has pending
  if (!restart) dropRestart(ctx, id);
  warmCgroupLock();
  const timer = new PhaseTimer('start', { container: id.slice(0, 12) });
  const rt = ctx.runtimeFor(rec);
  const { networks, volumes } = ctx.deps;
  // a disposable container's upper dir and log are deleted at exit: they need not survive a host crash (no syncs)
  const volatile = isDisposable(rec);
  let warnings: string[] = [];
  let attaching: ReturnType<NonNullable<typeof networks>['attach']> | undefined;
  let task: Task | undefined;
  try {
    // dockerd makes the container's logger before the task: a log target it cannot reach fails the start
    await ctx.logDrivers.open(rec, ctx.containerDir(id));
    timer.mark('logDriver');
    const userns = ctx.userns.mapsOf(id);
    // the network (namespace, veths, /etc/hosts) needs neither the rootfs nor the volumes: it is set up
    // while they are mounted, and always settled before this start goes on or cleans up
    attaching = networks?.attach(rec, (ref) => ctx.pidOf(ref));
    attaching?.catch(() => undefined);
    const net = attaching;
    let seccompKey: ReturnType<typeof useCompiledSeccomp> | undefined;
    // the task removes what an earlier run left (the runtime's state, conmon's files), mounts the rootfs and asks for the spec
    task = await Task.create({
      ...taskSetup(ctx, rec, await rootfsMounts(ctx, id, { volatile })),
      spec: async (rootfs) => {
        // keep-id: the user's entry in /etc/passwd and /etc/group, and the user by default (as Podman)
        const keepId = userns && ctx.userns.isKeepId(id) ? keepIdUser(userns) : undefined;
        if (keepId) ensureKeepIdUser(rootfs, userns!, rootlessNamespace()?.name ?? `user${keepId.uid}`);
        const user = resolveUser(rootfs, rec.config.User || (keepId ? `${keepId.uid}:${keepId.gid}` : undefined));
        const owner = hostIdsOf(userns, user.uid, user.gid);
        if (rec.config.WorkingDir) ensureWorkingDir(resolveInRoot(rootfs, rec.config.WorkingDir), owner.uid, owner.gid);
        const vols = await volumes?.mountsFor(rec, rootfs, owner);
        const secretRefs = referencesOf(rec.hostConfig);
        const mounts = secretRefs.length && ctx.deps.secrets
          ? await ctx.deps.secrets.files.arrange(id, secretRefs, vols ?? userMounts(rec.hostConfig), userns) : vols;
        timer.mark('rootfs');
        const netInfo = await net;
        timer.mark('network');
        const dir = ctx.containerDir(id);
        prepareHostPaths(userns, { berthRoot: ctx.deps.paths.root, reach: [rootfs, dir], own: Object.values(etcFilePaths(dir)) });
        const built = buildSpec(specInputFor(rec, rootfs, etcFilePaths(dir), user, (ref) => ctx.pidOf(ref), { netnsPath: netInfo?.netnsPath, mounts, userns, linkEnv: netInfo?.env }));
        warnings = built.warnings;
        seccompKey = useCompiledSeccomp(built.spec, rt.info);
        timer.mark('spec');
        throwIfCancelled(restart);
        return built.spec;
      },
      terminal: !!rec.config.Tty, stdin: !!rec.config.OpenStdin, leaveStdinOpen: !rec.config.StdinOnce || !!rec.config.Tty, // a TTY's stdin outlives its attaches (detach keys)
      // conmon's log is the daemon's intermediate copy (converted to json-file as it grows): like dockerd's
      // json-file, which is never fsynced, it lives in the page cache, which a daemon crash does not lose.
      // The sync conmon does at exit by default costs the stop and run paths a journal commit
      noSyncLog: true,
    });
    if (seccompKey !== undefined) rememberCompiledSeccomp(seccompKey, rt.info, id);
    timer.mark('create');
    await connectPendingAttaches(ctx, id, task.paths.attachSocket);
    timer.mark('attach');
    throwIfCancelled(restart);
    await task.start();
    timer.mark('runtimeStart');
    const started = task;
    const now = nowRfc3339Nano();
    const updated = ctx.store.mutate(id, (r) => {
      const restarting = r.state.Restarting;
      r.state = { ...r.state, Status: 'running', Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
        Pid: started.pid, ExitCode: 0, Error: '', StartedAt: now };
      if (restarting) r.restartCount += 1;
      r.conmonPid = started.conmonPid;
      // only a user's start clears it (as dockerd): a stop that came while a restart was past its
      // last check finds the container running, stops it, and its exit must not restart it
      if (!restart) r.manuallyStopped = false;
    });
    ctx.tasks.set(id, started);
    for (const w of warnings) log.warn(w, { container: id.slice(0, 12) });
    ctx.emit(updated, 'start');
    watchExit(ctx, id);
    if (logsToFile(updated.hostConfig)) ctx.jsonLogs.track(id, ctx.jsonLogFiles(id, updated.hostConfig));
    ctx.health.started(updated);
    timer.done();
    return true;
  } catch (e) {
    // a failed create has undone its own part; a task that was created goes with its runtime state
    await (task ? task.delete({ unmount: false }) : rt.delete(id, true)).catch(() => undefined);
    await attaching?.catch(() => undefined);
    await networks?.detach(rec).catch(() => undefined);
    await ctx.deps.snapshots.unmount(id).catch(() => undefined);
    failPendingAttaches(ctx, id);
    await ctx.logDrivers.close(id);
    if (isRestartCancelled(e)) {
      // stopped before it ran: the last run's exit stays the container's state
      ctx.store.mutate(id, (r) => { r.state = { ...r.state, Status: 'exited', Running: false, Restarting: false, Pid: 0 }; });
      throw e;
    }
    const { exitCode, error } = e instanceof LogDriverStartError ? { exitCode: 128, error: e } : classifyStartError(e, rec.path);
    ctx.store.mutate(id, (r) => {
      r.state = { ...r.state, Running: false, Restarting: false, Pid: 0, ExitCode: exitCode, Error: error.message,
        Status: r.state.Restarting || parseTime(r.state.StartedAt) ? 'exited' : 'created' };
    });
    // `docker run --rm` waits for this removal; it takes the lock, so it runs once this start has released it
    if (removesAfterFailedStart(rec)) {
      void Promise.resolve().then(() => removeAutomatically(ctx, id))
        .catch((err) => log.warn('auto-remove after a failed start failed', { container: id.slice(0, 12), message: (err as Error).message }));
    }
    throw error;
  }
}
