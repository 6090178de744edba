/**
 * The loader's errors: BerthErrors with the compose codes, and the exit codes compose v2 uses for them
 * (14 when no file is found, 15 when a file cannot be parsed or is invalid), so scripts that test the
 * status behave the same.
 */
import { BerthError, type ErrorCode } from '../../common/errors.js';

export const EXIT_FILE_NOT_FOUND = 14;
export const EXIT_PARSE_FAILURE = 15;

export class ComposeLoadError extends BerthError {
  constructor(code: ErrorCode, message: string, exitCode = EXIT_PARSE_FAILURE) {
    super(message, { code, status: 400, exitCode });
  }
}

/** A place in a compose file, 1-based as editors show it. */
export interface Position { file: string; line: number; col: number }

export function formatPosition(p: Position | undefined, fallbackFile?: string): string {
  if (p) return `${p.file}:${p.line}:${p.col}`;
  return fallbackFile ?? '';
}

/** `file:line:col: message`, or `file: message` when the place is unknown. */
export function atPosition(p: Position | undefined, file: string | undefined, message: string): string {
  const where = formatPosition(p, file);
  return where ? `${where}: ${message}` : message;
}
