/**
 * Collect the heap when it has grown, not when V8's old-generation limit says so. The daemon runs
 * with a large initial old space (node-flags.ts): during a pull or push, V8 otherwise counts the
 * stream buffers passing through against a small old generation and runs a full collection every
 * few megabytes (25-30 per 100 MB pull, half of the daemon's CPU for it). With the large limit no
 * collection comes at all, and what a transfer left behind would stay resident; this timer
 * collects once the resident size grew by `thresholdBytes` since the last look, so an idle
 * daemon returns to its small footprint; malloc_trim then hands the freed buffer memory back to
 * the system (glibc keeps it in its arenas otherwise). Needs --expose-gc; without it, it does nothing.
 *
 * Smaller growth (a burst of `run --rm`: records, parsed specs, request objects, ~10 MiB per 100
 * runs, which no collection reclaims while the old space is far from its large limit) is collected
 * once the daemon has gone quiet: `idleBytes` (2 MiB) grown and an event loop that was idle for the whole
 * last interval. A quiet loop is where a full collection (~10-30 ms for the daemon's heap) delays
 * no request.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { libcFunction, type NativeFunction } from '../common/libc.js';

const gc = (globalThis as { gc?: () => void }).gc;

let mallocTrim: NativeFunction | null | undefined;
function trimMalloc(): void {
  if (mallocTrim === undefined) {
    try { mallocTrim = libcFunction('malloc_trim'); } catch { mallocTrim = null; }
  }
  mallocTrim?.(0);
}

/** Below this share of an interval spent running JavaScript or callbacks, the daemon counts as quiet. */
const QUIET_UTILIZATION = 0.02;

export function startHeapTrim(opts: { intervalMs?: number; thresholdBytes?: number; idleBytes?: number } = {}): () => void {
  if (typeof gc !== 'function') return () => undefined;
  const threshold = opts.thresholdBytes ?? 24 * 1024 * 1024;
  const idleThreshold = opts.idleBytes ?? 2 * 1024 * 1024;
  // resident size, not heap statistics: buffers freed by a scavenge leave their memory in glibc's arenas
  const size = () => process.memoryUsage.rss();
  let base = 0; // the first look trims what start-up (module loading, schema checks) left behind
  let lastLoop: EventLoopUtilization = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const loop = performance.eventLoopUtilization();
    const quiet = performance.eventLoopUtilization(loop, lastLoop).utilization < QUIET_UTILIZATION;
    lastLoop = loop;
    const grown = size() - base;
    if (grown < threshold && !(quiet && grown >= idleThreshold)) return;
    gc();
    trimMalloc();
    base = size();
  }, opts.intervalMs ?? 2000);
  timer.unref();
  return () => clearInterval(timer);
}
