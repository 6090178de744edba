/**
 * HostConfig.LogConfig as dockerd checks it at create: the daemon's default merged in, the driver and
 * its options validated with dockerd's wording. json-file and none are checked here; the drivers of
 * src/logging's registry (syslog, gelf, fluentd, ...) check their own options; the other drivers
 * dockerd ships are refused as not supported rather than accepted and ignored.
 */
import { InvalidArgumentError, NotSupportedError } from '../common/errors.js';
import { ByteSizeError, fromHumanSize, ramInBytes } from '../common/byte-size.js';
import { goParseBool, LOCAL_DEFAULTS, localLogConfig } from '../logging/local.js';
import { LOG_DRIVERS } from '../logging/drivers.js';

export interface LogConfig { Type: string; Config: Record<string, string> }

/**
 * Log file rotation: rotate once the file reaches maxSize bytes (-1: never), keep maxFile files in all;
 * compress: rotated files are gzipped (`.1.gz` …).
 */
export interface JsonFileRotation { maxSize: number; maxFile: number; compress?: boolean }

/** The format of the container's log file that `logs` reads: Docker's json-file, or the `local` driver's protobuf records. */
export type LogFileFormat = 'json' | 'local';

export const DEFAULT_LOG_CONFIG: LogConfig = { Type: 'json-file', Config: {} };

/** Drivers dockerd has built in that berth does not implement. */
const OTHER_DOCKER_DRIVERS = new Set(['awslogs', 'splunk', 'etwlogs', 'gcplogs', 'logentries', 'loki']);
const JSON_FILE_OPTS = new Set(['max-file', 'max-size', 'compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag']);
/** json-file writes these as an "attrs" object in every record; berth does not. */
const ATTR_OPTS = new Set(['labels', 'labels-regex', 'env', 'env-regex']);

/** dockerd's mergeAndVerifyLogConfig: the daemon default's type when none is named, its options under the container's. */
export function mergeLogConfig(requested: Partial<LogConfig> | undefined, daemonDefault: LogConfig = DEFAULT_LOG_CONFIG): LogConfig {
  const Type = requested?.Type || daemonDefault.Type;
  const Config: Record<string, string> = { ...(requested?.Config ?? {}) };
  if (Type === daemonDefault.Type) {
    for (const [k, v] of Object.entries(daemonDefault.Config)) if (!(k in Config)) Config[k] = v;
  }
  validateLogConfig({ Type, Config });
  return { Type, Config };
}

/** Throws (InvalidArgumentError: dockerd's wording; NotSupportedError: what berth does not do) unless cfg can be used. */
export function validateLogConfig(cfg: LogConfig): void {
  if (cfg.Type === 'none') return; // dockerd ignores options of the none driver
  const mode = cfg.Config.mode ?? '';
  if (mode !== '' && mode !== 'blocking' && mode !== 'non-blocking') {
    throw new InvalidArgumentError(`logger: logging mode not supported: ${mode}`, 'ERR_LOG_OPT');
  }
  if ('max-buffer-size' in cfg.Config) {
    if (mode !== 'non-blocking') throw new InvalidArgumentError("logger: max-buffer-size option is only supported with 'mode=non-blocking'", 'ERR_LOG_OPT');
    try { ramInBytes(cfg.Config['max-buffer-size']); } catch (e) {
      if (e instanceof ByteSizeError) throw new InvalidArgumentError(`error parsing option max-buffer-size: ${e.message}`, 'ERR_LOG_OPT');
      throw e;
    }
  }
  const driver = LOG_DRIVERS.get(cfg.Type);
  if (driver) { driver.validate(cfg.Config); return; }
  if (cfg.Type !== 'json-file') {
    if (OTHER_DOCKER_DRIVERS.has(cfg.Type)) {
      throw new NotSupportedError(`logging driver "${cfg.Type}" is not supported by berth (supported: json-file, local, journald, syslog, gelf, fluentd, none)`, 'ERR_LOG_DRIVER');
    }
    throw new InvalidArgumentError(`logger: no log driver named '${cfg.Type}' is registered`, 'ERR_LOG_DRIVER');
  }
  for (const key of Object.keys(cfg.Config)) {
    if (key === 'mode' || key === 'max-buffer-size') continue;
    if (!JSON_FILE_OPTS.has(key)) throw new InvalidArgumentError(`unknown log opt '${key}' for json-file log driver`, 'ERR_LOG_OPT');
    if (ATTR_OPTS.has(key)) throw new NotSupportedError(`log opt '${key}' of the json-file log driver is not supported by berth`, 'ERR_LOG_OPT');
  }
  jsonFileRotation(cfg);
}

