import { watch } from 'node:fs';
import { readExitFile, type MonitorPaths } from '../runtime/index.js';
import { EXIT_POLL_MS, type ContainerContext, type ExitWatch } from './context.js';

/**
 * Watch conmon's exit dir of a started container (inotify, with a poll for missed events) and hand
 * the exit code to the context's `exited` hook once: the file conmon writes, or 255 when conmon died
 * without writing one.
 */
export function watchExit(ctx: ContainerContext, id: string): void {
  if (ctx.exitWatches.has(id) || ctx.closed) return;
  const mon = ctx.monitor(id);
  const check = () => checkExit(ctx, id, mon);
  ctx.exitWatches.set(id, watchExitDir(mon.exitDir, check));
  check();
}

export function unwatchExit(ctx: ContainerContext, id: string): void {
  const w = ctx.exitWatches.get(id);
  if (!w) return;
  closeExitWatch(w);
  ctx.exitWatches.delete(id);
}

function checkExit(ctx: ContainerContext, id: string, mon: MonitorPaths): void {
  const code = readExitFile(mon.exitFile);
  if (code !== null) { unwatchExit(ctx, id); void ctx.hooks.exited(id, code); return; }
  const rec = ctx.store.get(id);
  if (!rec) { unwatchExit(ctx, id); return; }
  if (rec.conmonPid && !processAlive(rec.conmonPid)) {
    // conmon died without writing an exit code (killed, host trouble): one last look, then give up on it
    const late = readExitFile(mon.exitFile);
    unwatchExit(ctx, id);
    void ctx.hooks.exited(id, late ?? 255, late === null ? 'container monitor (conmon) exited unexpectedly' : '');
  }
}

/** Calls check on every change in dir, and every EXIT_POLL_MS in case an inotify event is missed. */
export function watchExitDir(dir: string, check: () => void): ExitWatch {
  const w: ExitWatch = { timer: setInterval(check, EXIT_POLL_MS) };
  w.timer.unref();
  try {
    w.watcher = watch(dir, check);
    w.watcher.on('error', () => { /* the dir went away: the poll covers it */ });
    w.watcher.unref();
  } catch { /* no exit dir: the poll covers it */ }
  return w;
}

export function closeExitWatch(w: ExitWatch): void {
  clearInterval(w.timer);
  w.watcher?.close();
}

export function processAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}
