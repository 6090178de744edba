import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join, posix } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { randomId } from '../common/digest.js';
import { BerthError, ConflictError, InvalidArgumentError, NotFoundError, NotSupportedError, SystemError } from '../common/errors.js';
import { log, PhaseTimer } from '../common/log.js';
import { Trash } from '../common/trash.js';
import type { EnginePaths } from '../common/paths.js';
import type { EventLog } from '../events/events.js';
import type { ImageRecord, ImageStore } from '../image/image-store.js';
import { normalizeImageRef } from '../image/reference.js';
import {
  attachConmon, buildProcess, buildSpec, monitorPaths, readExitFile, resizeConmon, resolveUser,
  OutputFanout, startContainerMonitor, startExecMonitor, writeBundle, type AttachStream, type MonitorPaths, type OciRuntime,
} from '../runtime/index.js';
import type { LayerStore } from '../snapshot/layer-store.js';
import type { SnapshotStore } from '../snapshot/overlay.js';
import { isMounted, mountAll, type Mount } from '../snapshot/mounts.js';
import { rememberCompiledSeccomp, useCompiledSeccomp } from '../runtime/seccomp-cache.js';
import type { Db } from '../store/db.js';
import { commandOf, completeConfig, completeHostConfig, mergeImageConfig } from './config-merge.js';
import { ContainerStore, initialState, nameConflict, type ContainerRecord } from '../record/container-store.js';
import { extractIntoContainer, packPath, statContainerPath, type ContainerFs, type ContainerPathStat } from './container-archive.js';
import { normalizeMounts, resolveMounted, type MountedPath, type PathMount } from '../record/mounted-path.js';
import { etcFilePaths, writeEtcFiles } from '../record/etc-files.js';
import { withoutEngineMountpoints } from './engine-mountpoints.js';
import { execInspectView, ExecSessions, type ExecRecord } from './exec-sessions.js';
import { nowRfc3339Nano, parseTime } from '../common/human-time.js';
import type { LogEntry } from './log-entry.js';
import { JsonLogConverter, jsonLogFiles } from './json-log.js';
import { DEFAULT_LOG_CONFIG, logsToFile, mergeLogConfig, rotationOf, type LogConfig } from './log-config.js';
import { readJsonLog } from './json-log-reader.js';
import { KeyedLock } from './keyed-lock.js';
import { checkFilters, makeFilter } from './list-filters.js';
import { normalizeContainerName, randomContainerName } from './names.js';
import { resolveInRoot } from '../record/scoped-path.js';
import { parseSignal } from './signals.js';
import { containerEnv, ensureWorkingDir, processInputFor, specInputFor, userMounts } from './spec-input.js';
import { classifyStartError } from './start-errors.js';
import { containerPids, topProcesses } from './top.js';
import type { NetworkManager } from '../network/network-manager.js';
import type { VolumeManager } from '../volume/volume-manager.js';
import { dirSize, dirSizeSync, inspectView, summaryView } from './views.js';
import { checkControls, hostResources } from './create-checks.js';
import { HealthMonitor, type HealthAction, type HealthState, type HealthStatus } from './health.js';
import { runProbe } from './health-probe.js';
import { applyLiveUpdate, planUpdate } from './resource-update.js';
import { restartDelay } from './restart-policy.js';
import { cgroupsPathOf, StatsCollector, type StatsSample } from './stats.js';
import { cgroupOomKilled, containerCgroup } from '../runtime/cgroup-locate.js';
import { UsernsAllocator } from '../runtime/userns-alloc.js';
import { hostIdsOf, idmappedRootfsMounts, prepareHostPaths } from '../runtime/userns-rootfs.js';
import { containerIds, containerLayerTar, hostIds, rootfsTar } from '../runtime/userns-tar.js';
import { withLogRecovery } from './exec-output-recovery.js';
import { warmCgroupLock } from '../runtime/cgroup-lock-warmup.js';

export type { LogEntry } from './log-entry.js';

/** A live stream to a container's or exec's stdio. */
export interface AttachIO {
  onOutput(cb: (stream: 'stdout' | 'stderr', data: Buffer) => void): void;
  write(data: Buffer): void;
  closeStdin(): void;
  onEnd(cb: () => void): void;
  close(): void;
}

export interface ContainerManagerDeps {
  db: Db; paths: EnginePaths; images: ImageStore; layers: LayerStore; snapshots: SnapshotStore; events: EventLog;
  runtimes: Record<string, OciRuntime>; defaultRuntime: string;
  /** networks and volumes (absent: --network none/host only, host binds only) */
  networks?: NetworkManager; volumes?: VolumeManager;
  /** daemon.json's log-driver/log-opts: applies to containers that name no driver (json-file when absent) */
  defaultLogConfig?: LogConfig;
}

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

const EXIT_POLL_MS = 1000;          // fallback when an inotify event is missed
const KILL_WAIT_MS = 15_000;        // how long a SIGKILL'ed container may take to be reaped

/** Per running container: the watch on conmon's exit dir. */
interface ExitWatch { watcher?: FSWatcher; timer: NodeJS.Timeout }

/**
 * A restart the policy decided on, from the exit that called for it until its start has settled:
 * first the back-off (timer), then the start under the container's lock (attempt). stop, kill and
 * rm cancel it (dockerd's ExitOnNext); a start under way checks `cancelled` before it creates and
 * before it runs the process.
 */
interface PendingRestart { timer?: NodeJS.Timeout; attempt?: Promise<void>; cancelled: boolean }

const ERR_RESTART_CANCELLED = 'ERR_RESTART_CANCELLED';

function throwIfCancelled(restart: PendingRestart | undefined): void {
  if (restart?.cancelled) throw new ConflictError('the restart was cancelled: the container was stopped', ERR_RESTART_CANCELLED);
}

function isRestartCancelled(e: unknown): boolean { return e instanceof BerthError && e.code === ERR_RESTART_CANCELLED; }

/**
 * Containers with Docker's semantics on top of the image store, overlay
 * snapshots, the OCI runtime and conmon. One ContainerManager per daemon; it is
 * the only writer of the containers table. conmon keeps each container's stdio,
 * log and exit code, so containers outlive the daemon; restore() finds them again.
 */
export class ContainerManager {
  private readonly store: ContainerStore;
  /** runtime deletes of removed containers still under way (see deferRuntimeDelete) */
  private readonly runtimeCleanups = new Map<string, Promise<void>>();
  private readonly signals = new EventEmitter();           // `exit:<id>` (code), `removed:<id>` (code)
  private readonly exitWatches = new Map<string, ExitWatch>();
  private readonly execWatches = new Map<string, ExitWatch>();
  private readonly locks = new KeyedLock();
  private readonly execs = new ExecSessions();
  private readonly removing = new Set<string>();
  private readonly pendingAttaches = new Map<string, Array<(s: AttachStream) => void>>();
  private readonly restarts = new Map<string, PendingRestart>();
  private readonly tempMounts = new Map<string, number>();
  private readonly restartDelays = new Map<string, number>();
  /** containers being restarted by `restart` (count: concurrent restarts of one container) */
  private readonly manualRestarts = new Map<string, number>();
  /** health checks of running containers (one scheduler for all) */
  readonly health: HealthMonitor = new HealthMonitor(this.healthHost());
  private readonly statsCollector = new StatsCollector();
  /** conmon's k8s-file logs converted to Docker's json-file (one converter for all containers) */
  private readonly jsonLogs = new JsonLogConverter((id) => { const r = this.store.get(id); return !!r && (r.state.Running || r.state.Restarting); });
  private closed = false;
  /** host id ranges of containers with a private user namespace (--userns) */
  private readonly userns: UsernsAllocator;

  constructor(private readonly deps: ContainerManagerDeps) {
    this.store = new ContainerStore(deps.db);
    this.userns = new UsernsAllocator(deps.db);
    this.signals.setMaxListeners(0);
    for (const d of [deps.paths.containers, deps.paths.conmonDir]) mkdirSync(d, { recursive: true });
  }

  /** the log config of containers that name no driver (`info` shows its driver) */
  get defaultLogConfig(): LogConfig { return this.deps.defaultLogConfig ?? DEFAULT_LOG_CONFIG; }

  // ---------------------------------------------------------------- paths

  private containerDir(id: string): string { return join(this.deps.paths.containers, id); }
  private logPath(id: string): string { return join(this.containerDir(id), 'ctr.log'); }
  private jsonLogFiles(id: string, hostConfig?: any) { return jsonLogFiles(this.containerDir(id), id, this.logPath(id), rotationOf(hostConfig)); }
  /** Short: conmon's attach socket path must stay below 108 bytes. */
  private monitorDir(id: string): string { return join(this.deps.paths.conmonDir, id.slice(0, 12)); }
  private monitor(id: string): MonitorPaths { return monitorPaths(this.monitorDir(id), id, this.logPath(id), this.containerDir(id)); }

  private runtimeFor(rec: ContainerRecord): OciRuntime {
    const rt = this.deps.runtimes[rec.runtime] ?? this.deps.runtimes[this.deps.defaultRuntime];
    if (!rt) throw new SystemError(`OCI runtime ${rec.runtime} is not available`, 'ERR_NO_RUNTIME');
    return rt;
  }

  private resolve(idOrName: string): ContainerRecord { return this.store.resolve(idOrName); }

  private eventAttrs(rec: ContainerRecord, extra: Record<string, string> = {}): Record<string, string> {
    return { ...(rec.config?.Labels ?? {}), image: rec.imageRef, name: rec.name, ...extra };
  }

  /** A client detached with its detach keys: Docker's `detach` / `exec_detach` event. */
  noteDetach(idOrName: string, execId?: string): void {
    const rec = this.store.tryResolve(idOrName);
    if (rec) this.emit(rec, execId ? 'exec_detach' : 'detach', execId ? { execID: execId } : {});
  }

