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
import type { LogConfig } from '../container/log-config.js';

export interface EngineOptions {
  root?: string;
  runRoot?: string;
  /** 'crun' (default) or 'runc' */
  defaultRuntime?: 'crun' | 'runc';
  /** allow berth to mount a v1 hugetlb hierarchy so crun works on a hybrid cgroup host */
  fixCgroups?: boolean;
  /** daemon.json log-driver/log-opts (validated by the caller) */
  defaultLogConfig?: LogConfig;
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
  private constructor(
    readonly paths: EnginePaths,
    readonly db: Db,
    readonly content: ContentStore,
    readonly events: EventLog,
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
    const images = new ImageStore(db, content, layers, events, buildCacheHolds(db)); // build cache entries keep their layers and blobs
    let networks: NetworkManager | undefined = new NetworkManager(db, paths, events);
    try { await networks.init(); } catch (e) {
      warnings.push(`bridge networking is unavailable: ${(e as Error).message}`);
      log.warn(`bridge networking is unavailable: ${(e as Error).message}`);
      networks = undefined;
    }
    const volumes = new VolumeManager(db, paths, events);
    const containers = new ContainerManager({ db, paths, images, layers, snapshots, events, runtimes, defaultRuntime, networks, volumes, defaultLogConfig: opts.defaultLogConfig });
    const engine = new Engine(paths, db, content, events, layers, snapshots, images, containers, runtimes, defaultRuntime, cgroups);
    engine.warnings.push(...warnings);
    engine.daemonId = daemonIdOf(paths.root);
    engine.networks = networks;
    engine.volumes = volumes;
    await containers.restore();
    await networks?.reconcile();
    return engine;
  }

  async close(): Promise<void> {
    await this.containers.shutdown();
    await this.networks?.close();
    await Trash.drainAll();
    for (const rt of Object.values(this.runtimes)) await releaseReadOnlyBinary(rt.info.path, rt.info.binary ?? rt.info.path);
    this.db.close();
  }
}

function daemonIdOf(root: string): string {
  const f = `${root}/daemon-id`;
  try { return readFileSync(f, 'utf8').trim(); } catch { /* first start */ }
  const id = randomId();
  writeFileSync(f, id + '\n');
  return id;
}
