/**
 * The `local` logging driver: Docker's compact protobuf file (see local-format.ts) at
 * `<container dir>/local-logs/container.log`, rotated by default (moby daemon/logger/local/config.go:
 * max-size 20 MiB, max-file 5, compress true).
 *
 * berth writes that file in the daemon's converter (container/json-log.ts), which already turns conmon's
 * output into the container's log file crash-safely (a resumable position, rotation recorded before it
 * happens): for a `local` container the converter writes this format instead of json, and `berth logs`
 * reads it. So the driver object itself has nothing left to deliver: its log() only counts.
 */
import { InvalidArgumentError } from '../common/errors.js';
import { ByteSizeError, fromHumanSize } from '../common/byte-size.js';
import { logStats, type LogDriver, type LogDriverFactory } from './driver.js';

export interface LocalLogConfig { maxSize: number; maxFile: number; compress: boolean }

const LOCAL_OPTS = new Set(['max-file', 'max-size', 'compress']);
export const LOCAL_DEFAULTS: LocalLogConfig = { maxSize: 20 * 1024 * 1024, maxFile: 5, compress: true };

/** Go's strconv.ParseBool; null for anything else. */
export function goParseBool(s: string): boolean | null {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return null;
}

/** moby's local newConfig + validateConfig, with its wording. */
export function localLogConfig(opts: Record<string, string>): LocalLogConfig {
  for (const key of Object.keys(opts)) {
    if (key === 'mode' || key === 'max-buffer-size') continue;
    if (!LOCAL_OPTS.has(key)) throw new InvalidArgumentError(`unknown log opt '${key}' for log driver local`, 'ERR_LOG_OPT');
  }
  const cfg = { ...LOCAL_DEFAULTS };
  const size = opts['max-size'];
  if (size !== undefined) {
    try { cfg.maxSize = fromHumanSize(size); } catch (e) {
      if (e instanceof ByteSizeError) throw new InvalidArgumentError(`invalid value for max-size: ${size}: ${e.message}`, 'ERR_LOG_OPT');
      throw e;
    }
  }
  const files = opts['max-file'];
  if (files !== undefined) {
    if (!/^[+-]?\d+$/.test(files)) throw new InvalidArgumentError(`invalid value for max-file: ${files}: strconv.Atoi: parsing "${files}": invalid syntax`, 'ERR_LOG_OPT');
    cfg.maxFile = Number.parseInt(files, 10);
  }
  const compress = opts.compress;
  if (compress !== undefined) {
    const on = goParseBool(compress);
    if (on === null) throw new InvalidArgumentError(`invalid boolean value for compress: strconv.ParseBool: parsing "${compress}": invalid syntax`, 'ERR_LOG_OPT');
    cfg.compress = on;
  }
  if (cfg.maxSize < 0) throw new InvalidArgumentError('max-size must not be negative', 'ERR_LOG_OPT');
  if (cfg.maxFile < 0) throw new InvalidArgumentError('max-file must not be negative', 'ERR_LOG_OPT');
  // compression is applied to rotated files, so it does not apply without rotation
  if (cfg.compress && cfg.maxFile <= 1) throw new InvalidArgumentError('compression cannot be enabled when max file count is 1', 'ERR_LOG_OPT');
  return cfg;
}

export const localDriver: LogDriverFactory = {
  name: 'local',
  validate(config) { localLogConfig(config); },
  create(info) {
    try { localLogConfig(info.config); } catch (e) { return Promise.reject(e); }
    // the converter writes local-logs/container.log (see above): delivery is done by the time a line gets here
    const driver: LogDriver = {
      log() { logStats.count(logStats.delivered, 'local'); },
      close() { return Promise.resolve(); },
    };
    return Promise.resolve(driver);
  },
};