  private emit(rec: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    this.deps.events.emitEvent('container', action, rec.id, this.eventAttrs(rec, extra));
  }

  // ---------------------------------------------------------------- create

  async create(body: any, name?: string): Promise<{ Id: string; Warnings: string[] }> {
    if (!body || typeof body !== 'object') throw new InvalidArgumentError('config cannot be empty in order to create a container');
    if (!body.Image) throw new InvalidArgumentError('no image specified', 'ERR_NO_IMAGE');
    const warnings: string[] = [];
    const finalName = this.pickName(name);
    // a start usually follows (docker run): let the kernel's cgroup-move grace period pass meanwhile
    warmCgroupLock();
    // held from here to the insert: concurrent creates must never pick the same name
    this.reservedNames.add(finalName);
    try {
      return await this.createNamed(body, finalName, warnings);
    } finally {
      this.reservedNames.delete(finalName);
    }
  }

  private readonly reservedNames = new Set<string>();

  private async createNamed(body: any, finalName: string, warnings: string[]): Promise<{ Id: string; Warnings: string[] }> {
    const image = await this.resolveImage(String(body.Image));
    const hc = { ...(body.HostConfig ?? {}) };
    hc.LogConfig = mergeLogConfig(hc.LogConfig, this.deps.defaultLogConfig);
    const netPlan = this.deps.networks?.planForCreate(hc, body.NetworkingConfig);
    const networkMode = netPlan ? netPlan.mode : this.networkModeOf(hc);
    if (!netPlan && hc.PortBindings && Object.keys(hc.PortBindings).length) {
      throw new NotSupportedError('publishing ports needs bridge networking, which is not supported yet; use --network host');
    }
    if (this.deps.volumes) this.deps.volumes.validate(hc); else userMounts(hc); // validate binds/mounts now, not at start
    warnings.push(...checkControls(body, hc));
    const runtimeName = hc.Runtime && hc.Runtime !== 'runc' && hc.Runtime !== 'crun' ? hc.Runtime : (hc.Runtime === 'runc' || hc.Runtime === 'crun' ? hc.Runtime : this.deps.defaultRuntime);
    if (!this.deps.runtimes[runtimeName]) throw new InvalidArgumentError(`unknown or invalid runtime name: ${runtimeName}`);

    let id = randomId();
    while (/^\d+$/.test(id.slice(0, 12))) id = randomId(); // Docker avoids all-digit short ids
    const { Image: _img, HostConfig: _hc, NetworkingConfig: _nc, ...userConfig } = body;
    const merged = mergeImageConfig(userConfig, image.config?.config ?? image.config?.Config ?? {});
    const { path, args } = commandOf(merged);
    const hostname = networkMode === 'host' && !merged.Hostname ? osHostname() : (merged.Hostname || id.slice(0, 12));
    const config = completeConfig(merged, hostname, String(body.Image));
    const hostConfig = completeHostConfig(hc, networkMode);
    hostConfig.Runtime = runtimeName;
    if (this.deps.networks) hostConfig.Links = this.deps.networks.planLinks(hc.Links, networkMode, finalName);
    else if (hc.Links?.length) throw new NotSupportedError('links need bridge networking, which this engine has not set up', 'ERR_LINK');

    const rec: ContainerRecord = {
      id, name: finalName, imageId: image.id, imageRef: String(body.Image), created: nowRfc3339Nano(),
      path, args, config, hostConfig, state: initialState(), restartCount: 0, runtime: runtimeName,
      conmonPid: 0, manuallyStopped: false,
    };
    const dir = this.containerDir(id);
    let snapshotCreated = false;
    this.userns.reserve(id, hostConfig); // throws before anything exists
    try {
      await this.deps.snapshots.create(id, image.topChainId);
      snapshotCreated = true;
      await mkdir(dir, { recursive: true, mode: 0o710 });
      // there from the start, so a `logs -f` reader can hold it open across the container's removal
      if (logsToFile(hostConfig)) await writeFile(this.jsonLogFiles(id).jsonPath, '', { mode: 0o640, flag: 'a' });
      await writeEtcFiles(dir, hostname, networkMode, hostConfig);
      await this.deps.volumes?.prepare(id, hostConfig, config, (ref) => this.resolve(ref));
      this.store.insert(rec);
      if (netPlan) this.deps.networks!.commitCreate(id, netPlan.endpoints);
    } catch (e) {
      this.userns.release(id);
      await this.deps.volumes?.release(id, true).catch(() => undefined);
      if (snapshotCreated) await this.deps.snapshots.remove(id).catch(() => undefined);
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw e;
    }
    this.emit(rec, 'create');
    return { Id: id, Warnings: warnings };
  }

  private pickName(name?: string): string {
    if (name) {
      const n = normalizeContainerName(name);
      const clash = this.store.byName(n);
      if (clash) throw nameConflict(n, clash.id);
      if (this.reservedNames.has(n)) throw new ConflictError(`Conflict. The container name "${n}" is already in use by a container being created. You have to remove (or rename) that container to be able to reuse that name.`);
      return n;
    }
    for (let i = 0; i < 20; i++) {
      const n = randomContainerName(i);
      if (!this.store.byName(n) && !this.reservedNames.has(n)) return n;
    }
    return `${randomContainerName(1)}_${randomId().slice(0, 6)}`;
  }

  private async resolveImage(ref: string): Promise<ImageRecord> {
    const found = this.deps.images.tryResolve(ref);
    if (found) return found;
    let normalized = '';
    try { normalized = normalizeImageRef(ref); } catch { /* not a reference: an id that is missing */ }
    if (normalized === 'docker.io/library/busybox:latest') {
      const { bootstrapImage } = await import('../image/bootstrap.js');
      return bootstrapImage(this.deps.images, 'busybox');
    }
    return this.deps.images.resolve(ref); // throws Docker's `No such image: X`
  }

  /**
   * Networks land in a later issue: the default network mode (empty or
   * 'default') is `none` (loopback only) for now; an explicit bridge or user
   * network is refused rather than silently downgraded.
   */
  private networkModeOf(hc: any): 'none' | 'host' {
    const mode = hc.NetworkMode ?? '';
    if (mode === '' || mode === 'default' || mode === 'none') return 'none';
    if (mode === 'host') return 'host';
    if (mode === 'bridge') throw new NotSupportedError('bridge networking is not supported yet; use --network none or host', 'ERR_NETWORK_NOT_SUPPORTED');
    if (mode.startsWith('container:')) throw new NotSupportedError('--network container:<id> is not supported yet; use --network none or host', 'ERR_NETWORK_NOT_SUPPORTED');
    throw new NotSupportedError(`network ${mode} is not supported yet; use --network none or host`, 'ERR_NETWORK_NOT_SUPPORTED');
  }

  // ---------------------------------------------------------------- start

  /** Returns false when the container was already running (the API answers 304). */
  async start(idOrName: string): Promise<boolean> {
    const rec0 = this.resolve(idOrName);
    this.restartDelays.delete(rec0.id);
    return this.locks.run(rec0.id, () => this.startLocked(rec0.id));
  }

