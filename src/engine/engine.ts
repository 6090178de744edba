import { mkdirSync } from 'node:fs';
import { enginePaths, type EnginePaths } from '../common/paths.js';
import { log } from '../common/log.js';
import { openDatabase, type Db } from '../store/db.js';
import { ContentStore } from '../store/content.js';
import { EventLog } from '../events/events.js';
import { LayerStore } from '../snapshot/layer-store.js';
import { removeLeftoverSpools } from '../snapshot/tar-spool.js';
import { SnapshotStore } from '../snapshot/overlay.js';
import { ImageStore } from '../image/image-store.js';
import { ReferrerStore, type ReferrerDescriptor } from '../image/referrers.js';
import { attachSbom, referrerSubjects } from './attached-sbom.js';
import { buildCacheHolds } from '../builder/cache.js';
import { ContainerManager } from '../container/manager.js';
import { OciRuntime, detectCgroups, prepareHostForCrun, type CgroupInfo } from '../runtime/index.js';
import { SystemError } from '../common/errors.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomId } from '../common/digest.js';
import { NetworkManager } from '../network/network-manager.js';
import { VolumeManager } from '../volume/volume-manager.js';
import { readOnlyBinary, releaseReadOnlyBinary } from '../runtime/readonly-binary.js';
import { Trash } from '../common/trash.js';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { LogConfig } from '../container/log-config.js';
import type { LogEntry } from '../container/log-entry.js';
import type { EngineEvent } from '../events/events.js';
import type { Loaded } from '../image/archive-load.js';
import type { Builder, BuildResult } from '../builder/builder.js';
import type { PruneResult as BuildCachePruneResult } from '../builder/cache.js';
import { NotSupportedError } from '../common/errors.js';
import { eventStream, type EventStreamOptions } from './event-stream.js';
import { systemDiskUsage, type DiskUsage } from './disk-usage.js';
import type { EngineBuildOptions, BuildCachePruneOptions } from './build.js';
import * as transfer from './image-transfer.js';
import { bootstrapImage } from '../image/bootstrap.js';
import type { SbomOptions, SbomTarget } from './sbom-ops.js';
import type { ScanOptions } from './scan-ops.js';
import type { Sbom } from '../sbom/types.js';
import type { ScanReport } from '../scan/types.js';
import type { OsvDatabase } from '../scan/db/osv-db.js';
import type { ImageAdmission } from '../sign/admission.js';
import { SecretStore, type SecretInfo, type SecretSpecInput } from '../secret/secret-store.js';
import { SecretFiles } from '../secret/secret-files.js';
import { referencesOf } from '../secret/validation.js';
import { ContainerStore, type InternalCreateOptions } from '../record/container-store.js';
import { admitLocalImage, eventingAdmission, pullHooks } from './admission.js';
import { PolicyAdmission } from '../policy/policy-admission.js';
import type { ImageRecord } from '../image/image-store.js';
import { addSignature, listSignatures, signingTarget, type AddSignatureOptions, type AddedSignature, type ListedSignatures, type SigningTarget } from './sign-ops.js';
import { timed, type EngineInstruments } from './instruments.js';
import type {
  ContainerSpec, CreatedContainer, ExecOptions, ExecResult, LogsOptions, NetworkInfo, NetworkSpec,
  RemoveOptions, StopOptions, VolumeInfo, VolumeSpec, WaitOptions, WaitResult,
} from './public-types.js';

export interface EngineOptions {
  root?: string;
  runRoot?: string;
  /** 'crun' (default) or 'runc' */
  defaultRuntime?: 'crun' | 'runc';
  /** allow berth to mount a v1 hugetlb hierarchy so crun works on a hybrid cgroup host */
  fixCgroups?: boolean;
  /** daemon.json log-driver/log-opts (validated by the caller) */
  defaultLogConfig?: LogConfig;
  /** a containers-policy.json enforced at pull and create (docs/policy.md); the caller picks the default path */
  signaturePolicy?: string;
}

