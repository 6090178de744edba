import type { ExitWatch } from '../runtime/index.js';
import type { ContainerContext } from './context.js';
import { taskOf } from './tasks.js';

/**
 * Watch the container's task for its exit (inotify on conmon's exit dir) and hand the exit record
 * to the context's `exited` hook once: the code conmon wrote, or 255 when conmon died without one.
 */
export function watchExit(ctx: ContainerContext, id: string): void {
  if (ctx.exitWatches.has(id) || ctx.closed) return;
  const rec = ctx.store.get(id);
  if (!rec) return;
  let fired = false;
  let w: ExitWatch | undefined = undefined;
  w = taskOf(ctx, rec).watch((exit) => {
    fired = true;
    if (w && ctx.exitWatches.get(id) === w) ctx.exitWatches.delete(id);
    void ctx.hooks.exited(id, exit);
  }, { ref: false });
  // an exit that is there already may be handed on before watch() returns: then there is nothing to watch
  if (!fired) ctx.exitWatches.set(id, w);
}

export function unwatchExit(ctx: ContainerContext, id: string): void {
  const w = ctx.exitWatches.get(id);
  if (!w) return;
  w.close();
  ctx.exitWatches.delete(id);
}