  /** `restart`: the policy's restart this start carries out (absent: a user's start). */
  private async startLocked(id: string, restart?: PendingRestart): Promise<boolean> {
    const rec = this.store.get(id);
    if (!rec) throw new NotFoundError(`No such container: ${id}`);
    if (rec.state.Paused) throw new ConflictError('cannot start a paused container, try unpause instead', 'ERR_PAUSED');
    if (rec.state.Running && !rec.state.Restarting) return false;
    if (this.removing.has(id) || rec.state.Status === 'removing') throw new ConflictError(`container is marked for removal and cannot be started`);
    if (rec.state.Status === 'dead') throw new ConflictError('cannot start a dead container');
    // a user's start supersedes a restart the policy still has pending
    if (!restart) this.dropRestart(id);
    warmCgroupLock();
    const timer = new PhaseTimer('start', { container: id.slice(0, 12) });
    const rt = this.runtimeFor(rec);
    const mon = this.monitor(id);
    const snapshots = this.deps.snapshots;
    let warnings: string[] = [];
    try {
      // leftovers of a previous run (the runtime's state, conmon's files)
      if (rt.hasState(id)) await rt.delete(id, true).catch(() => undefined);
      await rm(mon.dir, { recursive: true, force: true });
      timer.mark('leftovers');
      // --rm: the upper dir is deleted at exit, so it need not survive a host crash (no syncs)
      const userns = this.userns.mapsOf(id);
      // the network (namespace, veths, /etc/hosts) needs neither the rootfs nor the volumes: it is set up
      // while they are mounted, and always settled before this start goes on or cleans up
      const attaching = this.deps.networks?.attach(rec, (ref) => this.pidOf(ref));
      attaching?.catch(() => undefined);
      let rootfs: string;
      let user: ReturnType<typeof resolveUser>;
      let vols: Awaited<ReturnType<VolumeManager['mountsFor']>> | undefined;
      try {
        rootfs = await this.mountRootfs(id, { volatile: !!rec.hostConfig.AutoRemove });
        user = resolveUser(rootfs, rec.config.User || undefined);
        const owner = hostIdsOf(userns, user.uid, user.gid);
        if (rec.config.WorkingDir) ensureWorkingDir(resolveInRoot(rootfs, rec.config.WorkingDir), owner.uid, owner.gid);
        vols = await this.deps.volumes?.mountsFor(rec, rootfs);
      } catch (e) {
        await attaching?.catch(() => undefined);
        throw e;
      }
      timer.mark('rootfs');
      const net = await attaching;
      timer.mark('network');
      prepareHostPaths(userns, { berthRoot: this.deps.paths.root, reach: [rootfs, this.containerDir(id)], own: Object.values(etcFilePaths(this.containerDir(id))) });
      const built = buildSpec(specInputFor(rec, rootfs, etcFilePaths(this.containerDir(id)), user, (ref) => this.pidOf(ref), { netnsPath: net?.netnsPath, mounts: vols, userns, linkEnv: net?.env }));
      warnings = built.warnings;
      const seccompKey = useCompiledSeccomp(built.spec, rt.info);
      await writeBundle(this.containerDir(id), built.spec);
      timer.mark('spec');
      throwIfCancelled(restart);
      const res = await startContainerMonitor({
        id, bundle: this.containerDir(id), runtime: rt.info, dir: mon.dir, logPath: logsToFile(rec.hostConfig) ? this.logPath(id) : null,
        terminal: !!rec.config.Tty, stdin: !!rec.config.OpenStdin, leaveStdinOpen: !rec.config.StdinOnce || !!rec.config.Tty, // a TTY's stdin outlives its attaches (detach keys)
        // --rm: the log goes with the container, so its exit need not wait for an fsync (like the volatile rootfs)
        noSyncLog: !!rec.hostConfig.AutoRemove,
      });
      rememberCompiledSeccomp(seccompKey, rt.info, id);
      timer.mark('create');
      await this.connectPendingAttaches(id, res.paths.attachSocket);
      timer.mark('attach');
      throwIfCancelled(restart);
      await rt.start(id);
      timer.mark('runtimeStart');
      const now = nowRfc3339Nano();
      const updated = this.store.mutate(id, (r) => {
        const restarting = r.state.Restarting;
        r.state = { ...r.state, Status: 'running', Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
          Pid: res.pid, ExitCode: 0, Error: '', StartedAt: now };
        if (restarting) r.restartCount += 1;
        r.conmonPid = res.conmonPid;
        // only a user's start clears it (as dockerd): a stop that came while a restart was past its
        // last check finds the container running, stops it, and its exit must not restart it
        if (!restart) r.manuallyStopped = false;
      });
      for (const w of warnings) log.warn(w, { container: id.slice(0, 12) });
      this.emit(updated, 'start');
      this.watchExit(id);
      if (logsToFile(updated.hostConfig)) this.jsonLogs.track(id, this.jsonLogFiles(id, updated.hostConfig));
      this.health.started(updated);
      timer.done();
      return true;
    } catch (e) {
      await rt.delete(id, true).catch(() => undefined);
      await this.deps.networks?.detach(rec).catch(() => undefined);
      await snapshots.unmount(id).catch(() => undefined);
      this.failPendingAttaches(id);
      if (isRestartCancelled(e)) {
        // stopped before it ran: the last run's exit stays the container's state
        this.store.mutate(id, (r) => { r.state = { ...r.state, Status: 'exited', Running: false, Restarting: false, Pid: 0 }; });
        throw e;
      }
      const { exitCode, error } = classifyStartError(e, rec.path);
      this.store.mutate(id, (r) => {
        r.state = { ...r.state, Running: false, Restarting: false, Pid: 0, ExitCode: exitCode, Error: error.message,
          Status: r.state.Restarting || parseTime(r.state.StartedAt) ? 'exited' : 'created' };
      });
      // --rm: Docker removes a container that failed to start (`docker run --rm` waits for that); after this lock is released
      if (rec.hostConfig.AutoRemove) void Promise.resolve().then(() => this.remove(id, { force: true })).catch((err) => log.warn('auto-remove after a failed start failed', { container: id.slice(0, 12), message: (err as Error).message }));
      throw error;
    }
  }

  /**
   * The snapshot's mounts for the container: idmapped lower dirs with a private user namespace.
   * volatile: see OverlayDirs (--rm).
   */
  private async rootfsMounts(id: string, opts: { volatile?: boolean } = {}): Promise<Mount[]> {
    const userns = this.userns.mapsOf(id);
    return userns ? idmappedRootfsMounts(this.deps.snapshots, id, userns, opts) : await this.deps.snapshots.mounts(id, opts);
  }

  /** Mount the rootfs at the snapshot's mountpoint unless it is there already (idempotent); returns it. */
  private async mountRootfs(id: string, opts: { volatile?: boolean } = {}): Promise<string> {
    const target = this.deps.snapshots.mountpoint(id);
    if (!(await isMounted(target))) await mountAll(await this.rootfsMounts(id, opts), target);
    return target;
  }

  private pidOf(ref: string): number {
    const other = this.resolve(ref);
    if (!other.state.Running || !other.state.Pid) throw new ConflictError(`cannot join namespaces of a non running container: ${other.id}`);
    return other.state.Pid;
  }

  // ---------------------------------------------------------------- exits

  private watchExit(id: string): void {
    if (this.exitWatches.has(id) || this.closed) return;
    const mon = this.monitor(id);
    const check = () => this.checkExit(id, mon);
    const w: ExitWatch = { timer: setInterval(check, EXIT_POLL_MS) };
    w.timer.unref();
    try {
      w.watcher = watch(mon.exitDir, check);
      w.watcher.on('error', () => { /* the dir went away: the poll covers it */ });
      w.watcher.unref();
    } catch { /* no exit dir: the poll covers it */ }
    this.exitWatches.set(id, w);
    check();
  }

  private unwatchExit(id: string): void {
    const w = this.exitWatches.get(id);
    if (!w) return;
    clearInterval(w.timer);
    w.watcher?.close();
    this.exitWatches.delete(id);
  }

  private checkExit(id: string, mon: MonitorPaths): void {
    const code = readExitFile(mon.exitFile);
    if (code !== null) { this.unwatchExit(id); void this.handleExit(id, code); return; }
    const rec = this.store.get(id);
    if (!rec) { this.unwatchExit(id); return; }
    if (rec.conmonPid && !processAlive(rec.conmonPid)) {
      // conmon died without writing an exit code (killed, host trouble): one last look, then give up on it
      const late = readExitFile(mon.exitFile);
      this.unwatchExit(id);
      void this.handleExit(id, late ?? 255, late === null ? 'container monitor (conmon) exited unexpectedly' : '');
    }
  }

  /** Record an exit: state, `die`, cleanup, then --rm or the restart policy. */
  private async handleExit(id: string, code: number, error = ''): Promise<void> {
    let rec: ContainerRecord | undefined;
    const timer = new PhaseTimer('exit', { container: id.slice(0, 12) });
    try {
      rec = await this.locks.run(id, async () => {
        timer.mark('lock');
        const cur = this.store.get(id);
        if (!cur || !cur.state.Running || cur.state.Restarting) return undefined;
        const started = parseTime(cur.state.StartedAt);
        this.health.stopped(id);
        this.statsCollector.forget(id);
        // read before the runtime's delete removes the cgroup
        let oomKilled = false;
        try { oomKilled = cgroupOomKilled(containerCgroup(cgroupsPathOf(cur))); } catch { /* no cgroup left */ }
        const updated = this.store.mutate(id, (r) => {
          r.state = { ...r.state, Status: 'exited', Running: false, Paused: false, Restarting: false, Pid: 0,
            ExitCode: code, Error: error, FinishedAt: nowRfc3339Nano(), OOMKilled: oomKilled };
          r.conmonPid = 0;
          // decided with the exit, as dockerd: from here the container is restarting, so a stop never
          // finds it "not running" (304) while a restart is still to come
          if (this.restartWanted(r)) r.state = { ...r.state, Status: 'restarting', Restarting: true, Running: true };
        });
        if (updated.state.Restarting) this.restarts.set(id, { cancelled: false });
        timer.mark('state');
        // the json-file log is complete before the exit is announced: `wait` then `logs` shows all of
        // it, also when a removal follows at once (a follow reader holds the file open)
        const logged = logsToFile(cur.hostConfig) ? this.jsonLogs.sync(id, this.jsonLogFiles(id, cur.hostConfig), true).catch(() => undefined) : undefined;
        await Promise.all([this.cleanupRuntime(updated), logged]);
        timer.mark('cleanup');
        if (oomKilled) this.emit(updated, 'oom');
        this.emit(updated, 'die', { exitCode: String(code), execDuration: String(Math.max(0, Math.floor((Date.now() - started) / 1000))) });
        return updated;
      });
    } catch (e) {
      log.error('recording a container exit failed', { container: id.slice(0, 12), error: (e as Error).message });
      this.scheduleRestart(id); // a restart decided before the failure still happens (a no-op otherwise)
      return;
    }
    if (!rec) return;
    this.signals.emit(`exit:${id}`, code);
    if (this.autoRemoves(rec) && !this.removing.has(id)) {
      await this.remove(id, { force: true }).catch((e) => log.warn('auto-remove failed', { container: id.slice(0, 12), error: (e as Error).message }));
      timer.mark('remove');
      timer.done();
      return;
    }
    timer.done();
    this.scheduleRestart(id);
  }

  private async cleanupRuntime(rec: ContainerRecord): Promise<void> {
    for (const e of this.execs.ofContainer(rec.id)) if (e.running) this.finishExec(e, 137);
    // the rootfs unmount, the network's teardown and conmon's files do not depend on the runtime's
    // delete (cgroups, state) nor on each other: all run at once. A --rm container's snapshot is
    // removed right here (its removal follows anyway), so `run --rm` does not wait for it afterwards.
    const snapshots = this.deps.snapshots;
    const autoRemove = this.autoRemoves(rec);
    const unmounted = this.tempMounts.get(rec.id) ? undefined
      : (autoRemove ? snapshots.remove(rec.id) : snapshots.unmount(rec.id))
        .catch((e) => log.warn('unmount failed', { container: rec.id.slice(0, 12), error: (e as Error).message }));
    const detached = this.deps.networks?.detach(rec).catch((e) => log.warn('network detach failed', { container: rec.id.slice(0, 12), error: (e as Error).message }));
    const monitorGone = Trash.at(this.deps.paths.runTrash).put(this.monitorDir(rec.id)).catch(() => undefined);
    // --rm: the removal that follows deletes the runtime's state, after the container is gone
    const deleted = autoRemove ? undefined
      : this.runtimeFor(rec).delete(rec.id, true).catch((e) => log.warn('runtime delete failed', { container: rec.id.slice(0, 12), error: (e as Error).message }));
    await Promise.all([deleted, detached, unmounted, monitorGone]);
  }

