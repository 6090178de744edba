/**
 * Engine-wide series read at scrape time: containers by state, images, layers and volumes with their
 * bytes, health checks, log delivery, the engine's info, and the daemon's own process (with the
 * client libraries' standard names). Nothing here runs between scrapes.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { arch, cpus, release, totalmem } from 'node:os';
import type { Engine } from '../engine/engine.js';
import { BERTH_VERSION } from '../common/version.js';
import { healthStats } from '../container/health.js';
import { logStats } from '../logging/driver.js';
import { dirSizeSync } from '../container/views.js';
import { Exposition, labels } from './exposition.js';
import type { ContainerRecord } from '../record/container-store.js';

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };
/** volume sizes walk directories: kept this long, so a 15 s scrape interval does not walk them every time */
const VOLUME_SIZE_TTL_MS = 60_000;

function osRelease(): { name: string; version: string } {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const get = (k: string) => new RegExp(`^${k}="?([^"\\n]*)"?`, 'm').exec(text)?.[1] ?? '';
    return { name: get('PRETTY_NAME') || 'Linux', version: get('VERSION_ID') };
  } catch { return { name: 'Linux', version: '' }; }
}

export class EngineSeries {
  private info?: string;
  /** os.cpus() parses /proc/cpuinfo: once */
  private cpuCount?: number;
  private volumeSizes = new Map<string, { at: number; bytes: number }>();

  constructor(private readonly engine: Engine) {}

  /** `records`: the container table as read for this scrape (read once; the container series use it too) */
  write(x: Exposition, records: readonly ContainerRecord[]): void {
    this.writeEngine(x, records);
    this.writeStores(x);
    const delivered = x.family('berth_log_lines_delivered_total', 'Log lines delivered by the logging driver.', 'counter');
    for (const [driver, n] of logStats.delivered) delivered.add(labels({ driver }), n);
    const dropped = x.family('berth_log_lines_dropped_total', 'Log lines the logging driver dropped (buffer full or target unreachable).', 'counter');
    for (const [driver, n] of logStats.dropped) dropped.add(labels({ driver }), n);
  }

  private writeEngine(x: Exposition, records: readonly ContainerRecord[]): void {
    const states = { running: 0, paused: 0, stopped: 0 };
    for (const rec of records) {
      if (rec.state.Paused) states.paused++;
      else if (rec.state.Running) states.running++;
      else states.stopped++;
    }
    const st = x.family('engine_daemon_container_states_containers', 'The count of containers in various states', 'gauge');
    for (const [state, n] of Object.entries(states)) st.add(labels({ state }), n);
    this.info ??= (() => {
      const os = osRelease();
      return labels({
        architecture: GOARCH[arch()] ?? arch(), commit: '', daemon_id: this.engine.daemonId, graphdriver: 'overlay2',
        kernel: release(), os: os.name, os_type: 'linux', os_version: os.version, version: BERTH_VERSION,
      });
    })();
    x.family('engine_daemon_engine_info', 'The information related to the engine and the OS it is running on', 'gauge').add(this.info, 1);
    x.family('engine_daemon_engine_cpus_cpus', 'The number of cpus that the host system of the engine has', 'gauge').add('', this.cpuCount ??= cpus().length);
    x.family('engine_daemon_engine_memory_bytes', 'The number of bytes of memory that the host system of the engine has', 'gauge').add('', totalmem());
    x.family('engine_daemon_health_checks_total', 'The total number of health checks', 'counter').add('', healthStats.checks);
    x.family('engine_daemon_health_checks_failed_total', 'The total number of failed health checks', 'counter').add('', healthStats.failed);
  }

  private writeStores(x: Exposition): void {
    const images = this.engine.images.list();
    const layerSize = new Map<string, number>();
    for (const img of images) for (const l of img.layers) if (!layerSize.has(l.chainId)) layerSize.set(l.chainId, l.diffSize);
    x.family('berth_images', 'Images in the image store.', 'gauge').add('', images.length);
    x.family('berth_image_layers', 'Distinct layers of the images in the store.', 'gauge').add('', layerSize.size);
    x.family('berth_image_layers_bytes', 'Bytes of the distinct layers of the images in the store (uncompressed).', 'gauge').add('', [...layerSize.values()].reduce((a, b) => a + b, 0));
    const vols = this.engine.volumes.list().Volumes as Array<{ Name: string; Mountpoint: string }>;
    x.family('berth_volumes', 'Volumes.', 'gauge').add('', vols.length);
    const now = Date.now();
    let bytes = 0;
    const seen = new Set<string>();
    for (const v of vols) {
      seen.add(v.Name);
      let c = this.volumeSizes.get(v.Name);
      if (!c || now - c.at > VOLUME_SIZE_TTL_MS) { c = { at: now, bytes: dirSizeSync(v.Mountpoint) }; this.volumeSizes.set(v.Name, c); }
      bytes += c.bytes;
    }
    for (const k of this.volumeSizes.keys()) if (!seen.has(k)) this.volumeSizes.delete(k);
    x.family('berth_volumes_bytes', 'Bytes in volumes (each volume measured at most once a minute).', 'gauge').add('', bytes);
  }
}

const PAGE_SIZE = 4096;
const CLK_TCK = 100;

/** The daemon process, read from /proc/self and process.* at scrape time (client_golang's process_* names). */
export function writeProcessSeries(x: Exposition): void {
  const cpu = process.cpuUsage();
  x.family('process_cpu_user_seconds_total', 'Total user CPU time spent in seconds.', 'counter').add('', cpu.user / 1e6);
  x.family('process_cpu_system_seconds_total', 'Total system CPU time spent in seconds.', 'counter').add('', cpu.system / 1e6);
  x.family('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', 'counter').add('', (cpu.user + cpu.system) / 1e6);
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // fields after the command name (which may hold spaces): state is field 3
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = Number(f[19]);
    const vsize = Number(f[20]);
    const rss = Number(f[21]) * PAGE_SIZE;
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1] ?? 0);
    x.family('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', 'gauge').add('', btime + startTicks / CLK_TCK);
    x.family('process_virtual_memory_bytes', 'Virtual memory size in bytes.', 'gauge').add('', vsize);
    x.family('process_resident_memory_bytes', 'Resident memory size in bytes.', 'gauge').add('', rss);
  } catch { /* no procfs */ }
  try { x.family('process_open_fds', 'Number of open file descriptors.', 'gauge').add('', readdirSync('/proc/self/fd').length); } catch { /* no procfs */ }
  const maxFds = /^Max open files\s+(\d+)/m.exec(readFileOr('/proc/self/limits'))?.[1];
  if (maxFds) x.family('process_max_fds', 'Maximum number of open file descriptors.', 'gauge').add('', Number(maxFds));
  const mem = process.memoryUsage();
  x.family('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', 'gauge').add('', mem.heapTotal);
  x.family('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', 'gauge').add('', mem.heapUsed);
  x.family('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', 'gauge').add('', mem.external);
}

function readFileOr(p: string): string {
  try { return readFileSync(p, 'utf8'); } catch { return ''; }
}
