/**
 * Collect the heap when it has grown, not when V8's old-generation limit says so. The daemon runs
 * with a large initial old space (node-flags.ts): during a pull or push, V8 otherwise counts the
 * stream buffers passing through against a small old generation and runs a full collection every
 * few megabytes (25-30 per 100 MB pull, half of the daemon's CPU for it). With the large limit no
 * collection comes at all, and what a transfer left behind would stay resident; this timer
 * collects once the resident size grew by `thresholdBytes` since the last collection and the
 * daemon was quiet for an interval (the transfer is over), so an idle daemon returns to its small
 * footprint; malloc_trim then hands the freed buffer memory back to
 * the system (glibc keeps it in its arenas otherwise). Needs --expose-gc; without it, it does nothing.
 */
import { libcFunction, type NativeFunction } from '../common/libc.js';

const gc = (globalThis as { gc?: () => void }).gc;

let mallocTrim: NativeFunction | null | undefined;
function trimMalloc(): void {
  if (mallocTrim === undefined) {
    try { mallocTrim = libcFunction('malloc_trim'); } catch { mallocTrim = null; }
  }
  mallocTrim?.(0);
}

/** Share of one core the daemon may use during an interval and still count as quiet. */
const QUIET_CPU_SHARE = 0.2;

export function startHeapTrim(opts: { intervalMs?: number; thresholdBytes?: number } = {}): () => void {
  if (typeof gc !== 'function') return () => undefined;
  const threshold = opts.thresholdBytes ?? 24 * 1024 * 1024;
  const intervalMs = opts.intervalMs ?? 500;
  // resident size, not heap statistics: buffers freed by a scavenge leave their memory in glibc's arenas
  const size = () => process.memoryUsage.rss();
  const cpuMicros = () => { const u = process.cpuUsage(); return u.user + u.system; };
  let base = 0; // the first look trims what start-up (module loading, schema checks) left behind
  let lastCpu = cpuMicros();
  const timer = setInterval(() => {
    const cpu = cpuMicros();
    const busy = cpu - lastCpu;
    lastCpu = cpu;
    if (size() - base < threshold) return;
    // Not while a transfer runs: its buffers are live, a collection frees little, and the base would
    // be set at the transfer's peak, so that what the transfer leaves behind would never be trimmed.
    if (busy > intervalMs * 1000 * QUIET_CPU_SHARE) return;
    gc();
    trimMalloc();
    base = size();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
