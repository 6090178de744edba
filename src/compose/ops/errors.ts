/**
 * compose v2 exits 1 for its own errors (cobra's RunE error), whatever the kind; BerthError's default
 * of 125 is the docker CLI's for flag errors, so compose's messages carry their exit code explicitly.
 */
import { BerthError, type ErrorCode } from '../../common/errors.js';

export function composeError(message: string, code: ErrorCode = 'ERR_INVALID_ARGUMENT', cause?: unknown): BerthError {
  return new BerthError(message, { code, status: 400, exitCode: 1, cause });
}

/**
 * The HTTP status of a daemon's error answer, else undefined. By shape, not instanceof or name: the
 * engine client may come from the berth CLI's bundle, whose DaemonError is another copy of the class
 * (renamed by the bundler).
 */
export function daemonStatus(e: unknown): number | undefined {
  const err = e as { statusCode?: unknown; fromServer?: unknown } | null;
  return err && typeof err === 'object' && typeof err.statusCode === 'number' && typeof err.fromServer === 'boolean' ? err.statusCode : undefined;
}
