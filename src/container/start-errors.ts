import { BerthError } from '../common/errors.js';

/**
 * Docker's translation of runtime start failures: a command that is not found
 * gives exit 127, one that cannot be invoked 126 (the CLI's `run` exits with
 * these); anything else is an engine failure. The message keeps Docker's
 * `exec: "foo": executable file not found in $PATH` wording, which clients match.
 */
export function classifyStartError(err: unknown, command: string, kind: 'create' | 'exec' = 'create'): { exitCode: number; error: BerthError } {
  // Docker words the two differently; scripts grep for both
  const prefix = kind === 'exec'
    ? 'OCI runtime exec failed: exec failed: unable to start container process'
    : 'failed to create task for container: OCI runtime create failed: unable to start container process';
  const raw = (err as Error)?.message ?? String(err);
  // a rootfs that could not be mounted (mount(8) says "permission denied" for EPERM) is the engine's failure, not the command's
  if (err instanceof BerthError && ['ERR_MOUNT', 'ERR_MOUNT_DATA_TOO_LONG', 'ERR_IDMAP_MOUNT'].includes(err.code)) return { exitCode: 128, error: err };
  // ENOENT alone is not enough: a missing mount source or device says the same, and must not pass for exit 127
  const notFound = /executable file .*not found|not found in \$PATH/i.test(raw)
    || (/No such file or directory|ENOENT/i.test(raw) && (raw.includes(command) || /open executable|exec(ve)?\b/i.test(raw)));
  const denied = /Permission denied|EACCES|not executable|exec format error/i.test(raw);
  if (notFound && !/cgroup|rlimit/i.test(raw)) {
    const detail = command.includes('/')
      ? `exec: "${command}": stat ${command}: no such file or directory`
      : `exec: "${command}": executable file not found in $PATH`;
    return {
      exitCode: 127,
      error: new BerthError(`${prefix}: ${detail}: unknown`,
        { code: 'ERR_COMMAND_NOT_FOUND', status: 400, exitCode: 127, cause: err }),
    };
  }
  if (denied) {
    return {
      exitCode: 126,
      error: new BerthError(`${prefix}: exec: "${command}": permission denied: unknown`,
        { code: 'ERR_COMMAND_NOT_EXECUTABLE', status: 400, exitCode: 126, cause: err }),
    };
  }
  const error = err instanceof BerthError ? err : new BerthError(raw, { code: 'ERR_START', status: 500, cause: err });
  return { exitCode: 128, error };
}
