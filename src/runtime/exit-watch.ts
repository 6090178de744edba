/**
 * Waiting for a process conmon monitors to exit: conmon writes the exit code to <exit dir>/<id>
 * (with a rename, so the file appears complete). An inotify watch on the exit dir reports it at
 * once; a slow look covers a missed event and a conmon that died without writing one.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readExitFile } from './conmon.js';

/** How often to look when no inotify event came (a missed one, conmon gone). */
const FALLBACK_LOOK_MS = 1000;

export interface MonitorExit {
  /** the exit code conmon wrote; 255 when conmon went without writing one */
  code: number;
  /** conmon exited without an exit code (killed, host trouble) */
  monitorLost: boolean;
}

export interface ExitWatchOptions {
  exitDir: string;
  exitFile: string;
  /** conmon's pid (0: unknown, its liveness is not checked); a function when it can change */
  conmonPid: number | (() => number);
  /** keep the process alive while watching (someone awaits the exit); false for a daemon's background watches */
  ref?: boolean;
}

export interface ExitWatch { close(): void }

export function processAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/**
 * The slow looks of all background watches (ref: false) share one timer: a daemon with 1,000 running
 * containers had 1,000 one-second intervals. A watch someone awaits (ref) keeps its own, which
 * holds the process open.
 */
const backgroundChecks = new Set<() => void>();
let backgroundTimer: NodeJS.Timeout | undefined;

function lookInBackground(check: () => void): () => void {
  backgroundChecks.add(check);
  if (!backgroundTimer) {
    backgroundTimer = setInterval(() => { for (const c of [...backgroundChecks]) c(); }, FALLBACK_LOOK_MS);
    backgroundTimer.unref();
  }
  return () => {
    backgroundChecks.delete(check);
    if (!backgroundChecks.size && backgroundTimer) { clearInterval(backgroundTimer); backgroundTimer = undefined; }
  };
}

/** Calls onExit once, when the exit is there (also when it is there already); close() stops watching. */
export function watchExit(o: ExitWatchOptions, onExit: (exit: MonitorExit) => void): ExitWatch {
  let watcher: FSWatcher | undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    stopLooking();
    watcher?.close();
  };
  const check = () => {
    if (closed) return;
    const code = readExitFile(o.exitFile);
    if (code !== null) { close(); onExit({ code, monitorLost: false }); return; }
    const pid = typeof o.conmonPid === 'function' ? o.conmonPid() : o.conmonPid;
    if (pid && !processAlive(pid)) {
      // one last look: conmon may have written it just before it went
      const late = readExitFile(o.exitFile);
      close();
      onExit({ code: late ?? 255, monitorLost: late === null });
    }
  };
  let stopLooking: () => void;
  if (o.ref) { const timer = setInterval(check, FALLBACK_LOOK_MS); stopLooking = () => clearInterval(timer); }
  else stopLooking = lookInBackground(check);
  try {
    watcher = watch(o.exitDir, check);
    watcher.on('error', () => { /* the dir went away: the slow look covers it */ });
    if (!o.ref) watcher.unref();
  } catch { /* no exit dir: the slow look covers it */ }
  check();
  return { close };
}
