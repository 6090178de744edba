/**
 * compose v2 exits 1 for its own errors (cobra's RunE error), whatever the kind; BerthError's default
 * of 125 is the docker CLI's for flag errors, so compose's messages carry their exit code explicitly.
 */
import { BerthError, type ErrorCode } from '../../common/errors.js';
import { DaemonError } from '../../client/engine-client.js';

export function composeError(message: string, code: ErrorCode = 'ERR_INVALID_ARGUMENT', cause?: unknown): BerthError {
  return new BerthError(message, { code, status: 400, exitCode: 1, cause });
}

/**
 * The HTTP status of a daemon's error answer, else undefined. compose's client is always made from its
 * own copy of src/client (the berth CLI and the docker plugin take EngineClient from compose's module),
 * so the class is this one.
 */
export function daemonStatus(e: unknown): number | undefined {
  return e instanceof DaemonError ? e.statusCode : undefined;
}
export const isNotFound = (e: unknown) => daemonStatus(e) === 404;
export const isConflict = (e: unknown) => daemonStatus(e) === 409;