const RUNTIME_PATHS: Record<string, string[]> = {
  crun: ['/usr/bin/crun', '/usr/local/bin/crun'],
  runc: ['/usr/sbin/runc', '/usr/bin/runc', '/usr/local/sbin/runc', '/usr/local/bin/runc'],
};

function findBinary(name: string): string | undefined {
  return RUNTIME_PATHS[name]?.find((p) => existsSync(p));
}

/**
 * The engine as a library: one object that owns the stores and the managers.
 * The API server and tests construct it; nothing here knows about HTTP.
 */
export class Engine {
  readonly warnings: string[] = [];
  /** stable per root, reported as ID by /info */
  daemonId = '';
  /** absent when the host cannot do bridge networking (see warnings) */
  networks?: NetworkManager;
  volumes!: VolumeManager;
  /** artifacts attached to images (SBOMs), indexed by the image manifest they refer to */
  referrers!: ReferrerStore;
  /** the admission policy (containers-policy.json) when one is configured: asked at pull and create */
  admission?: ImageAdmission;
  /** secrets without Swarm: sealed values in the database, files on a per-container tmpfs */
  secrets!: SecretStore;
  /** operation timings (the daemon's metrics subscribe here); absent: nothing is timed */
  instruments?: EngineInstruments;
  private constructor(
    readonly paths: EnginePaths,
    readonly db: Db,
    readonly content: ContentStore,
    /** the event log itself (events() reads it as a stream) */
    readonly eventLog: EventLog,
    readonly layers: LayerStore,
    readonly snapshots: SnapshotStore,
    readonly images: ImageStore,
    readonly containers: ContainerManager,
    readonly runtimes: Record<string, OciRuntime>,
    readonly defaultRuntime: string,
    readonly cgroups: CgroupInfo,
  ) {}