/** max-size / max-file of a json-file config, checked as dockerd's json-file driver checks them. */
function jsonFileRotation(cfg: LogConfig): JsonFileRotation {
  let maxSize = -1;
  const size = cfg.Config['max-size'];
  if (size !== undefined) {
    // decimal multiples (1k = 1000), as dockerd's json-file driver reads max-size
    try { maxSize = fromHumanSize(size); } catch (e) {
      if (e instanceof ByteSizeError) throw new InvalidArgumentError(e.message, 'ERR_LOG_OPT');
      throw e;
    }
    if (maxSize <= 0) throw new InvalidArgumentError('max-size must be a positive number', 'ERR_LOG_OPT');
  }
  let maxFile = 1;
  const files = cfg.Config['max-file'];
  if (files !== undefined) {
    if (!/^[+-]?\d+$/.test(files)) throw new InvalidArgumentError(`strconv.Atoi: parsing "${files}": invalid syntax`, 'ERR_LOG_OPT');
    maxFile = Number.parseInt(files, 10);
    if (maxFile < 1) throw new InvalidArgumentError('max-file cannot be less than 1', 'ERR_LOG_OPT');
  }
  let compress = false;
  if (cfg.Config.compress !== undefined) {
    compress = parseGoBool(cfg.Config.compress);
    if (compress && (maxFile === 1 || maxSize === -1)) {
      throw new InvalidArgumentError('compress cannot be true when max-file is less than 2 or max-size is not set', 'ERR_LOG_OPT');
    }
  }
  return { maxSize, maxFile, compress };
}

/** Go's strconv.ParseBool. */
function parseGoBool(s: string): boolean {
  const b = goParseBool(s);
  if (b !== null) return b;
  throw new InvalidArgumentError(`strconv.ParseBool: parsing "${s}": invalid syntax`, 'ERR_LOG_OPT');
}

/** Does this container's driver keep a log file (json-file) the daemon converts and `logs` reads? */
export function logsToFile(hostConfig: { LogConfig?: Partial<LogConfig> } | undefined): boolean {
  return (hostConfig?.LogConfig?.Type || 'json-file') !== 'none';
}

/**
 * The rotation of a stored container's log file (checked at create; a record from before rotation existed
 * never rotates). json-file: its options; local: its options over the local driver's defaults; any other
 * driver: the file berth keeps for `logs` besides the driver is bounded as dockerd bounds its cache
 * for such drivers (cache-max-size 20m, cache-max-file 5, cache-compress true).
 */
export function rotationOf(hostConfig: { LogConfig?: Partial<LogConfig> } | undefined): JsonFileRotation {
  const type = hostConfig?.LogConfig?.Type || 'json-file';
  const config = hostConfig?.LogConfig?.Config ?? {};
  try {
    if (type === 'json-file') return jsonFileRotation({ Type: 'json-file', Config: config });
    const local = type === 'local' ? localLogConfig(config) : { ...LOCAL_DEFAULTS, maxSize: 20_000_000 };
    return { maxSize: local.maxSize > 0 ? local.maxSize : -1, maxFile: Math.max(1, local.maxFile), compress: local.compress };
  } catch {
    return { maxSize: -1, maxFile: 1 };
  }
}

/** The format of a stored container's log file: the local driver's own, json for every other driver. */
export function logFileFormat(hostConfig: { LogConfig?: Partial<LogConfig> } | undefined): LogFileFormat {
  return hostConfig?.LogConfig?.Type === 'local' ? 'local' : 'json';
}
