/**
 * One process's lifecycle on the OCI runtime, as containerd's runtime task:
 *   create: the rootfs mounted from its mount descriptions, the spec written as the bundle, and
 *           `<runtime> create` run by conmon, which from then on monitors the process;
 *   start:  `<runtime> start`;
 *   exit:   conmon's exit file, waited for with inotify, turned into an exit record
 *           (code, OOM kill, time, error);
 *   delete: the runtime's state, the rootfs mounts and conmon's files.
 * conmon keeps the process's stdio, log and exit code, so a task outlives the daemon that
 * created it; Task.attach takes one up again.
 */
import { rm } from 'node:fs/promises';
import { nowRfc3339Nano } from '../common/human-time.js';
import { Trash } from '../common/trash.js';
import { ensureMounted, unmountAll, type Mount } from '../snapshot/mounts.js';
import { cgroupOomKilled, containerCgroup } from './cgroup-locate.js';
import { monitorPaths, readExitFile, startContainerMonitor, type MonitorOptions, type MonitorPaths } from './conmon.js';
import { watchExit, type ExitWatch, type MonitorExit } from './exit-watch.js';
import type { OciRuntime } from './oci-runtime.js';
import { writeBundle } from './spec.js';

export type { ExitWatch } from './exit-watch.js';

/** How a task ended. */
export interface TaskExit {
  exitCode: number;
  /** the kernel's OOM killer killed a process of the task's cgroup */
  oomKilled: boolean;
  /** when the exit was seen (RFC 3339, nanoseconds) */
  finishedAt: string;
  /** '' unless the exit is not the process's own (conmon went without writing one) */
  error: string;
}

export const MONITOR_LOST_ERROR = 'container monitor (conmon) exited unexpectedly';

export interface TaskRootfs {
  /** where the rootfs is: the spec's root.path */
  target: string;
  /** how to mount it (a snapshot's mounts); absent: the caller has mounted it and unmounts it */
  mounts?: Mount[];
}

export interface TaskSetup {
  id: string;
  runtime: OciRuntime;
  /** config.json (and conmon's terminal control fifo) */
  bundle: string;
  /** conmon's files: exit dir, pid files, attach socket (keep it short: sun_path holds 108 bytes) */
  monitorDir: string;
  rootfs: TaskRootfs;
  /** conmon's k8s-file log; null: nothing is logged */
  logPath: string | null;
  /** a trash dir (common/trash) to move conmon's files into at delete, instead of deleting them in place */
  trash?: string;
}

/** conmon's own settings pass through unchanged (MonitorOptions); noSyncLog suits output thrown away with the task */
export interface TaskCreateOptions extends TaskSetup,
  Pick<MonitorOptions, 'terminal' | 'stdin' | 'leaveStdinOpen' | 'logSizeMax' | 'noSyncLog' | 'timeoutMs' | 'conmonPath'> {
  /** the OCI spec, asked for once the rootfs is mounted (users and the working dir are looked up in it) */
  spec(rootfs: string): unknown | Promise<unknown>;
}

/** A task conmon still monitors, as recorded when it was created. */
export interface TaskAttachOptions extends TaskSetup {
  pid: number;
  conmonPid: number;
  /** the spec's linux.cgroupsPath (for the OOM kill of the exit record) */
  cgroupsPath?: string;
}

export class Task {
  private exit: TaskExit | null = null;
  /** the spec has poststart hooks, which only the runtime's own start runs */
  private poststartHooks = false;
  private waiting: Promise<TaskExit> | undefined;
  private readonly watches = new Set<ExitWatch>();

  private constructor(
    private readonly setup: TaskSetup,
    readonly paths: MonitorPaths,
    readonly pid: number,
    readonly conmonPid: number,
    private readonly cgroupsPath: string | undefined,
  ) {}

  get id(): string { return this.setup.id; }
  get rootfs(): string { return this.setup.rootfs.target; }