  static async open(opts: EngineOptions = {}): Promise<Engine> {
    const paths = enginePaths(opts.root, opts.runRoot);
    for (const d of [paths.root, paths.runRoot, paths.containers, paths.snapshots, paths.tmp, paths.runtimeRoot, paths.conmonDir]) {
      mkdirSync(d, { recursive: true, mode: 0o711 });
    }
    const warnings: string[] = [];
    const cgroups = detectCgroups();
    const runtimes: Record<string, OciRuntime> = {};
    for (const name of ['crun', 'runc'] as const) {
      const path = findBinary(name);
      if (path) runtimes[name] = new OciRuntime({ name, path: await readOnlyBinary(path, join(paths.runtimeRoot, 'bin'), name), root: `${paths.runtimeRoot}/${name}`, binary: path });
    }
    let defaultRuntime: string = opts.defaultRuntime ?? 'crun';
    if (defaultRuntime === 'crun' && runtimes.crun) {
      const prep = await prepareHostForCrun({ allowFix: opts.fixCgroups ?? false });
      if (!prep.ok) {
        if (runtimes.runc && !opts.defaultRuntime) {
          warnings.push(`crun cannot run containers on this host (${prep.message}); using runc as the default runtime`);
          defaultRuntime = 'runc';
        } else {
          throw new SystemError(`crun cannot run containers on this host: ${prep.message}`, 'ERR_CGROUPS');
        }
      } else if (prep.fixed) {
        warnings.push('mounted a cgroup v1 hugetlb hierarchy so that crun works on this hybrid cgroup host');
      }
    }
    if (!runtimes[defaultRuntime]) throw new SystemError(`OCI runtime ${defaultRuntime} not found; install the Debian package ${defaultRuntime}`, 'ERR_RUNTIME_MISSING');
    for (const w of warnings) log.warn(w);

    for (const dir of [paths.trash, paths.runTrash]) Trash.at(dir).emptyLeftovers();
    const db = openDatabase(paths.db);
    const content = new ContentStore(paths.content);
    await content.cleanIngest();
    const events = new EventLog(db);
    const layers = new LayerStore(db, paths);
    layers.cleanupOrphans(); // half-unpacked layers of a crashed daemon
    removeLeftoverSpools(paths.tmp); // and the cp uploads it was receiving
    const snapshots = new SnapshotStore(db, paths, layers);
    // build cache entries keep their layers and blobs; referrers (attached SBOMs) keep theirs and go with their image
    const holds = buildCacheHolds(db);
    const referrers = new ReferrerStore(db, content, (d) => images.blobReferenced(d) || holds.blobHeld(d));
    const images: ImageStore = new ImageStore(db, content, layers, events, {
      ...holds,
      blobHeld: (d) => holds.blobHeld(d) || referrers.holds(d),
      onImagesDeleted: (deleted) => referrers.dropSubjects(referrerSubjects(deleted)),
    });
    let networks: NetworkManager | undefined = new NetworkManager(db, paths, events);
    try { await networks.init(); } catch (e) {
      warnings.push(`bridge networking is unavailable: ${(e as Error).message}`);
      log.warn(`bridge networking is unavailable: ${(e as Error).message}`);
      networks = undefined;
    }
    const volumes = new VolumeManager(db, paths, events);
    const containerRecords = new ContainerStore(db);
    // a secret is in use while a container (running or not) refers to it
    const secrets = new SecretStore(db, paths, (secretId) => containerRecords.all()
      .filter((r) => referencesOf(r.hostConfig).some((s) => s.SecretID === secretId)).map((r) => r.name));
    const secretFiles = new SecretFiles(secrets, paths.runRoot);
    let engineRef: Engine | undefined;
    const containers = new ContainerManager({
      db, paths, images, layers, snapshots, events, runtimes, defaultRuntime, networks, volumes,
      secrets: { store: secrets, files: secretFiles }, defaultLogConfig: opts.defaultLogConfig,
      admitImage: (given, image) => (engineRef?.admission ? admitLocalImage(engineRef, given, image) : Promise.resolve()),
    });
    const engine = new Engine(paths, db, content, events, layers, snapshots, images, containers, runtimes, defaultRuntime, cgroups);
    engineRef = engine;
    if (opts.signaturePolicy) engine.admission = new PolicyAdmission(opts.signaturePolicy);
    engine.warnings.push(...warnings);
    engine.daemonId = daemonIdOf(paths.root);
    engine.networks = networks;
    engine.referrers = referrers;
    engine.volumes = volumes;
    engine.secrets = secrets;
    await containers.restore();
    await secretFiles.removeOrphans((id) => containerRecords.get(id) !== undefined);
    await networks?.reconcile();
    return engine;
  }

  // the builder (with lint), the SBOM catalogers and the scanner are loaded on first use (dynamic
  // import): a daemon that only runs containers never holds their ~500 modules (docs/performance.md#memory)
  private builderInstance?: Promise<Builder>;

  /** Ask the admission policy (when one is set) whether a local image may be used under the name `given` (create, a build's FROM). */
  admitImage(given: string, image: ImageRecord): Promise<void> {
    return this.admission ? admitLocalImage(this, given, image) : Promise.resolve();
  }

  /** A build's base-image pull: the admission check before anything is stored, and the signatures that come along. */
  get pullHooks(): ReturnType<typeof pullHooks> { return pullHooks(this); }

  /** The classic builder and its cache, loaded and made on first use (it adds its tables then). */
  private builder(): Promise<Builder> {
    this.builderInstance ??= import('../builder/builder.js').then(({ Builder }) => new Builder(this));
    // a failed load is not kept: the next build tries again
    this.builderInstance.catch(() => { this.builderInstance = undefined; });
    return this.builderInstance;
  }

  /** The network manager, or why bridge networking is unavailable on this host. */
  requireNetworks(): NetworkManager {
    if (!this.networks) throw new NotSupportedError(`bridge networking is unavailable on this host: ${this.warnings.find((w) => w.startsWith('bridge networking')) ?? 'see berth info'}`);
    return this.networks;
  }