  /**
   * The runtime's delete of a removed container (its state dir and the exited container's empty
   * cgroups: a process spawn and ~10-25 ms) is bookkeeping that no client waits for: it runs once the
   * removal is reported. Shutdown waits for it; a daemon that crashed meanwhile deletes the orphaned
   * state at its next start (deleteOrphanRuntimeStates).
   */
  private deferRuntimeDelete(rt: OciRuntime, id: string): void {
    // after the waiters' answers are written: they need nothing of it
    const deleted = new Promise<void>((r) => setImmediate(r)).then(() => rt.delete(id, true))
      .catch((e) => log.warn('runtime delete failed', { container: id.slice(0, 12), error: (e as Error).message }));
    this.runtimeCleanups.set(id, deleted.finally(() => this.runtimeCleanups.delete(id)));
  }

  /** Docker's restart policies (always, unless-stopped, on-failure[:max]) for the exit recorded in r. */
  private restartWanted(r: ContainerRecord): boolean {
    if (r.manuallyStopped || this.closed || this.removing.has(r.id) || this.autoRemoves(r)) return false;
    const policy = r.hostConfig.RestartPolicy ?? { Name: 'no' };
    switch (policy.Name || 'no') {
      case 'always': case 'unless-stopped': return true;
      case 'on-failure': return r.state.ExitCode !== 0 && !(policy.MaximumRetryCount > 0 && r.restartCount >= policy.MaximumRetryCount);
      default: return false;
    }
  }

  /** The back-off of a decided restart (Docker's: doubling from 100 ms), then the start under the lock. */
  private scheduleRestart(id: string): void {
    const pending = this.restarts.get(id);
    const rec = this.store.get(id);
    if (!pending || pending.cancelled || pending.timer || pending.attempt) return;
    if (!rec?.state.Restarting || this.closed) { this.restarts.delete(id); return; }
    const ranMs = parseTime(rec.state.FinishedAt) - parseTime(rec.state.StartedAt);
    const delay = restartDelay(this.restartDelays.get(id) ?? 0, ranMs);
    this.restartDelays.set(id, delay);
    pending.timer = setTimeout(() => {
      pending.timer = undefined;
      pending.attempt = this.locks.run(id, async () => {
        const cur = this.store.get(id);
        if (pending.cancelled || !cur?.state.Restarting) return;
        await this.startLocked(id, pending);
      }).catch((e) => {
        if (isRestartCancelled(e)) return;
        log.warn('restart failed', { container: id.slice(0, 12), error: (e as Error).message });
        const cur = this.store.get(id);
        if (cur) this.signals.emit(`exit:${id}`, cur.state.ExitCode);
      }).finally(() => { if (this.restarts.get(id) === pending) this.restarts.delete(id); });
    }, delay);
    pending.timer.unref();
  }

  /** Forget a pending restart without waiting for it (a user's start, under the lock; shutdown). */
  private dropRestart(id: string): void {
    const pending = this.restarts.get(id);
    if (!pending) return;
    pending.cancelled = true;
    clearTimeout(pending.timer);
    this.restarts.delete(id);
  }

  /**
   * stop, kill, rm -f: cancel a restart the policy decided on, waiting out its back-off or starting,
   * and end the restarting state. The caller has already marked the container manually stopped (or
   * is removing it), so no later exit decides on a new one. Resolves once no restart is under way;
   * a start that was past its last check has then committed, and the caller stops what it started.
   * Returns whether there was a restart to cancel.
   */
  private async cancelRestart(id: string): Promise<boolean> {
    const pending = this.restarts.get(id);
    const wasRestarting = !!this.store.get(id)?.state.Restarting;
    if (!pending && !wasRestarting) return false;
    if (pending) { pending.cancelled = true; clearTimeout(pending.timer); pending.timer = undefined; }
    // an attempt under way, or the exit that decided on the restart, holds the lock: wait for them
    await this.locks.run(id, async () => {
      if (this.store.get(id)?.state.Restarting) {
        this.store.mutate(id, (r) => { r.state = { ...r.state, Status: 'exited', Restarting: false, Running: false, Pid: 0 }; });
      }
    });
    if (this.restarts.get(id) === pending) this.restarts.delete(id);
    // a `wait` on the restarting container ends: it will not run again by itself
    const cur = this.store.get(id);
    if (wasRestarting && cur && !cur.state.Running) this.signals.emit(`exit:${id}`, cur.state.ExitCode);
    return true;
  }

  private waitExitSignal(id: string, timeoutMs: number): Promise<number | null> {
    return new Promise((resolve) => {
      const onExit = (code: number) => { clearTimeout(timer); resolve(code); };
      const timer = setTimeout(() => { this.signals.off(`exit:${id}`, onExit); resolve(null); }, timeoutMs);
      this.signals.once(`exit:${id}`, onExit);
    });
  }

  // ---------------------------------------------------------------- stop / kill / restart

  /** Returns false when the container was not running (the API answers 304). */
  async stop(idOrName: string, opts: { signal?: string; timeout?: number } = {}): Promise<boolean> {
    const rec = this.resolve(idOrName);
    if (!rec.state.Running) return false; // also not restarting: restarting containers count as running
    // before any await (dockerd's HasBeenManuallyStopped): an exit recorded from now on decides no restart
    this.store.mutate(rec.id, (r) => { r.manuallyStopped = true; });
    await this.cancelRestart(rec.id);
    // a restart cancelled before it ran, or an exit that came meanwhile: stopped already
    if (!this.store.get(rec.id)?.state.Running) { this.emit(this.store.get(rec.id) ?? rec, 'stop'); return true; }
    const sig = parseSignal(opts.signal || rec.config.StopSignal, 'SIGTERM');
    const timeoutSec = opts.timeout ?? rec.config.StopTimeout ?? 10;
    const exited = this.waitExitSignal(rec.id, timeoutSec < 0 ? 2 ** 31 - 1 : timeoutSec * 1000);
    await this.signalContainer(rec, sig).catch((e) => { if (!(e instanceof ConflictError)) throw e; });
    if ((await exited) === null) {
      const killed = this.waitExitSignal(rec.id, KILL_WAIT_MS);
      await this.signalContainer(rec, parseSignal('SIGKILL')).catch((e) => { if (!(e instanceof ConflictError)) throw e; });
      if ((await killed) === null && this.store.get(rec.id)?.state.Running) {
        throw new SystemError(`container ${rec.id} did not exit within ${KILL_WAIT_MS / 1000} s of SIGKILL`, 'ERR_STOP_TIMEOUT');
      }
    }
    this.emit(this.store.get(rec.id) ?? rec, 'stop');
    return true;
  }

  async kill(idOrName: string, signal?: string): Promise<void> {
    const rec = this.resolve(idOrName);
    if (!rec.state.Running) throw new ConflictError(`Container ${rec.id} is not running`, 'ERR_NOT_RUNNING');
    const sig = parseSignal(signal, 'SIGKILL');
    // before any await, as in stop: whatever the signal, dockerd marks the container manually stopped
    this.store.mutate(rec.id, (r) => { r.manuallyStopped = true; });
    // a restarting container needs no signal (dockerd); one whose restart had got as far as running it gets it
    await this.cancelRestart(rec.id);
    if (!this.store.get(rec.id)?.state.Running) return;
    const exited = sig.number === 9 ? this.waitExitSignal(rec.id, KILL_WAIT_MS) : null;
    await this.signalContainer(rec, sig);
    if (exited) await exited;
  }

