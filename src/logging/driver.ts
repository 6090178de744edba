/**
 * Logging drivers: where a container's output goes besides berth's own log file. conmon writes every
 * container's output to a file; the daemon tails it (container/json-log.ts) and hands each line to
 * the container's driver here. So a slow or dead log target never blocks the container: the driver
 * buffers (mode=non-blocking drops past max-buffer-size, counted in `logStats`).
 */

/** One line (or a piece of a long one) of a container's output. */
export interface LogMessage {
  /** the bytes without the trailing newline */
  line: Buffer;
  source: 'stdout' | 'stderr';
  /** when conmon read it, RFC 3339 with nanoseconds, UTC */
  time: string;
  /** set for a piece of a line longer than Docker's 16 KiB (or a line cut by the container's exit) */
  partial?: { id: string; ordinal: number; last: boolean };
}

/** What drivers know about the container (Docker's logger.Info). */
export interface LogInfo {
  containerId: string;
  /** without the leading slash */
  containerName: string;
  imageName: string;
  imageId: string;
  containerCreated: Date;
  labels: Record<string, string>;
  env: string[];
  command: string[];
  daemonName: string;
  hostname: string;
  /** the container's log options (HostConfig.LogConfig.Config, daemon defaults merged) */
  config: Record<string, string>;
  /** the container's directory, for drivers that keep a file there */
  containerDir: string;
}

export interface LogDriver {
  /** Never throws and never waits: a message that cannot be delivered is buffered or counted as lost. */
  log(msg: LogMessage): void;
  /** Deliver what is buffered (bounded wait), then release sockets and files. */
  close(): Promise<void>;
}

export interface LogDriverFactory {
  name: string;
  /** Check the options as dockerd's driver does at create; throws InvalidArgumentError with dockerd's wording. */
  validate(config: Record<string, string>): void;
  create(info: LogInfo): Promise<LogDriver>;
}

/** Delivery counters by driver name, read by the metrics endpoint. */
export const logStats = {
  delivered: new Map<string, number>(),
  dropped: new Map<string, number>(),
  count(map: Map<string, number>, driver: string, n = 1): void { map.set(driver, (map.get(driver) ?? 0) + n); },
};