  private get transferStores(): transfer.TransferStores {
    // a pull's refusal is recorded as a policy-denied event too (engine/admission.ts)
    return { images: this.images, content: this.content, tmpDir: this.paths.tmp, referrers: this.referrers, admission: eventingAdmission(this) };
  }

  // ---------------------------------------------------------------- images

  /** Pull an image (every tag of the repository when neither `name` nor `opts.tag` names one). */
  pull(name: string, opts: transfer.PullOptions = {}): Promise<transfer.PulledImage[]> {
    return timed(this.instruments, 'pull', () => cancellable(transfer.pull(this.transferStores, name, opts), opts.signal, 'pull'));
  }

  /** Push an image's tags to their registry. */
  push(name: string, opts: transfer.PushOptions = {}): Promise<transfer.PushedTag[]> {
    return timed(this.instruments, 'push', () => cancellable(transfer.push(this.transferStores, name, opts), opts.signal, 'push'));
  }

  /** Write images as a docker-save tar; `onStart` runs once they are found, before the first byte. */
  save(names: string[], out: Writable, onStart?: () => void): Promise<void> {
    return transfer.save(this.transferStores, names, out, onStart);
  }

  /** Load a docker-save or OCI archive. */
  load(archive: Readable): Promise<Loaded[]> {
    return transfer.load(this.transferStores, archive);
  }

  /** An image of one layer from a filesystem tar (docker import). */
  importImage(tar: Readable, opts: transfer.ImportOptions = {}): Promise<{ id: string }> {
    return transfer.importTar(this.transferStores, tar, opts);
  }

  /** Check credentials against a registry (docker login); throws when they are refused. */
  login(opts: transfer.LoginOptions): Promise<void> { return transfer.login(opts); }

  /** A reference's manifest descriptor and platforms, from its registry. */
  inspectDistribution(name: string, auth?: transfer.RegistryCredentials): Promise<transfer.DistributionInfo> {
    return transfer.inspectDistribution(name, auth);
  }

  /** Make busybox (from the host's busybox-static) or debian (with mmdebstrap) locally, no registry involved. */
  async bootstrap(name: 'busybox' | 'debian', opts: { tag?: string } = {}): Promise<{ id: string; repoTags: string[] }> {
    const img = await bootstrapImage(this.images, name, opts);
    return { id: img.id, repoTags: this.images.inspect(img.id).RepoTags };
  }

  /**
   * Build an image from a context (a tar stream or a directory) with the classic builder; with `sbom`,
   * the new image's SBOM is attached to it (see attached-sbom.ts) and its referrer is in the result.
   */
  async build(opts: EngineBuildOptions): Promise<BuildResult & { sbom?: ReferrerDescriptor }> {
    const run = async () => (await import('./build.js')).runBuild(this, await this.builder(), opts);
    const res = await timed(this.instruments, 'build', () => cancellable(run(), opts.signal, 'build'));
    if (!opts.sbom) return res;
    return { ...res, sbom: await cancellable(attachSbom(this, res.imageId, { signal: opts.signal }), opts.signal, 'build') };
  }

  // ---------------------------------------------------------------- supply chain

  /** The packages in an image, a container's filesystem or a directory. */
  async sbom(target: SbomTarget, opts: SbomOptions = {}): Promise<Sbom> { return (await import('./sbom-ops.js')).sbomOf(this, target, opts); }

  /** Known vulnerabilities of what `sbom` finds, from the OSV database under the root. */
  async scan(target: SbomTarget, opts: ScanOptions = {}): Promise<ScanReport> { return (await import('./scan-ops.js')).scanOf(this, target, opts); }

  /** What a signature of a local image names: its repository and the digest the registry serves (docs/signing.md). */
  signingTarget(name: string): SigningTarget { return signingTarget(this, name); }

  /** Store a cosign signature made (by the CLI, which holds the key) for the image's signing target, and push it. */
  addSignature(name: string, opts: AddSignatureOptions): Promise<AddedSignature> { return addSignature(this, name, opts); }

