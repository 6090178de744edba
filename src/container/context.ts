import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, SystemError } from '../common/errors.js';
import type { EnginePaths } from '../common/paths.js';
import type { EventLog } from '../events/events.js';
import type { ImageRecord, ImageStore } from '../image/image-store.js';
import type { NetworkManager } from '../network/network-manager.js';
import { ContainerStore, type ContainerRecord } from '../record/container-store.js';
import { monitorPaths, type AttachStream, type ExitWatch, type MonitorPaths, type OciRuntime, type Task, type TaskExit } from '../runtime/index.js';
import { UsernsAllocator } from '../runtime/userns-alloc.js';
import type { LayerStore } from '../snapshot/layer-store.js';
import type { SnapshotStore } from '../snapshot/overlay.js';
import type { Db } from '../store/db.js';
import type { VolumeManager } from '../volume/volume-manager.js';
import type { SecretFiles } from '../secret/secret-files.js';
import type { SecretStore } from '../secret/secret-store.js';
import { ExecSessions } from './exec-sessions.js';
import { HealthMonitor, type HealthAction } from './health.js';
import { healthHost } from './health-host.js';
import { JsonLogConverter, jsonLogFiles } from './json-log.js';
import { ContainerLogDrivers } from './log-drivers.js';
import { logFileFormat, rotationOf, type LogConfig } from './log-config.js';
import { KeyedLock } from './keyed-lock.js';
import type { PendingRestart } from './pending-restarts.js';
import { StatsCollector } from './stats.js';

export interface ContainerManagerDeps {
  db: Db; paths: EnginePaths; images: ImageStore; layers: LayerStore; snapshots: SnapshotStore; events: EventLog;
  runtimes: Record<string, OciRuntime>; defaultRuntime: string;
  /** networks and volumes (absent: --network none/host only, host binds only) */
  networks?: NetworkManager; volumes?: VolumeManager;
  /** berth's secrets (HostConfig.BerthSecrets; absent: a container that names one is refused) */
  secrets?: { store: SecretStore; files: SecretFiles };
  /** daemon.json's log-driver/log-opts: applies to containers that name no driver (json-file when absent) */
  defaultLogConfig?: LogConfig;
  /** the admission policy's check of the image a create uses (`given`: the name the user gave); throws to refuse */
  admitImage?: (given: string, image: ImageRecord) => Promise<void>;
}

export const KILL_WAIT_MS = 15_000;        // how long a SIGKILL'ed container may take to be reaped

/**
 * What the concerns of the manager reach back into: kept as callbacks so that the modules form no
 * import cycle (a start watches for the exit, the exit may restart it).
 */
export interface ContextHooks {
  /** the container's task exited (or conmon died without an exit code) */
  exited(id: string, exit: TaskExit): Promise<void>;
  /** the health check's action on an unhealthy container */
  unhealthy(id: string, action: Exclude<HealthAction, 'none'>): Promise<void>;
}

/**
 * The state the container operations share: the stores, the per-container locks and maps, and
 * the signals that `wait`, `stop` and `rm` listen on. One per ContainerManager.
 */