  private async signalContainer(rec: ContainerRecord, sig: { name: string; number: number }): Promise<void> {
    this.emit(rec, 'kill', { signal: String(sig.number) });
    const rt = this.runtimeFor(rec);
    const pid = this.store.get(rec.id)?.state.Pid ?? 0;
    if (pid > 0) {
      // the runtime would only look up this pid and kill(2) it: doing it here saves a process start
      try { process.kill(pid, sig.number); } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH') await rt.kill(rec.id, sig.number, false); // ESRCH: already gone, the exit is on its way
      }
    } else {
      await rt.kill(rec.id, sig.number, false);
    }
    // a frozen container cannot act on the signal; thaw it (Docker does the same)
    const cur = this.store.get(rec.id);
    if (cur?.state.Paused) {
      await rt.resume(rec.id).catch(() => undefined);
      this.store.mutate(rec.id, (r) => { r.state = { ...r.state, Paused: false, Status: r.state.Running ? 'running' : r.state.Status }; });
    }
  }

  async restart(idOrName: string, opts: { signal?: string; timeout?: number } = {}): Promise<void> {
    const rec = this.resolve(idOrName);
    // as dockerd (HasBeenManuallyRestarted): the exit this stop causes must not auto-remove a --rm container
    const n = this.manualRestarts.get(rec.id) ?? 0;
    this.manualRestarts.set(rec.id, n + 1);
    try {
      await this.stop(rec.id, opts);
      await this.start(rec.id);
    } finally {
      const left = (this.manualRestarts.get(rec.id) ?? 1) - 1;
      if (left > 0) this.manualRestarts.set(rec.id, left); else this.manualRestarts.delete(rec.id);
    }
    this.emit(this.store.get(rec.id) ?? rec, 'restart');
  }

  /** --rm applies to this exit: not while a manual restart is under way */
  private autoRemoves(rec: ContainerRecord): boolean {
    return !!rec.hostConfig.AutoRemove && !this.manualRestarts.has(rec.id);
  }

  // ---------------------------------------------------------------- pause / rename / remove

  async pause(idOrName: string): Promise<void> {
    const rec = this.resolve(idOrName);
    await this.locks.run(rec.id, async () => {
      const cur = this.store.resolve(rec.id);
      if (!cur.state.Running || cur.state.Restarting) throw new ConflictError(`Container ${rec.id} is not running`, 'ERR_NOT_RUNNING');
      if (cur.state.Paused) throw new ConflictError(`Container ${rec.id} is already paused`, 'ERR_PAUSED');
      await this.runtimeFor(cur).pause(cur.id);
      this.store.mutate(cur.id, (r) => { r.state = { ...r.state, Paused: true, Status: 'paused' }; });
      this.emit(cur, 'pause');
    });
  }

  async unpause(idOrName: string): Promise<void> {
    const rec = this.resolve(idOrName);
    await this.locks.run(rec.id, async () => {
      const cur = this.store.resolve(rec.id);
      if (!cur.state.Paused) throw new ConflictError(`Container ${rec.id} is not paused`, 'ERR_NOT_PAUSED');
      await this.runtimeFor(cur).resume(cur.id);
      this.store.mutate(cur.id, (r) => { r.state = { ...r.state, Paused: false, Status: 'running' }; });
      this.emit(cur, 'unpause');
    });
  }

  async rename(idOrName: string, newName: string): Promise<void> {
    const rec = this.resolve(idOrName);
    if (!newName) throw new InvalidArgumentError('Neither old nor new names may be empty');
    const n = normalizeContainerName(newName);
    if (n === rec.name) throw new InvalidArgumentError('Renaming a container with the same name as its current name');
    this.store.rename(rec.id, n);
    this.emit({ ...rec, name: n }, 'rename', { oldName: '/' + rec.name });
  }

  async remove(idOrName: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const rec = this.resolve(idOrName);
    if (this.removing.has(rec.id)) throw new ConflictError(`removal of container ${rec.id} is already in progress`, 'ERR_REMOVAL_IN_PROGRESS');
    if (rec.state.Paused && !opts.force) {
      throw new ConflictError(`You cannot remove a paused container ${rec.id}. Unpause and then stop the container before attempting removal or force remove`, 'ERR_CONTAINER_RUNNING');
    }
    if (rec.state.Running && !rec.state.Restarting && !opts.force) {
      throw new ConflictError(`You cannot remove a running container ${rec.id}. Stop the container before attempting removal or force remove`, 'ERR_CONTAINER_RUNNING');
    }
    this.removing.add(rec.id);
    let leftRuntimeState = false;
    this.health.stopped(rec.id);
    this.restartDelays.delete(rec.id);
    try {
      // `removing` keeps the kill's exit from deciding on a restart; a start under way is waited for
      await this.cancelRestart(rec.id);
      if (this.store.get(rec.id)?.state.Running) {
        const exited = this.waitExitSignal(rec.id, KILL_WAIT_MS);
        await this.signalContainer(rec, parseSignal('SIGKILL')).catch(() => undefined);
        if ((await exited) === null && this.store.get(rec.id)?.state.Running) {
          throw new SystemError(`could not kill running container ${rec.id}, cannot remove`, 'ERR_KILL_FAILED');
        }
      }
      await this.locks.run(rec.id, async () => {
        this.store.mutate(rec.id, (r) => { r.state = { ...r.state, Status: 'removing' }; });
        this.unwatchExit(rec.id);
        // the process is gone (killed above, or exited): the runtime's state goes after the removal
        leftRuntimeState = this.runtimeFor(rec).hasState(rec.id);
        // independent file trees: removed side by side
        await Promise.all([
          this.deps.snapshots.remove(rec.id),
          Trash.at(this.deps.paths.runTrash).put(this.monitorDir(rec.id)),
          this.jsonLogs.untrack(rec.id).then(() => Trash.at(this.deps.paths.trash).put(this.containerDir(rec.id))),
        ]);
        this.userns.release(rec.id);
        this.store.delete(rec.id);
        this.deps.networks?.forget(rec.id);
        await this.deps.volumes?.release(rec.id, !!opts.volumes || !!rec.hostConfig.AutoRemove).catch((e) => log.warn('volume release failed', { container: rec.id.slice(0, 12), error: (e as Error).message }));
        this.execs.dropContainer(rec.id);
      });
    } catch (e) {
      const cur = this.store.get(rec.id);
      if (cur && cur.state.Status === 'removing') {
        this.store.mutate(rec.id, (r) => { r.state = { ...r.state, Status: 'dead', Dead: true, Error: (e as Error).message }; });
      }
      throw e;
    } finally {
      this.removing.delete(rec.id);
    }
    this.emit(rec, 'destroy');
    this.signals.emit(`removed:${rec.id}`, this.lastExitCode(rec));
    if (leftRuntimeState) this.deferRuntimeDelete(this.runtimeFor(rec), rec.id);
  }

  private lastExitCode(rec: ContainerRecord): number { return rec.state.ExitCode; }

  // ---------------------------------------------------------------- wait

  async wait(idOrName: string, condition: WaitCondition = 'not-running', signal?: AbortSignal): Promise<{ StatusCode: number; Error: { Message: string } | null }> {
    const rec = this.resolve(idOrName);
    const result = (code: number) => {
      const cur = this.store.get(rec.id);
      const err = cur?.state.Error;
      return { StatusCode: code, Error: err ? { Message: err } : null };
    };
    if (condition === 'not-running' && (!rec.state.Running || rec.state.Restarting && !this.restarts.has(rec.id))) {
      return result(rec.state.ExitCode);
    }
    const event = condition === 'removed' ? `removed:${rec.id}` : `exit:${rec.id}`;
    return new Promise((resolve, reject) => {
      const onAbort = () => { this.signals.off(event, onDone); reject(new SystemError('wait aborted', 'ERR_ABORTED')); };
      const onDone = (code: number) => { signal?.removeEventListener('abort', onAbort); resolve(result(code)); };
      this.signals.once(event, onDone);
      if (signal) {
        if (signal.aborted) { onAbort(); return; }
        signal.addEventListener('abort', onAbort, { once: true });
      }
    });
  }

  // ---------------------------------------------------------------- inspect / list

  inspect(idOrName: string, opts: { size?: boolean } = {}): any {
    const rec = this.resolve(idOrName);
    return this.inspectRecord(rec, opts.size ? this.sizesSync(rec) : undefined);
  }

  private inspectRecord(rec: ContainerRecord, sizes?: { sizeRw: number; sizeRootFs: number }): any {
    const etc = etcFilePaths(this.containerDir(rec.id));
    const s = this.deps.snapshots;
    let lower = '';
    try { lower = s.lowerDirs(rec.id).join(':'); } catch { /* snapshot gone */ }
    const view = inspectView(rec, {
      logPath: logsToFile(rec.hostConfig) ? this.jsonLogFiles(rec.id).jsonPath : '', hostnamePath: etc.hostname, hostsPath: etc.hosts, resolvConfPath: etc.resolvConf,
      graphDriverData: { LowerDir: lower, MergedDir: s.mountpoint(rec.id), UpperDir: s.upperDir(rec.id), WorkDir: join(s.upperDir(rec.id), '..', 'work') },
      execIds: this.execs.ofContainer(rec.id).map((e) => e.id),
      sizeRw: sizes?.sizeRw, sizeRootFs: sizes?.sizeRootFs,
    });
    if (this.deps.networks) view.NetworkSettings = this.deps.networks.containerSettings(rec);
    if (this.deps.volumes) view.Mounts = this.deps.volumes.mountPoints(rec.id);
    return view;
  }

  private sizesSync(rec: ContainerRecord): { sizeRw: number; sizeRootFs: number } {
    const sizeRw = dirSizeSync(this.deps.snapshots.upperDir(rec.id));
    const image = this.deps.images.tryResolve(rec.imageId);
    return { sizeRw, sizeRootFs: sizeRw + (image?.size ?? 0) };
  }

  list(opts: { all?: boolean; limit?: number; size?: boolean; filters?: Record<string, string[]> } = {}): any[] {
    const filters = opts.filters ?? {};
    const { impliesAll } = checkFilters(filters);
    const all = opts.all || impliesAll || (opts.limit !== undefined && opts.limit > 0);
    const match = makeFilter(filters, {
      ancestorImageIds: (ref) => this.imageAndDescendants(ref),
      resolveContainer: (x) => this.resolve(x),
      order: (id) => this.store.seqOf(id),
    });
    let recs = this.store.all().filter((r) => (all || r.state.Running) && match(r));
    if (opts.limit !== undefined && opts.limit > 0) recs = recs.slice(0, opts.limit);
    return recs.map((r) => {
      const v = summaryView(r, opts.size ? this.sizesSync(r) : undefined);
      if (this.deps.networks) { v.Ports = this.deps.networks.summaryPorts(r); v.NetworkSettings = { Networks: this.deps.networks.containerSettings(r).Networks }; }
      if (this.deps.volumes) v.Mounts = this.deps.volumes.mountPoints(r.id);
      return v;
    });
  }

  private imageAndDescendants(ref: string): Set<string> {
    const image = this.deps.images.tryResolve(ref);
    if (!image) return new Set();
    const ids = new Set([image.id]);
    const images = this.deps.images.list();
    let grew = true;
    while (grew) {
      grew = false;
      for (const i of images) if (!ids.has(i.id) && i.parent && ids.has(i.parent)) { ids.add(i.id); grew = true; }
    }
    return ids;
  }

  imageInUse(imageId: string): string | undefined {
    return this.store.usingImage(imageId)?.id;
  }

  /** All container records (for system df / prune in other modules). */
  records(): ContainerRecord[] { return this.store.all(); }

  // ---------------------------------------------------------------- logs / attach / resize

  logs(idOrName: string, opts: { follow?: boolean; stdout?: boolean; stderr?: boolean; since?: number; until?: number; timestamps?: boolean; tail?: string } = {}, signal?: AbortSignal): AsyncIterable<LogEntry> {
    const rec = this.resolve(idOrName);
    const finished = () => {
      const cur = this.store.get(rec.id);
      return !cur || !(cur.state.Running || cur.state.Restarting);
    };
    // dockerd's ErrReadLogsNotSupported
    if (!logsToFile(rec.hostConfig)) throw new NotSupportedError('configured logging driver does not support reading', 'ERR_LOGS_NOT_SUPPORTED');
    const files = this.jsonLogFiles(rec.id, rec.hostConfig);
    const catchUp = async () => { const done = finished(); await this.jsonLogs.sync(rec.id, files, done).catch(() => undefined); return done; };
    return readJsonLog(files.jsonPath, opts, catchUp, signal, files.rotation?.maxFile);
  }

  async attach(idOrName: string, opts: { stdin?: boolean; stdout?: boolean; stderr?: boolean } = {}): Promise<AttachIO> {
    const rec = this.resolve(idOrName);
    const wantOut = opts.stdout !== false;
    const wantErr = opts.stderr !== false;
    if (rec.state.Running && !rec.state.Restarting) {
      const s = await attachConmon(this.monitor(rec.id).attachSocket);
      return wrapAttach(Promise.resolve(s), { stdin: !!opts.stdin && !!rec.config.OpenStdin, wantOut, wantErr });
    }
    // Attached before start (docker run): connect between conmon's create and the runtime's start, so no output is lost.
    const stream = new Promise<AttachStream>((resolve, reject) => {
      const list = this.pendingAttaches.get(rec.id) ?? [];
      const cb = (s: AttachStream | null) => (s ? resolve(s) : reject(new SystemError('container did not start', 'ERR_NOT_STARTED')));
      list.push(cb as (s: AttachStream) => void);
      this.pendingAttaches.set(rec.id, list);
    });
    return wrapAttach(stream, { stdin: !!opts.stdin && !!rec.config.OpenStdin, wantOut, wantErr });
  }

  private async connectPendingAttaches(id: string, socket: string): Promise<void> {
    const list = this.pendingAttaches.get(id);
    if (!list?.length) return;
    this.pendingAttaches.delete(id);
    for (const cb of list) cb(await attachConmon(socket));
  }

  private failPendingAttaches(id: string): void {
    const list = this.pendingAttaches.get(id) ?? [];
    this.pendingAttaches.delete(id);
    for (const cb of list) (cb as (s: AttachStream | null) => void)(null);
  }

  async resize(idOrName: string, h: number, w: number): Promise<void> {
    const rec = this.resolve(idOrName);
    if (!rec.state.Running) throw new ConflictError(`Container ${rec.id} is not running`, 'ERR_NOT_RUNNING');
    if (!rec.config.Tty) return; // Docker accepts a resize of a non-tty container and does nothing
    await resizeConmon(this.monitor(rec.id).ctlFifo, h, w);
  }

  // ---------------------------------------------------------------- controls: health, stats, update

  private healthHost() {
    return {
      record: (id: string) => this.store.get(id),
      runProbe: async (id: string, cmd: string[], timeoutMs: number) => {
        const rec = this.store.get(id);
        if (!rec?.state.Running) return { exitCode: -1, output: 'container is not running' };
        const rootfs = this.deps.snapshots.mountpoint(id);
        const user = resolveUser(rootfs, rec.config.User || undefined);
        const { process: proc } = buildProcess({
          ...processInputFor(rec, rootfs, etcFilePaths(this.containerDir(id)), user, (ref) => this.pidOf(ref)), args: cmd, terminal: false,
        });
        return runProbe(this.runtimeFor(rec).info, id, proc, timeoutMs, join(this.deps.paths.tmp, 'health'));
      },
      saveHealth: (id: string, health: HealthState) => {
        if (this.store.get(id)) this.store.mutate(id, (r) => { (r.state as any).Health = health; });
      },
      emitHealth: (id: string, status: HealthStatus) => {
        const rec = this.store.get(id);
        if (rec) this.emit(rec, `health_status: ${status}`);
      },
      act: async (id: string, action: Exclude<HealthAction, 'none'>) => {
        log.info('container is unhealthy; acting on it', { container: id.slice(0, 12), action });
        if (action === 'kill') await this.kill(id, 'SIGKILL');
        else if (action === 'stop') await this.stop(id);
        else await this.restart(id);
      },
    };
  }

  /** docker update: new limits (live, through the runtime) and restart policy. */
  async update(idOrName: string, body: any): Promise<{ Warnings: string[] }> {
    const rec0 = this.resolve(idOrName);
    return this.locks.run(rec0.id, async () => {
      const rec = this.store.resolve(rec0.id);
      const plan = planUpdate(rec, body, hostResources());
      if (rec.state.Running && !rec.state.Restarting) {
        await applyLiveUpdate(rec, plan, { runtime: this.runtimeFor(rec).info, tmpDir: join(this.deps.paths.tmp, 'update'), host: hostResources() });
      }
      const updated = this.store.mutate(rec.id, (r) => { r.hostConfig = plan.hostConfig; });
      this.emit(updated, 'update');
      return { Warnings: plan.warnings };
    });
  }

  /** One stats sample in Docker's JSON (with the previous sample, when given, as precpu). */
  statsSample(idOrName: string, prev?: StatsSample): StatsSample {
    return this.statsCollector.sample(this.resolve(idOrName), prev);
  }

  /** Is there a recent sample to compute CPU % against without waiting? */
  hasRecentStats(idOrName: string): boolean { return this.statsCollector.hasFresh(this.resolve(idOrName).id); }

  // ---------------------------------------------------------------- top / changes / export / archive

  async top(idOrName: string, psArgs?: string): Promise<{ Titles: string[]; Processes: string[][] }> {
    const rec = this.resolve(idOrName);
    if (!rec.state.Running || !rec.state.Pid) throw new ConflictError(`Container ${rec.id} is not running`, 'ERR_NOT_RUNNING');
    return topProcesses(containerPids(rec.state.Pid), psArgs || '-ef');
  }

  async changes(idOrName: string): Promise<{ Path: string; Kind: number }[]> {
    const rec = this.resolve(idOrName);
    return withoutEngineMountpoints(await this.deps.snapshots.changes(rec.id));
  }

  /** Mount the rootfs for a file operation even when the container is stopped; returns the release. */
  private async withRootfs(rec: ContainerRecord): Promise<{ root: string; release: () => Promise<void> }> {
    this.tempMounts.set(rec.id, (this.tempMounts.get(rec.id) ?? 0) + 1);
    let root: string;
    try {
      root = await this.mountRootfs(rec.id); // the same (idmapped) rootfs as when running: a later start reuses the mount
    } catch (e) { await this.releaseRootfs(rec.id); throw e; }
    let released = false;
    return { root, release: async () => { if (!released) { released = true; await this.releaseRootfs(rec.id); } } };
  }

  private async releaseRootfs(id: string): Promise<void> {
    const n = (this.tempMounts.get(id) ?? 1) - 1;
    if (n > 0) { this.tempMounts.set(id, n); return; }
    this.tempMounts.delete(id);
    const cur = this.store.get(id);
    if (cur && !cur.state.Running) await this.deps.snapshots.unmount(id).catch(() => undefined);
  }

  async export(idOrName: string): Promise<Readable> {
    const rec = this.resolve(idOrName);
    const { root, release } = await this.withRootfs(rec);
    const { tarDirectory } = await import('../snapshot/tar-pack.js');
    const maps = this.userns.mapsOf(rec.id);
    const tar = maps ? rootfsTar(root, maps) : tarDirectory(root);
    const out = new PassThrough();
    tar.on('error', (e) => out.destroy(e));
    out.on('close', () => void release());
    tar.on('end', () => void release());
    tar.pipe(out);
    this.emit(rec, 'export');
    return out;
  }

  /**
   * The container's file tree for docker cp: the rootfs with its mounts resolved as in the
   * container (as dockerd mounts the volumes for the copy). A tmpfs has data only while the
   * container runs: it is read through the container's root then, and absent otherwise.
   */
  private containerFs(rec: ContainerRecord, root: string): ContainerFs {
    const cur = this.store.get(rec.id) ?? rec;
    const pid = cur.state.Running && !cur.state.Restarting ? cur.state.Pid : 0;
    const etc = etcFilePaths(this.containerDir(rec.id));
    const mounts: PathMount[] = [];
    const user = this.deps.volumes
      ? this.deps.volumes.mountPoints(rec.id, { all: true }).map((m) => ({ type: m.Type as string, destination: m.Destination as string, source: m.Source as string, rw: !!m.RW }))
      : userMounts(rec.hostConfig).map((m) => ({ type: m.type ?? 'bind', destination: m.destination, source: m.source ?? '', rw: !m.options?.includes('ro') }));
    for (const m of user) {
      if (m.type === 'tmpfs') { if (pid) mounts.push({ destination: m.destination, source: `/proc/${pid}/root${m.destination}`, rw: m.rw, user: true, tmpfs: true }); continue; }
      mounts.push({ destination: m.destination, source: m.source, rw: m.rw, user: true });
    }
    // the engine's /etc files, unless a user mount replaces them (as at start)
    for (const [destination, source] of [['/etc/resolv.conf', etc.resolvConf], ['/etc/hostname', etc.hostname], ['/etc/hosts', etc.hosts]]) {
      if (!mounts.some((m) => m.destination === destination)) mounts.push({ destination, source, rw: true, user: false });
    }
    return { root, mounts: normalizeMounts(root, mounts) };
  }

  async archiveStat(idOrName: string, path: string): Promise<ContainerPathStat> {
    const rec = this.resolve(idOrName);
    const { root, release } = await this.withRootfs(rec);
    try { return (await statContainerPath(this.containerFs(rec, root), path)).stat; } catch (e) { throw namedPathError(e, idOrName); } finally { await release(); }
  }

  async archiveGet(idOrName: string, path: string): Promise<{ stat: ContainerPathStat; tar: Readable }> {
    const rec = this.resolve(idOrName);
    const { root, release } = await this.withRootfs(rec);
    try {
      const fs = this.containerFs(rec, root);
      const { stat, st, resolved } = await statContainerPath(fs, path);
      // a trailing "/" or "/." copies what a symlink points to, like Docker
      const follow = st.isSymbolicLink() && /\/\.?$/.test(path);
      const source = follow ? resolveMounted(root, fs.mounts, posix.resolve('/', path), true) : resolved;
      const name = /\/\.$/.test(path) ? '.' : stat.name;
      const maps = this.userns.mapsOf(rec.id);
      const tar = packPath(source.hostPath, name === '/' ? '.' : name, { containerPath: source.containerPath, mounts: fs.mounts }, maps && containerIds(maps));
      const out = new PassThrough();
      tar.on('error', (e) => { out.destroy(e); void release(); });
      tar.on('end', () => void release());
      out.on('close', () => void release());
      tar.pipe(out);
      return { stat, tar: out };
    } catch (e) {
      await release();
      throw namedPathError(e, idOrName);
    }
  }

  async archivePut(idOrName: string, path: string, tar: Readable, opts: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean } = {}): Promise<void> {
    const rec = this.resolve(idOrName);
    const { root, release } = await this.withRootfs(rec);
    const maps = this.userns.mapsOf(rec.id);
    // Docker's rules: a read-only mount refuses the copy; outside the user mounts, so does a read-only rootfs
    const check = (target: MountedPath) => {
      // the unpacker resolves its target with realpath, which leaves the container's mount namespace
      if (target.mount?.tmpfs) throw new NotSupportedError(`copying into the tmpfs mount ${target.mount.destination} of a running container is not supported; use docker exec (e.g. tar -x) instead`, 'ERR_CP_TMPFS');
      if (target.mount?.user) { if (!target.mount.rw) throw new InvalidArgumentError('mounted volume is marked read-only', 'ERR_READONLY_VOLUME'); return; }
      if (rec.hostConfig.ReadonlyRootfs) throw new InvalidArgumentError('container rootfs is marked read-only', 'ERR_READONLY_ROOTFS');
    };
    try { await extractIntoContainer(this.containerFs(rec, root), path, tar, { ...opts, check, spoolDir: this.deps.paths.tmp, ids: maps && hostIds(maps) }); } catch (e) { throw namedPathError(e, idOrName); } finally { await release(); }
  }

  // ---------------------------------------------------------------- commit / prune

  async commit(idOrName: string, opts: { repo?: string; tag?: string; comment?: string; author?: string; changes?: string[]; pause?: boolean; config?: any } = {}): Promise<{ Id: string }> {
    const rec = this.resolve(idOrName);
    const image = this.deps.images.tryResolve(rec.imageId) ?? null;
    const pauseIt = opts.pause !== false && rec.state.Running && !rec.state.Paused;
    const rt = this.runtimeFor(rec);
    if (pauseIt) await rt.pause(rec.id);
    try {
      let config = imageConfigFrom(rec.config);
      if (opts.config && typeof opts.config === 'object') config = mergeImageConfig({ ...config, ...stripEmpty(opts.config) }, {});
      if (opts.changes?.length) {
        const { applyChanges } = await import('../image/import-export.js');
        config = applyChanges(config, opts.changes);
      }
      const tags = opts.repo ? [`${opts.repo}:${opts.tag || 'latest'}`] : [];
      const created = await this.deps.images.createImage({
        parent: image,
        layerTar: containerLayerTar(this.deps.snapshots, rec.id, this.userns.mapsOf(rec.id)),
        config,
        history: { created_by: [rec.path, ...rec.args].join(' '), comment: opts.comment || undefined, author: opts.author || undefined },
        tags,
      });
      this.emit(rec, 'commit', { comment: opts.comment ?? '', imageID: created.id, imageRef: tags[0] ?? '' });
      return { Id: created.id };
    } finally {
      if (pauseIt) await rt.resume(rec.id).catch(() => undefined);
    }
  }

  async prune(filters: Record<string, string[]> = {}): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
    for (const k of Object.keys(filters)) if (!['until', 'label', 'label!'].includes(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
    const until = filters.until?.length ? Math.min(...filters.until.map(parseUntil)) : Infinity;
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const rec of this.store.all()) {
      if (rec.state.Running || rec.state.Paused || rec.state.Restarting) continue;
      if (parseTime(rec.created) >= until) continue;
      const labels = rec.config?.Labels ?? {};
      if (filters.label?.length && !filters.label.every((l) => labelMatch(labels, l))) continue;
      if (filters['label!']?.length && filters['label!'].some((l) => labelMatch(labels, l))) continue;
      const size = await dirSize(this.deps.snapshots.upperDir(rec.id)).catch(() => 0);
      try {
        await this.remove(rec.id, {});
        deleted.push(rec.id);
        reclaimed += size;
      } catch (e) { log.warn('prune: cannot remove container', { container: rec.id.slice(0, 12), error: (e as Error).message }); }
    }
    this.deps.events.emitEvent('container', 'prune', '', { reclaimed: String(reclaimed) });
    return { ContainersDeleted: deleted, SpaceReclaimed: reclaimed };
  }

  // ---------------------------------------------------------------- exec

  async execCreate(idOrName: string, body: any): Promise<{ Id: string }> {
    const rec = this.resolve(idOrName);
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
      running: false, exitCode: null, pid: 0, conmonPid: 0, dir: join(this.deps.paths.conmonDir, 'x' + id.slice(0, 12)),
      started: false, canRemove: false,
    };
    this.execs.add(exec);
    this.emit(rec, `exec_create: ${cmd.join(' ')}`, { execID: id });
    return { Id: id };
  }

  async execStart(execId: string, opts: { Detach?: boolean; Tty?: boolean } = {}): Promise<AttachIO | null> {
    const exec = this.execs.get(execId);
    if (exec.started) throw new ConflictError(`Error: Exec command ${execId} has already run`, 'ERR_EXEC_STARTED');
    const rec = this.resolve(exec.containerId);
    if (!rec.state.Running) throw new ConflictError(`Container ${rec.id} is not running`, 'ERR_NOT_RUNNING');
    if (rec.state.Paused) throw new ConflictError(`Container ${rec.id} is paused, unpause the container before exec`, 'ERR_PAUSED');
    exec.started = true;
    warmCgroupLock();
    const tty = opts.Tty ?? exec.config.Tty;
    const rootfs = this.deps.snapshots.mountpoint(rec.id);
    const user = resolveUser(rootfs, exec.config.User || rec.config.User || undefined);
    const env = containerEnv({ ...rec.config, Tty: tty, Env: [...(rec.config.Env ?? []), ...exec.config.Env] }, rec.config.Hostname, this.deps.networks?.linkEnvFor(rec));
    const { process: proc } = buildProcess({
      ...processInputFor(rec, rootfs, etcFilePaths(this.containerDir(rec.id)), user, (ref) => this.pidOf(ref)),
      args: exec.config.Cmd, env, cwd: exec.config.WorkingDir || rec.config.WorkingDir || '/', terminal: tty,
      privileged: exec.config.Privileged || !!rec.hostConfig.Privileged,
    });
    const attach = !opts.Detach;
    await rm(exec.dir, { recursive: true, force: true });
    await mkdir(exec.dir, { recursive: true });
    let res;
    try {
      res = await startExecMonitor({
        id: rec.id, execId, runtime: this.runtimeFor(rec).info, process: proc, dir: exec.dir,
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
    this.emit(rec, `exec_start: ${exec.config.Cmd.join(' ')}`, { execID: execId });
    this.watchExecExit(exec, res.paths);
    if (!attach) return null;
    if (!res.attach) throw new SystemError('conmon did not provide an attach stream for the exec', 'ERR_ATTACH');
    const wantOut = exec.config.AttachStdout || !exec.config.AttachStderr;
    const wantErr = exec.config.AttachStderr || !exec.config.AttachStdout;
    // clients ask for the exit code as soon as the stream ends: record it first
    return wrapAttach(Promise.resolve(withLogRecovery(res.attach, res.paths.logPath)), { stdin: exec.config.AttachStdin, wantOut, wantErr,
      beforeEnd: async () => { await this.waitExec(execId, 5000); } });
  }

  private watchExecExit(exec: ExecRecord, paths: MonitorPaths): void {
    const check = () => {
      const code = readExitFile(paths.exitFile);
      if (code !== null) { this.finishExec(exec, code); return; }
      if (exec.conmonPid && !processAlive(exec.conmonPid)) this.finishExec(exec, readExitFile(paths.exitFile) ?? 255);
    };
    const w: ExitWatch = { timer: setInterval(check, EXIT_POLL_MS) };
    w.timer.unref();
    try { w.watcher = watch(paths.exitDir, check); w.watcher.on('error', () => undefined); w.watcher.unref(); } catch { /* polled */ }
    this.execWatches.set(exec.id, w);
    check();
  }

  private finishExec(exec: ExecRecord, code: number): void {
    if (!exec.running) return;
    const w = this.execWatches.get(exec.id);
    if (w) { clearInterval(w.timer); w.watcher?.close(); this.execWatches.delete(exec.id); }
    exec.running = false;
    exec.exitCode = code;
    exec.canRemove = true;
    exec.pid = 0;
    const rec = this.store.get(exec.containerId);
    if (rec) this.emit(rec, 'exec_die', { execID: exec.id, exitCode: String(code) });
    this.signals.emit(`exec:${exec.id}`, code);
    void rm(exec.dir, { recursive: true, force: true }).catch(() => undefined);
  }

  /** Resolves with the exec's exit code once it has been recorded (for attached exec streams). */
  waitExec(execId: string, timeoutMs = 2 ** 31 - 1): Promise<number | null> {
    const exec = this.execs.get(execId);
    if (exec.exitCode !== null && !exec.running) return Promise.resolve(exec.exitCode);
    return new Promise((resolve) => {
      const done = (code: number) => { clearTimeout(timer); resolve(code); };
      const timer = setTimeout(() => { this.signals.off(`exec:${execId}`, done); resolve(null); }, timeoutMs);
      this.signals.once(`exec:${execId}`, done);
    });
  }

  execInspect(execId: string): any {
    const exec = this.execs.get(execId);
    if (exec.running) {
      // the exit may be on disk before the watcher saw it
      const code = readExitFile(join(exec.dir, 'exit', exec.containerId));
      if (code !== null) this.finishExec(exec, code);
    }
    return execInspectView(exec);
  }

  async execResize(execId: string, h: number, w: number): Promise<void> {
    const exec = this.execs.get(execId);
    if (!exec.running) throw new ConflictError(`Exec ${execId} is not running`, 'ERR_NOT_RUNNING');
    if (!exec.config.Tty) return;
    await resizeConmon(monitorPaths(exec.dir, exec.containerId, join(exec.dir, 'log'), exec.dir).ctlFifo, h, w);
  }

  // ---------------------------------------------------------------- daemon start / stop

  /**
   * Daemon start: containers kept running under conmon are watched again,
   * exits that happened while the daemon was down are recorded (with `die`,
   * --rm and restart policies), and mounts nothing owns are cleaned up.
   */
  async restore(): Promise<void> {
    const recs = this.store.all();
    for (const rec of recs) {
      try {
        if (rec.state.Running && !rec.state.Restarting) {
          const mon = this.monitor(rec.id);
          const code = readExitFile(mon.exitFile);
          if (code !== null) { await this.handleExit(rec.id, code); continue; }
          const st = await this.runtimeFor(rec).state(rec.id).catch(() => null);
          if (st && st.status !== 'stopped' && (st.pid > 0 || st.status === 'paused')) {
            this.store.mutate(rec.id, (r) => {
              r.state = { ...r.state, Pid: st.pid || r.state.Pid, Paused: st.status === 'paused', Status: st.status === 'paused' ? 'paused' : 'running' };
            });
            this.watchExit(rec.id);
            this.health.started(this.store.get(rec.id)!, { restored: true });
            continue;
          }
          // gone without an exit code (host reboot, conmon killed): Docker records 255
          await this.handleExit(rec.id, readExitFile(mon.exitFile) ?? 255);
        } else if (rec.state.Restarting) {
          // the restart that was pending when the daemon stopped is decided again (the policy may have changed)
          const cur = this.store.mutate(rec.id, (r) => {
            r.state = { ...r.state, Status: 'exited', Restarting: false, Running: false };
            if (this.restartWanted(r)) r.state = { ...r.state, Status: 'restarting', Restarting: true, Running: true };
          });
          await this.deps.snapshots.unmount(rec.id).catch(() => undefined);
          if (cur.state.Restarting) { this.restarts.set(rec.id, { cancelled: false }); this.scheduleRestart(rec.id); }
        } else {
          await this.deps.snapshots.unmount(rec.id).catch(() => undefined);
          if (rec.state.Status === 'removing') await this.remove(rec.id, { force: true }).catch(() => undefined);
        }
      } catch (e) {
        log.warn('restoring a container failed', { container: rec.id.slice(0, 12), error: (e as Error).message });
      }
    }
    await this.deps.snapshots.cleanupStale(new Set(this.store.all().map((r) => r.id)));
    await this.deleteOrphanRuntimeStates();
    this.restoreJsonLogs();
    // Docker starts always / unless-stopped containers again at daemon start
    for (const rec of this.store.all()) {
      const p = rec.hostConfig.RestartPolicy?.Name;
      if (!rec.state.Running && !rec.manuallyStopped && (p === 'always' || p === 'unless-stopped') && parseTime(rec.state.StartedAt)) {
        await this.start(rec.id).catch((e) => log.warn('restart at daemon start failed', { container: rec.id.slice(0, 12), error: (e as Error).message }));
      }
    }
  }

  /** Daemon start: watch running containers' logs again and convert what conmon wrote while the daemon was down (in the background). */
  private restoreJsonLogs(): void {
    for (const rec of this.store.all()) {
      const live = rec.state.Running || rec.state.Restarting;
      const files = logsToFile(rec.hostConfig) ? this.jsonLogFiles(rec.id, rec.hostConfig) : undefined;
      if (files && live) this.jsonLogs.track(rec.id, files);
      if (files && (live || parseTime(rec.state.StartedAt))) void this.jsonLogs.sync(rec.id, files, !live).catch(() => undefined);
    }
  }

  /** Daemon stop: stop watching; containers keep running under conmon. */
  /** Runtime states of containers that are no longer known (a crash during a deferred runtime delete). */
  private async deleteOrphanRuntimeStates(): Promise<void> {
    const known = new Set(this.store.all().map((r) => r.id));
    for (const rt of new Set(Object.values(this.deps.runtimes))) {
      let ids: string[] = [];
      try { ids = readdirSync(rt.info.root).filter((n) => /^[0-9a-f]{64}$/.test(n) && !known.has(n)); } catch { continue; }
      for (const id of ids) await rt.delete(id, true).catch((e) => log.warn('deleting an orphaned runtime state failed', { container: id.slice(0, 12), error: (e as Error).message }));
    }
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    await Promise.all(this.runtimeCleanups.values());
    this.health.shutdown();
    await this.jsonLogs.close();
    for (const id of [...this.exitWatches.keys()]) this.unwatchExit(id);
    for (const [id, w] of this.execWatches) { clearInterval(w.timer); w.watcher?.close(); this.execWatches.delete(id); }
    for (const id of [...this.restarts.keys()]) this.dropRestart(id);
  }
}

// ---------------------------------------------------------------- helpers

function processAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

function labelMatch(labels: Record<string, string>, f: string): boolean {
  const i = f.indexOf('=');
  return i < 0 ? Object.prototype.hasOwnProperty.call(labels, f) : labels[f.slice(0, i)] === f.slice(i + 1);
}

/** `until` of prune filters: unix timestamp, RFC 3339 or a Go duration ago (10m, 1h30m). */
function parseUntil(v: string): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const dur = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v);
  if (dur && v) return Date.now() - ((Number(dur[1] ?? 0) * 60 + Number(dur[2] ?? 0)) * 60 + Number(dur[3] ?? 0)) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgumentError(`invalid filter 'until=${v}'`);
  return t;
}