  /** An image's signatures: the local ones, or the registry's (`remote`, or no such local image). */
  signatures(name: string, opts: { remote?: boolean; auth?: transfer.RegistryCredentials } = {}): Promise<ListedSignatures> { return listSignatures(this, name, opts); }

  private scanDbInstance?: OsvDatabase;
  /** The OSV advisory database (`<root>/scan/osv.db`), opened on first use: most runs never scan. */
  async scanDb(): Promise<OsvDatabase> {
    const { OsvDatabase } = await import('../scan/db/osv-db.js');
    this.scanDbInstance ??= OsvDatabase.open(join(this.paths.root, 'scan', 'osv.db'));
    return this.scanDbInstance;
  }

  // ---------------------------------------------------------------- prune and disk usage

  pruneImages(filters: Record<string, string[]> = {}): Promise<{ ImagesDeleted: Array<{ Untagged?: string; Deleted?: string }>; SpaceReclaimed: number }> {
    return this.images.prune({ filters, inUse: (id: string) => this.containers.imageInUse(id) !== undefined });
  }

  pruneContainers(filters: Record<string, string[]> = {}): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
    return this.containers.prune(filters);
  }

  pruneVolumes(filters: Record<string, string[]> = {}): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }> {
    return this.volumes.prune(filters);
  }

  pruneNetworks(filters: Record<string, string[]> = {}): Promise<{ NetworksDeleted: string[] }> {
    return this.requireNetworks().prune(filters);
  }

  async pruneBuildCache(opts: BuildCachePruneOptions = {}): Promise<BuildCachePruneResult> {
    return (await import('./build.js')).pruneBuildCache(await this.builder(), opts);
  }

  /** What images, containers, volumes and the build cache take on disk (`types`: some of them). */
  async diskUsage(types: string[] = []): Promise<DiskUsage> {
    const wantsCache = types.length === 0 || types.includes('build-cache');
    const cache = wantsCache ? (await this.builder()).cache : undefined;
    return systemDiskUsage(this, types, () => cache?.list() ?? []);
  }

  // ---------------------------------------------------------------- events

  /** Engine events: the recorded ones from `since`, then live ones until `until` or the signal. */
  events(opts: EventStreamOptions = {}): AsyncIterableIterator<EngineEvent> {
    return eventStream(this.eventLog, opts);
  }

  // ---------------------------------------------------------------- containers

  /** `internal`: options no Engine API request can set (the CRI's pinned pod network namespace) */
  create(spec: ContainerSpec, name?: string, internal?: InternalCreateOptions): Promise<CreatedContainer> {
    return timed(this.instruments, 'create', () => this.containers.create(spec, name, internal));
  }

  /** Start a container; false when it was running already. */
  start(idOrName: string): Promise<boolean> { return timed(this.instruments, 'start', () => this.containers.start(idOrName)); }

  /** Stop a container; false when it was not running. */
  stop(idOrName: string, opts: StopOptions = {}): Promise<boolean> { return timed(this.instruments, 'stop', () => this.containers.stop(idOrName, opts)); }

  rm(idOrName: string, opts: RemoveOptions = {}): Promise<void> { return timed(this.instruments, 'delete', () => this.containers.remove(idOrName, opts)); }

  /** Wait for a container to stop (or its next exit, or its removal); the signal rejects with ERR_ABORTED. */
  wait(idOrName: string, opts: WaitOptions = {}): Promise<WaitResult> {
    return this.containers.wait(idOrName, opts.condition ?? 'not-running', opts.signal);
  }

  /** A container's log entries (stdout and stderr unless one is turned off); follow ends with the container or the signal. */
  logs(idOrName: string, opts: LogsOptions = {}): AsyncIterable<LogEntry> {
    const { signal, tail, ...rest } = opts;
    return this.containers.logs(idOrName, { ...rest, tail: tail === undefined ? undefined : String(tail) }, signal);
  }

  /** Run a command in a running container and collect its output and exit code. */
  async exec(idOrName: string, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const { Id } = await this.containers.execCreate(idOrName, {
      Cmd: cmd, Env: opts.env, User: opts.user, WorkingDir: opts.workingDir, Tty: opts.tty ?? false,
      Privileged: opts.privileged ?? false, AttachStdout: true, AttachStderr: true,
    });
    const io = await this.execStart(Id, { Detach: false, Tty: opts.tty ?? false });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    if (io) {
      await new Promise<void>((resolve) => {
        io.onOutput((stream, data) => (stream === 'stderr' ? err : out).push(data));
        io.onEnd(resolve);
      });
    }
    const exitCode = await this.containers.waitExec(Id);
    return { exitCode: exitCode ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err) };
  }

  /** Start a created exec (timed until its process runs, not until it exits); the API's exec start comes here. */
  execStart(execId: string, opts: Parameters<ContainerManager['execStart']>[1]): ReturnType<ContainerManager['execStart']> {
    return timed(this.instruments, 'exec', () => this.containers.execStart(execId, opts));
  }

  // ---------------------------------------------------------------- networks and volumes

  createNetwork(spec: NetworkSpec): Promise<{ Id: string; Warning: string }> { return this.requireNetworks().create(spec); }
  listNetworks(filters: Record<string, string[]> = {}): NetworkInfo[] { return this.requireNetworks().list(filters) as NetworkInfo[]; }
  inspectNetwork(idOrName: string): NetworkInfo { return this.requireNetworks().inspect(idOrName) as NetworkInfo; }
  removeNetwork(idOrName: string): Promise<void> { return this.requireNetworks().remove(idOrName); }

  createVolume(spec: VolumeSpec = {}): Promise<VolumeInfo> { return this.volumes.create(spec) as Promise<VolumeInfo>; }
  listVolumes(filters: Record<string, string[]> = {}): { Volumes: VolumeInfo[]; Warnings: string[] | null } { return this.volumes.list(filters) as { Volumes: VolumeInfo[]; Warnings: string[] | null }; }
  inspectVolume(name: string): VolumeInfo { return this.volumes.inspect(name) as VolumeInfo; }
  removeVolume(name: string, opts: { force?: boolean } = {}): Promise<void> { return this.volumes.remove(name, opts.force ?? false); }

  /** Secret events as swarm managers emit them (type secret, create/remove, the name as attribute). */
  createSecret(spec: SecretSpecInput): { ID: string } {
    const r = this.secrets.create(spec);
    this.eventLog.emitEvent('secret', 'create', r.ID, { name: this.secrets.inspect(r.ID).Spec.Name });
    return r;
  }
  listSecrets(filters: Record<string, string[]> = {}): SecretInfo[] { return this.secrets.list(filters); }
  inspectSecret(idOrName: string): SecretInfo { return this.secrets.inspect(idOrName); }
  removeSecret(idOrName: string): void {
    const info = this.secrets.inspect(idOrName);
    this.secrets.remove(info.ID);
    this.eventLog.emitEvent('secret', 'remove', info.ID, { name: info.Spec.Name });
  }

  async close(): Promise<void> {
    await this.containers.shutdown();
    await this.networks?.close();
    await Trash.drainAll();
    for (const rt of Object.values(this.runtimes)) await releaseReadOnlyBinary(rt.info.path, rt.info.binary ?? rt.info.path);
    this.scanDbInstance?.close();
    this.db.close();
  }
}

/**
 * An operation cancelled through its signal fails as one BerthError, as a cancelled wait does,
 * whatever the cancellation broke on its way (the failure it caused is the cause).
 */
async function cancellable<T>(work: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  try { return await work; } catch (e) {
    if (signal?.aborted) throw new SystemError(`${what} aborted`, 'ERR_ABORTED', e);
    throw e;
  }
}

function daemonIdOf(root: string): string {
  const f = `${root}/daemon-id`;
  try { return readFileSync(f, 'utf8').trim(); } catch { /* first start */ }
  const id = randomId();
  writeFileSync(f, id + '\n');
  return id;
}
