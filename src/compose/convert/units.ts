/**
 * compose-go's units for values a compose file writes as text: byte sizes ("512m", "1g": go-units'
 * RAMInBytes, powers of 1024, as compose-go's UnitBytes; a number is bytes), durations (Go's syntax, as
 * compose-go's Duration) and CPU counts (a float32 in compose-go, which decides the rounding).
 */
import { BerthError, type ErrorCode } from '../../common/errors.js';
import { ByteSizeError, ramInBytes } from '../../common/byte-size.js';
import { GoDurationError, goDurationNs } from '../../common/go-duration.js';

/** A compose error that exits 1 as compose v2's do. */
export function composeError(message: string, code: ErrorCode = 'ERR_COMPOSE_INVALID'): BerthError {
  return new BerthError(message, { code, status: 400, exitCode: 1 });
}

/** Bytes of a compose size (`mem_limit: 512m`, `shm_size: 1g`, `mem_limit: 1048576`); `what` names the key in errors. */
export function sizeBytes(value: string | number, what: string): number {
  if (typeof value === 'number') return Math.trunc(value);
  try {
    return ramInBytes(value.trim());
  } catch (e) {
    if (e instanceof ByteSizeError) throw composeError(`${what}: ${e.message}`);
    throw e;
  }
}

/** Nanoseconds of a compose duration (`interval: 1m30s`). */
export function durationNs(value: string | number, what: string): number {
  if (typeof value === 'number') throw composeError(`${what}: a duration must be a string such as "30s", not ${value}`);
  try {
    return goDurationNs(value);
  } catch (e) {
    if (e instanceof GoDurationError) throw composeError(`${what}: ${e.message}`);
    throw e;
  }
}

/** Whole seconds of a duration, truncated as Go's int(d.Seconds()) (stop_grace_period → StopTimeout). */
export function durationSeconds(value: string | number, what: string): number {
  return Math.trunc(durationNs(value, what) / 1e9);
}

/**
 * NanoCpus of `cpus: 1.5` / `"0.5"`: compose v2 computes int64(cpus * 1e9) in float32 arithmetic, so 0.1
 * gives 100000000 (not the 100000001 a float64 product of float32(0.1) would give).
 */
export function nanoCpus(value: string | number, what: string): number {
  const n = typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value.trim());
  if (!Number.isFinite(n) || n < 0) throw composeError(`${what}: invalid number of CPUs ${JSON.stringify(value)}`);
  return Math.trunc(Math.fround(Math.fround(n) * 1e9));
}