  /**
   * Mount the rootfs, write the bundle, have conmon run `<runtime> create`. The process exists but
   * has not run yet: connect to paths.attachSocket now to miss none of its output, then start().
   * What this made is undone when it fails.
   */
  static async create(o: TaskCreateOptions): Promise<Task> {
    const { id, runtime } = o;
    // an earlier run under this id may have left the runtime's state and conmon's files
    if (runtime.hasState(id)) await runtime.delete(id, true).catch(() => undefined);
    await rm(o.monitorDir, { recursive: true, force: true });
    let mounted = false;
    try {
      if (o.rootfs.mounts) mounted = await ensureMounted(o.rootfs.mounts, o.rootfs.target);
      const spec = await o.spec(o.rootfs.target) as { linux?: { cgroupsPath?: string }; hooks?: { poststart?: unknown[] } };
      await writeBundle(o.bundle, spec);
      const mon = await startContainerMonitor({
        id, bundle: o.bundle, runtime: runtime.info, dir: o.monitorDir, logPath: o.logPath,
        terminal: o.terminal, stdin: o.stdin, leaveStdinOpen: o.leaveStdinOpen, logSizeMax: o.logSizeMax,
        noSyncLog: o.noSyncLog, timeoutMs: o.timeoutMs, conmonPath: o.conmonPath,
      });
      const task = new Task(o, mon.paths, mon.pid, mon.conmonPid, spec.linux?.cgroupsPath);
      task.poststartHooks = !!spec.hooks?.poststart?.length;
      return task;
    } catch (e) {
      await runtime.delete(id, true).catch(() => undefined);
      if (mounted) await unmountAll(o.rootfs.target).catch(() => undefined);
      throw e;
    }
  }

  /** Take up a task created earlier (by this daemon or one before it) that conmon monitors. */
  static attach(o: TaskAttachOptions): Task {
    return new Task(o, monitorPaths(o.monitorDir, o.id, o.logPath ?? '', o.bundle), o.pid, o.conmonPid, o.cgroupsPath);
  }

  /** Run the process (`<runtime> start`). */
  async start(): Promise<void> { await this.setup.runtime.start(this.id, { poststartHooks: this.poststartHooks }); }

  /** Signal the process (all: every process of the container). */
  async kill(signal: string | number, all = false): Promise<void> { await this.setup.runtime.kill(this.id, signal, all); }

  /** The exit record when the process has exited, null while it runs (one look, no wait). */
  exited(): TaskExit | null {
    if (this.exit) return this.exit;
    const code = readExitFile(this.paths.exitFile);
    return code === null ? null : this.record({ code, monitorLost: false });
  }

  /**
   * Calls onExit once, with the exit record, when the process has exited (at once when it has
   * already). ref: false for a daemon's background watch that must not keep it alive.
   */
  watch(onExit: (exit: TaskExit) => void, opts: { ref?: boolean } = {}): ExitWatch {
    if (this.exit) {
      const done = this.exit;
      queueMicrotask(() => onExit(done));
      return { close: () => undefined };
    }
    let fired = false;
    let w: ExitWatch | undefined = undefined;
    // the exit may be there already: then the callback runs before watchExit returns
    w = watchExit({ exitDir: this.paths.exitDir, exitFile: this.paths.exitFile, conmonPid: this.conmonPid, ref: opts.ref }, (e) => {
      fired = true;
      if (w) this.watches.delete(w);
      onExit(this.record(e));
    });
    const watch = w;
    if (!fired) this.watches.add(watch);
    return { close: () => { this.watches.delete(watch); watch.close(); } };
  }

  /** Resolves with the exit record once the process has exited. */
  wait(): Promise<TaskExit> {
    this.waiting ??= new Promise((resolve) => { this.watch(resolve, { ref: true }); });
    return this.waiting;
  }

  /**
   * The runtime's state (and with it the cgroup; keepRuntimeState: the caller deletes it later),
   * the rootfs mounts (unmount: by default when the task was given mount descriptions) and
   * conmon's files, side by side; the first failure is thrown once all have settled.
   */
  async delete(opts: { unmount?: boolean; keepRuntimeState?: boolean } = {}): Promise<void> {
    for (const w of this.watches) w.close();
    this.watches.clear();
    const unmount = opts.unmount ?? !!this.setup.rootfs.mounts;
    const dir = this.setup.monitorDir;
    const results = await Promise.allSettled([
      opts.keepRuntimeState ? undefined : this.setup.runtime.delete(this.id, true),
      unmount ? unmountAll(this.setup.rootfs.target) : undefined,
      this.setup.trash ? Trash.at(this.setup.trash).put(dir) : rm(dir, { recursive: true, force: true }),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** The exit record, made once: the OOM kill is read now, before a delete removes the cgroup. */
  private record(e: MonitorExit): TaskExit {
    if (this.exit) return this.exit;
    let oomKilled = false;
    if (this.cgroupsPath) {
      try { oomKilled = cgroupOomKilled(containerCgroup(this.cgroupsPath)); } catch { /* no cgroup left */ }
    }
    this.exit = { exitCode: e.code, oomKilled, finishedAt: nowRfc3339Nano(), error: e.monitorLost ? MONITOR_LOST_ERROR : '' };
    return this.exit;
  }
}