export class ContainerContext {
  readonly store: ContainerStore;
  /** runtime deletes of removed containers still under way (see deferRuntimeDelete) */
  readonly runtimeCleanups = new Map<string, Promise<void>>();
  readonly signals = new EventEmitter();           // `exit:<id>` (code), `removed:<id>` (code), `exec:<id>` (code)
  /** the runtime tasks of running containers (their current run) */
  readonly tasks = new Map<string, Task>();
  readonly exitWatches = new Map<string, ExitWatch>();
  readonly execWatches = new Map<string, ExitWatch>();
  readonly locks = new KeyedLock();
  readonly execs = new ExecSessions();
  readonly removing = new Set<string>();
  /** names of containers being created: concurrent creates must never pick the same name */
  readonly reservedNames = new Set<string>();
  readonly pendingAttaches = new Map<string, Array<(s: AttachStream | null) => void>>();
  readonly restarts = new Map<string, PendingRestart>();
  /** rootfs mounts held for file operations (cp, export) */
  readonly tempMounts = new Map<string, number>();
  readonly restartDelays = new Map<string, number>();
  /** containers being restarted by `restart` (count: concurrent restarts of one container) */
  readonly manualRestarts = new Map<string, number>();
  /** health checks of running containers (one scheduler for all) */
  readonly health: HealthMonitor;
  readonly statsCollector = new StatsCollector();
  /** conmon's k8s-file logs converted to Docker's json-file (one converter for all containers) */
  readonly jsonLogs: JsonLogConverter;
  /** the logging drivers (syslog, gelf, fluentd, ...) of running containers, fed by jsonLogs */
  readonly logDrivers = new ContainerLogDrivers();
  /** host id ranges of containers with a private user namespace (--userns) */
  readonly userns: UsernsAllocator;
  closed = false;

  constructor(readonly deps: ContainerManagerDeps, readonly hooks: ContextHooks) {
    this.store = new ContainerStore(deps.db);
    this.userns = new UsernsAllocator(deps.db);
    this.signals.setMaxListeners(0);
    this.health = new HealthMonitor(healthHost(this));
    this.jsonLogs = new JsonLogConverter((id) => { const r = this.store.getReadonly(id); return !!r && (r.state.Running || r.state.Restarting); },
      (id) => this.logDrivers.sinkFor(this.store.get(id), id), (id) => this.store.getReadonly(id) !== undefined);
    for (const d of [deps.paths.containers, deps.paths.conmonDir]) mkdirSync(d, { recursive: true });
  }

  // ---------------------------------------------------------------- paths

  containerDir(id: string): string { return join(this.deps.paths.containers, id); }
  logPath(id: string): string { return join(this.containerDir(id), 'ctr.log'); }
  jsonLogFiles(id: string, hostConfig?: any) { return jsonLogFiles(this.containerDir(id), id, this.logPath(id), rotationOf(hostConfig), logFileFormat(hostConfig)); }
  /** Short: conmon's attach socket path must stay below 108 bytes. */
  monitorDir(id: string): string { return join(this.deps.paths.conmonDir, id.slice(0, 12)); }
  monitor(id: string): MonitorPaths { return monitorPaths(this.monitorDir(id), id, this.logPath(id), this.containerDir(id)); }

  // ---------------------------------------------------------------- lookups

  runtimeFor(rec: ContainerRecord): OciRuntime {
    const rt = this.deps.runtimes[rec.runtime] ?? this.deps.runtimes[this.deps.defaultRuntime];
    if (!rt) throw new SystemError(`OCI runtime ${rec.runtime} is not available`, 'ERR_NO_RUNTIME');
    return rt;
  }

  resolve(idOrName: string): ContainerRecord { return this.store.resolve(idOrName); }

  /** The pid of a running container whose namespaces another one joins (--pid/--ipc container:X). */
  pidOf(ref: string): number {
    const other = this.resolve(ref);
    if (!other.state.Running || !other.state.Pid) throw new ConflictError(`cannot join namespaces of a non running container: ${other.id}`);
    return other.state.Pid;
  }

  // ---------------------------------------------------------------- events and signals

  emit(rec: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    this.deps.events.emitEvent('container', action, rec.id, { ...(rec.config?.Labels ?? {}), image: rec.imageRef, name: rec.name, ...extra });
  }

  /** Resolves with the next exit code of the container, or null after timeoutMs. */
  waitExitSignal(id: string, timeoutMs: number): Promise<number | null> {
    return new Promise((resolve) => {
      const onExit = (code: number) => { clearTimeout(timer); resolve(code); };
      const timer = setTimeout(() => { this.signals.off(`exit:${id}`, onExit); resolve(null); }, timeoutMs);
      this.signals.once(`exit:${id}`, onExit);
    });
  }
}
