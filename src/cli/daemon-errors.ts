/**
 * What the CLI does differently for some of the daemon's errors (pull on "no such image", 126/127
 * when the command cannot be run, ...), decided by the error's code. A daemon that sends no code
 * (dockerd) is judged by its HTTP status, and only where the status cannot tell by the docker
 * CLI's own test of the message's words.
 */
import type { ErrorCode } from '../common/errors.js';
import { DaemonError } from '../client/engine-client.js';

/** `create` found no such image: Docker's cue to print "Unable to find image" and pull. */
export function isNoSuchImage(e: unknown): boolean {
  if (!(e instanceof DaemonError)) return false;
  if (e.fromServer) return e.code === 'ERR_IMAGE_NOT_FOUND';
  return e.statusCode === 404 && /no such image/i.test(e.message);
}

/** The network does not exist (`network rm --force` is quiet about it). */
export function isNoSuchNetwork(e: unknown): boolean {
  if (!(e instanceof DaemonError)) return false;
  return e.fromServer ? e.code === 'ERR_NETWORK_NOT_FOUND' : e.statusCode === 404;
}

/** The object asked for does not exist (404), whatever its kind: `inspect` tries the next kind. */
export function isNotFound(e: unknown): boolean {
  return e instanceof DaemonError && e.statusCode === 404;
}

/** The daemon lacks the feature (501); dockerd words a few of these "not supported" with another status. */
export function isNotSupported(e: unknown): boolean {
  if (!(e instanceof DaemonError)) return false;
  if (e.statusCode === 501) return true;
  return !e.fromServer && /not supported/i.test(e.message);
}

/** Docker's exit statuses for a container whose command could not be started. */
const START_EXIT_CODES: Partial<Record<ErrorCode, number>> = {
  ERR_COMMAND_NOT_FOUND: 127,
  ERR_COMMAND_NOT_EXECUTABLE: 126,
  ERR_COMMAND_NOT_INVOKABLE: 126,
};

/** `run`/`start`'s exit status when the start failed: 127 command not found, 126 cannot be run, else 125. */
export function startErrorExitCode(e: unknown): number {
  if (!(e instanceof DaemonError)) return 125;
  if (e.fromServer) return START_EXIT_CODES[e.code] ?? 125;
  // dockerd: the docker CLI's runStartContainerErr reads the words
  if (/executable file not found|no such file or directory|system cannot find the file specified/i.test(e.message)) return 127;
  if (/permission denied/i.test(e.message)) return 126;
  return 125;
}
