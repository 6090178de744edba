/**
 * compose v2 exits 1 for its own errors (cobra's RunE error), whatever the kind; BerthError's default
 * of 125 is the docker CLI's for flag errors, so compose's messages carry their exit code explicitly.
 */
import { BerthError, type ErrorCode } from '../../common/errors.js';

export function composeError(message: string, code: ErrorCode = 'ERR_INVALID_ARGUMENT', cause?: unknown): BerthError {
  return new BerthError(message, { code, status: 400, exitCode: 1, cause });
}
