import { InvalidArgumentError, type ErrorCode } from '../../common/errors.js';

/** Where something is in a Dockerfile: 1-based lines, column of the first character (1-based). */
export interface Location { file: string; line: number; endLine?: number; column?: number }

export function formatLocation(loc: Location): string {
  return `${loc.file}:${loc.line}${loc.column !== undefined ? `:${loc.column}` : ''}`;
}

/** A Dockerfile that cannot be parsed or does not make sense; the message names file, line and column. */
export class DockerfileError extends InvalidArgumentError {
  constructor(readonly detail: string, readonly location: Location, code: ErrorCode = 'ERR_DOCKERFILE_PARSE') {
    super(`dockerfile parse error on ${formatLocation(location)}: ${detail}`, code);
  }
}
