import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ConflictError, InvalidArgumentError } from '../common/errors.js';
import type { ContainerRecord, InternalCreateOptions } from '../record/container-store.js';
import type { ContainerInspectView, ContainerSummaryView } from './views.js';
import type { ExecInspectView } from './exec-sessions.js';
import * as stdio from './attach.js';
import type { AttachIO, LogsOptions } from './attach.js';
import * as files from './container-files.js';
import type { CommitOptions } from './container-files.js';
import type { ContainerPathStat } from './container-archive.js';
import { ContainerContext, type ContainerManagerDeps } from './context.js';
import { hostResources } from './create-checks.js';
import { createContainer } from './create.js';
import * as execs from './exec.js';
import { handleExit, wait, type WaitCondition } from './exits.js';
import type { HealthMonitor } from './health.js';
import * as liveRestore from './live-restore.js';
import * as listing from './listing.js';
import type { ListOptions } from './listing.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from './log-config.js';
import type { LogEntry } from './log-entry.js';
import { normalizeContainerName } from './names.js';
import { prune } from './prune.js';
import { remove, type RemoveOptions } from './removal.js';
import { applyLiveUpdate, planUpdate, type UpdateBody } from './resource-update.js';
import { start } from './start.js';
import type { StatsSample } from './stats.js';
import * as lifecycle from './lifecycle.js';
import type { StopOptions } from './lifecycle.js';
import { containerPids, topProcesses } from './top.js';

export type { LogEntry } from './log-entry.js';
export type { AttachIO } from './attach.js';
export type { ContainerManagerDeps } from './context.js';
export type { WaitCondition } from './exits.js';

/**
 * Containers with Docker's semantics on top of the image store, overlay
 * snapshots, the OCI runtime and conmon. One ContainerManager per daemon; it is
 * the only writer of the containers table. conmon keeps each container's stdio,
 * log and exit code, so containers outlive the daemon; restore() finds them again.
 *
 * This class is the facade: it owns the shared state (ContainerContext) and
 * hands each operation to the module of its concern (create, start, stop,
 * exits, removal, exec, attach, container-files, listing, live-restore).
 */
export class ContainerManager {
  private readonly ctx: ContainerContext;

  constructor(deps: ContainerManagerDeps) {
    this.ctx = new ContainerContext(deps, {
      exited: (id, exit) => handleExit(this.ctx, id, exit),
      unhealthy: async (id, action) => {
        if (action === 'kill') await this.kill(id, 'SIGKILL');
        else if (action === 'stop') await this.stop(id);
        else await this.restart(id);
      },
    });
  }

  /** health checks of running containers (one scheduler for all) */
  get health(): HealthMonitor { return this.ctx.health; }

  /** the log config of containers that name no driver (`info` shows its driver) */
  get defaultLogConfig(): LogConfig { return this.ctx.deps.defaultLogConfig ?? DEFAULT_LOG_CONFIG; }

  /** A client detached with its detach keys: Docker's `detach` / `exec_detach` event. */
  noteDetach(idOrName: string, execId?: string): void {
    const rec = this.ctx.store.tryResolve(idOrName);
    if (rec) this.ctx.emit(rec, execId ? 'exec_detach' : 'detach', execId ? { execID: execId } : {});
  }

  // ---------------------------------------------------------------- lifecycle

  create(body: any, name?: string, internal?: InternalCreateOptions): Promise<{ Id: string; Warnings: string[] }> { return createContainer(this.ctx, body, name, internal); }

  /** Returns false when the container was already running (the API answers 304). */
  start(idOrName: string): Promise<boolean> { return start(this.ctx, idOrName); }

  /** Returns false when the container was not running (the API answers 304). */
  stop(idOrName: string, opts: StopOptions = {}): Promise<boolean> { return lifecycle.stop(this.ctx, idOrName, opts); }

  kill(idOrName: string, signal?: string): Promise<void> { return lifecycle.kill(this.ctx, idOrName, signal); }

  restart(idOrName: string, opts: StopOptions = {}): Promise<void> { return lifecycle.restart(this.ctx, idOrName, opts); }

  pause(idOrName: string): Promise<void> { return lifecycle.pause(this.ctx, idOrName); }

  unpause(idOrName: string): Promise<void> { return lifecycle.unpause(this.ctx, idOrName); }

  remove(idOrName: string, opts: RemoveOptions = {}): Promise<void> { return remove(this.ctx, idOrName, opts); }

  wait(idOrName: string, condition: WaitCondition = 'not-running', signal?: AbortSignal): Promise<{ StatusCode: number; Error: { Message: string } | null }> {
    return wait(this.ctx, idOrName, condition, signal);
  }

  prune(filters: Record<string, string[]> = {}): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> { return prune(this.ctx, filters); }

  // ---------------------------------------------------------------- settings

  async rename(idOrName: string, newName: string): Promise<void> {
    const rec = this.ctx.resolve(idOrName);
    if (!newName) throw new InvalidArgumentError('Neither old nor new names may be empty');
    const n = normalizeContainerName(newName);
    if (n === rec.name) throw new InvalidArgumentError('Renaming a container with the same name as its current name');
    this.ctx.store.rename(rec.id, n);
    this.ctx.emit({ ...rec, name: n }, 'rename', { oldName: '/' + rec.name });
  }

