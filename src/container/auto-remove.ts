import type { ContainerRecord } from '../record/container-store.js';
import type { ContainerContext } from './context.js';

/**
 * --rm (HostConfig.AutoRemove), decided here and nowhere else.
 *
 * A disposable container's run leaves nothing worth keeping: its rootfs upper dir and its log need
 * not survive a host crash (no syncs), and its anonymous volumes go with it.
 */
export function isDisposable(rec: ContainerRecord): boolean { return !!rec.hostConfig.AutoRemove; }

/**
 * Whether the end of this run (an exit, or a start that failed) removes the container: a
 * disposable one, unless a manual `restart` is under way (as dockerd's HasBeenManuallyRestarted:
 * the exit its stop causes must not remove the container).
 */
export function removesAtExit(ctx: Pick<ContainerContext, 'manualRestarts'>, rec: ContainerRecord): boolean {
  return isDisposable(rec) && !ctx.manualRestarts.has(rec.id);
}

/** As dockerd, a disposable container that failed to start is removed (`docker run --rm` waits for that). */
export function removesAfterFailedStart(rec: ContainerRecord): boolean { return isDisposable(rec); }

/** `rm -v`, and always for a disposable container: its anonymous volumes go with it. */
export function removesVolumes(rec: ContainerRecord, asked: boolean): boolean { return asked || isDisposable(rec); }