function stripEmpty(o: any): any {
  const out: any = {};
  for (const [k, v] of Object.entries(o ?? {})) if (v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)) out[k] = v;
  return out;
}

/** The image config of a commit: the container's config without the per-container fields. */
function imageConfigFrom(c: any): any {
  const out: any = {};
  for (const k of ['User', 'ExposedPorts', 'Env', 'Cmd', 'Healthcheck', 'ArgsEscaped', 'Volumes', 'WorkingDir', 'Entrypoint', 'OnBuild', 'Labels', 'StopSignal', 'StopTimeout', 'Shell']) {
    if (c[k] !== undefined && c[k] !== null) out[k] = c[k];
  }
  return out;
}

/** AttachIO over a conmon attach stream that may only connect later (attach before start). */
function wrapAttach(stream: Promise<AttachStream>, o: { stdin: boolean; wantOut: boolean; wantErr: boolean; beforeEnd?: () => Promise<void> }): AttachIO {
  const output = new OutputFanout();
  const endCbs: Array<() => void> = [];
  let ended = false;
  let closed = false;
  let ending = false;
  const end = () => {
    if (ended || ending) return;
    ending = true;
    const fire = () => { ended = true; for (const cb of endCbs.splice(0)) cb(); };
    if (o.beforeEnd && !closed) o.beforeEnd().then(fire, fire); else fire();
  };
  const pendingWrites: Array<(s: AttachStream) => void> = [];
  let live: AttachStream | null = null;
  stream.then((s) => {
    live = s;
    if (closed) { s.close(); return; }
    s.onOutput((name, data) => {
      if ((name === 'stdout' && o.wantOut) || (name === 'stderr' && o.wantErr)) output.emit(name, data);
    });
    s.onEnd(end);
    for (const w of pendingWrites.splice(0)) w(s);
  }, () => end());
  const withStream = (fn: (s: AttachStream) => void) => { if (live) fn(live); else pendingWrites.push(fn); };
  return {
    onOutput: (cb) => output.on(cb),
    onEnd: (cb) => { if (ended) cb(); else endCbs.push(cb); },
    write: (data) => { if (o.stdin) withStream((s) => s.write(data)); },
    closeStdin: () => { if (o.stdin) withStream((s) => s.closeStdin()); },
    close: () => { closed = true; if (live) live.close(); end(); },
  };
}

/** Docker names the container in "Could not find the file /x in container NAME". */
function namedPathError(e: unknown, name: string): unknown {
  if (e instanceof NotFoundError && e.code === 'ERR_PATH_NOT_FOUND') return new NotFoundError(`${e.message} ${name}`, e.code);
  return e;
}
