/**
 * The logging drivers of running containers (syslog, gelf, fluentd, ...: those of src/logging's
 * registry; json-file is the converter's own file and none has nothing). A container's driver is
 * made when it starts, as dockerd makes its logger, so a target that cannot be reached fails the
 * start; it gets every line the json-log converter turns out (berth's json file stays the local
 * cache that `logs` reads: Docker's "dual logging") and is closed when the run's log is complete.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { BerthError } from '../common/errors.js';
import { log } from '../common/log.js';
import type { LogDriver, LogInfo, LogMessage } from '../logging/driver.js';
import { logStats } from '../logging/driver.js';
import { LOG_DRIVERS } from '../logging/drivers.js';
import type { ContainerRecord } from '../record/container-store.js';
import type { JoinedLine, LineSink } from './json-log-format.js';

/** Lines that arrive while a restored container's driver is still connecting (bounded, then counted as lost). */
const EARLY_BUFFER = 1024 * 1024;

/** A driver failed to start: the container's start fails with dockerd's wording. */
export class LogDriverStartError extends BerthError {
  constructor(cause: unknown) {
    const e = cause as BerthError;
    super(`failed to initialize logging driver: ${e?.message ?? String(cause)}`,
      { code: e instanceof BerthError ? e.code : 'ERR_LOG_DRIVER', status: e instanceof BerthError && e.status < 500 ? e.status : 500, cause });
  }
}

interface Active {
  name: string;
  driver: LogDriver | null;
  early: LogMessage[];
  earlyBytes: number;
  /** the partial line under way per stream (Docker's PartialLogMetaData) */
  partial: Partial<Record<'stdout' | 'stderr', { id: string; ordinal: number }>>;
  ready: Promise<void>;
}

/** Does this container log to a driver of the registry? */
export function driverOf(rec: Pick<ContainerRecord, 'hostConfig'>): string | null {
  const type = rec.hostConfig?.LogConfig?.Type || 'json-file';
  return LOG_DRIVERS.has(type) ? type : null;
}

export function logInfoOf(rec: ContainerRecord, containerDir: string): LogInfo {
  return {
    containerId: rec.id, containerName: rec.name, imageName: rec.imageRef, imageId: rec.imageId,
    containerCreated: new Date(rec.created), labels: rec.config?.Labels ?? {}, env: rec.config?.Env ?? [],
    command: [rec.path, ...(rec.args ?? [])], daemonName: 'berth', hostname: hostname(),
    config: { ...(rec.hostConfig?.LogConfig?.Config ?? {}) }, containerDir,
  };
}

export class ContainerLogDrivers {
  private readonly active = new Map<string, Active>();

  /** Start of a run: make the driver (throws LogDriverStartError). A driver of an earlier run is closed first. */
  async open(rec: ContainerRecord, containerDir: string): Promise<void> {
    const name = driverOf(rec);
    if (!name) return;
    await this.close(rec.id);
    const entry = this.entry(rec.id, name);
    try {
      entry.driver = await LOG_DRIVERS.get(name)!.create(logInfoOf(rec, containerDir));
    } catch (e) {
      if (this.active.get(rec.id) === entry) this.active.delete(rec.id);
      throw new LogDriverStartError(e);
    }
  }

  /** Daemon start with the container still running: make its driver again, in the background (lines wait meanwhile). */
  reattach(rec: ContainerRecord, containerDir: string): void {
    const name = driverOf(rec);
    if (!name || this.active.has(rec.id)) return;
    const entry = this.entry(rec.id, name);
    entry.ready = LOG_DRIVERS.get(name)!.create(logInfoOf(rec, containerDir)).then((d) => {
      if (this.active.get(rec.id) !== entry) { void d.close(); return; }
      entry.driver = d;
      for (const m of entry.early) d.log(m);
      entry.early = [];
    }, (e) => {
      log.warn('log driver of a restored container failed', { container: rec.id.slice(0, 12), driver: name, error: (e as Error).message });
      if (this.active.get(rec.id) === entry) this.active.delete(rec.id);
      logStats.count(logStats.dropped, name, entry.early.length);
    });
  }

  /** The sink the json-log converter hands this container's lines to (undefined: no driver besides the file). */
  sinkFor(rec: Pick<ContainerRecord, 'hostConfig'> | undefined, id: string): LineSink | undefined {
    return rec && driverOf(rec) ? (line) => this.deliver(id, line) : undefined;
  }

  deliver(id: string, line: JoinedLine): void {
    const a = this.active.get(id);
    if (!a) return;
    // the converter reuses its read buffer: the queue keeps a copy
    const msg: LogMessage = { line: Buffer.from(line.data), source: line.stream, time: line.time };
    const p = a.partial[line.stream];
    if (!line.newline) {
      // a 16 KiB piece of a longer line, or the unfinished end of the output
      const cur = p ? { id: p.id, ordinal: p.ordinal + 1 } : { id: randomBytes(32).toString('hex'), ordinal: 1 };
      a.partial[line.stream] = cur;
      msg.partial = { ...cur, last: false };
    } else if (p) {
      msg.partial = { id: p.id, ordinal: p.ordinal + 1, last: true };
      delete a.partial[line.stream];
    }
    if (a.driver) { a.driver.log(msg); return; }
    if (a.earlyBytes + msg.line.length > EARLY_BUFFER) { logStats.count(logStats.dropped, a.name); return; }
    a.early.push(msg);
    a.earlyBytes += msg.line.length;
  }

  /** The run's log is complete (or the daemon stops): deliver what is queued (bounded wait), then close. */
  async close(id: string): Promise<void> {
    const a = this.active.get(id);
    if (!a) return;
    this.active.delete(id);
    await a.ready;
    await a.driver?.close().catch((e) => log.warn('closing a log driver failed', { container: id.slice(0, 12), error: (e as Error).message }));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.active.keys()].map((id) => this.close(id)));
  }

  private entry(id: string, name: string): Active {
    const entry: Active = { name, driver: null, early: [], earlyBytes: 0, partial: {}, ready: Promise.resolve() };
    this.active.set(id, entry);
    return entry;
  }
}