  /** docker update: new limits (live, through the runtime) and restart policy. */
  async update(idOrName: string, body: UpdateBody): Promise<{ Warnings: string[] }> {
    const { ctx } = this;
    const rec0 = ctx.resolve(idOrName);
    return ctx.locks.run(rec0.id, async () => {
      const rec = ctx.store.resolve(rec0.id);
      const plan = planUpdate(rec, body, hostResources());
      if (rec.state.Running && !rec.state.Restarting) {
        await applyLiveUpdate(rec, plan, { runtime: ctx.runtimeFor(rec).info, tmpDir: join(ctx.deps.paths.tmp, 'update'), host: hostResources() });
      }
      const updated = ctx.store.mutate(rec.id, (r) => { r.hostConfig = plan.hostConfig; });
      ctx.emit(updated, 'update');
      return { Warnings: plan.warnings };
    });
  }

  // ---------------------------------------------------------------- inspect / list / stats

  inspect(idOrName: string, opts: { size?: boolean } = {}): ContainerInspectView { return listing.inspect(this.ctx, idOrName, opts); }

  list(opts: ListOptions = {}): ContainerSummaryView[] { return listing.list(this.ctx, opts); }

  imageInUse(imageId: string): string | undefined { return this.ctx.store.usingImage(imageId)?.id; }

  /**
   * All container records (for system df, metrics and the audit in other modules): the shared, frozen
   * copies in memory, not each row parsed again from SQLite on every call.
   */
  records(): readonly ContainerRecord[] { return this.ctx.store.allReadonly(); }

  /** One stats sample in Docker's JSON (with the previous sample, when given, as precpu). */
  statsSample(idOrName: string, prev?: StatsSample): StatsSample { return this.ctx.statsCollector.sample(this.ctx.resolve(idOrName), prev); }

  /** Is there a recent sample to compute CPU % against without waiting? */
  hasRecentStats(idOrName: string): boolean { return this.ctx.statsCollector.hasFresh(this.ctx.resolve(idOrName).id); }

  async top(idOrName: string, psArgs?: string): Promise<{ Titles: string[]; Processes: string[][] }> {
    const rec = this.ctx.resolve(idOrName);
    if (!rec.state.Running || !rec.state.Pid) throw new ConflictError(`Container ${rec.id} is not running`, 'ERR_NOT_RUNNING');
    const top = await topProcesses(containerPids(rec.state.Pid), psArgs || '-ef');
    this.ctx.emit(rec, 'top');
    return top;
  }

  // ---------------------------------------------------------------- logs / attach / resize

  logs(idOrName: string, opts: LogsOptions = {}, signal?: AbortSignal): AsyncIterable<LogEntry> { return stdio.logs(this.ctx, idOrName, opts, signal); }

  attach(idOrName: string, opts: { stdin?: boolean; stdout?: boolean; stderr?: boolean } = {}): Promise<AttachIO> { return stdio.attach(this.ctx, idOrName, opts); }

  resize(idOrName: string, h: number, w: number): Promise<void> { return stdio.resize(this.ctx, idOrName, h, w); }

  // ---------------------------------------------------------------- files: changes / export / archive / commit

  changes(idOrName: string): Promise<{ Path: string; Kind: number }[]> { return files.changes(this.ctx, idOrName); }

  export(idOrName: string): Promise<Readable> { return files.exportContainer(this.ctx, idOrName); }

  archiveStat(idOrName: string, path: string): Promise<ContainerPathStat> { return files.archiveStat(this.ctx, idOrName, path); }

  archiveGet(idOrName: string, path: string): Promise<{ stat: ContainerPathStat; tar: Readable }> { return files.archiveGet(this.ctx, idOrName, path); }

  archivePut(idOrName: string, path: string, tar: Readable, opts: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean } = {}): Promise<void> {
    return files.archivePut(this.ctx, idOrName, path, tar, opts);
  }

  commit(idOrName: string, opts: CommitOptions = {}): Promise<{ Id: string }> { return files.commit(this.ctx, idOrName, opts); }

  // ---------------------------------------------------------------- exec

  execCreate(idOrName: string, body: execs.ExecCreateBody): Promise<{ Id: string }> { return execs.execCreate(this.ctx, idOrName, body); }

  execStart(execId: string, opts: { Detach?: boolean; Tty?: boolean } = {}): Promise<AttachIO | null> { return execs.execStart(this.ctx, execId, opts); }

  /** Resolves with the exec's exit code once it has been recorded (for attached exec streams). */
  waitExec(execId: string, timeoutMs?: number): Promise<number | null> { return execs.waitExec(this.ctx, execId, timeoutMs); }

  execInspect(execId: string): ExecInspectView { return execs.execInspect(this.ctx, execId); }

  execResize(execId: string, h: number, w: number): Promise<void> { return execs.execResize(this.ctx, execId, h, w); }

  // ---------------------------------------------------------------- daemon start / stop

  /** Daemon start: watch the running containers again, record the exits missed, apply restart policies. */
  restore(): Promise<void> { return liveRestore.restore(this.ctx); }

  /** Daemon stop: stop watching; containers keep running under conmon. */
  shutdown(): Promise<void> { return liveRestore.shutdown(this.ctx); }
}
