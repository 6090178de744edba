/** Docker's restart policies: validation and the increasing delay between restarts. */
import { InvalidArgumentError } from '../common/errors.js';

/** The daemon's checks (wording from Docker's validateRestartPolicy). */
export function validateRestartPolicy(p: any): void {
  if (!p) return;
  const name = p.Name ?? '';
  const count = p.MaximumRetryCount ?? 0;
  if (typeof count !== 'number' || !Number.isInteger(count)) throw new InvalidArgumentError('invalid restart policy: maximum retry count must be an integer');
  if (name === '' || name === 'no' || name === 'always' || name === 'unless-stopped') {
    if (count !== 0) throw new InvalidArgumentError(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
    return;
  }
  if (name === 'on-failure') {
    if (count < 0) throw new InvalidArgumentError('invalid restart policy: maximum retry count cannot be negative');
    return;
  }
  throw new InvalidArgumentError(`invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`);
}

/** Docker's back-off: 100 ms doubling per restart up to 1 minute; reset after a run of at least 10 s. */
const RESTART_MIN_DELAY_MS = 100;
const RESTART_MAX_DELAY_MS = 60_000;
const RESTART_RESET_AFTER_MS = 10_000;

export function restartDelay(previousDelayMs: number, ranMs: number): number {
  if (ranMs >= RESTART_RESET_AFTER_MS || previousDelayMs <= 0) return RESTART_MIN_DELAY_MS;
  return Math.min(RESTART_MAX_DELAY_MS, previousDelayMs * 2);
}
