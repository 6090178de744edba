/**
 * Collect the heap when it has grown, not when V8's old-generation limit says so. The daemon runs
 * with a large initial old space (node-flags.ts): during a pull or push, V8 otherwise counts the
 * stream buffers passing through against a small old generation and runs a full collection every
 * few megabytes (25-30 per 100 MB pull, half of the daemon's CPU for it). With the large limit no
 * collection comes at all, and what a transfer left behind would stay resident; this timer
 * collects once the daemon is quiet (the transfer is over): at the first quiet look when the
 * resident size grew by `thresholdBytes` since the last collection, after SETTLED_LOOKS quiet looks
 * (2 s) when it grew by a few MiB, so an idle daemon returns to its small footprint; malloc_trim
 * then hands the freed buffer memory back to the system (glibc keeps it in its arenas otherwise).
 *
 * The smaller growth (`idleBytes`, 2 MiB) is what a burst of `run --rm` leaves (records, parsed specs,
 * request objects, ~10 MiB per 100 runs, which no collection reclaims while the old space is far from
 * its large limit): collected once quiet, where a full collection (~10-30 ms for the daemon's heap)
 * delays no request. Needs --expose-gc; without it, it does nothing.
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
/** Quiet looks after which a smaller growth is trimmed too (what a transfer under the threshold or a burst of runs left). */
const SETTLED_LOOKS = 4;

export function startHeapTrim(opts: { intervalMs?: number; thresholdBytes?: number; idleBytes?: number } = {}): () => void {
  if (typeof gc !== 'function') return () => undefined;
  // looked up now (the daemon has libc's binding loaded already): loading it at the first trim would
  // add its own memory to the very figure the trim is lowering
  trimMalloc();
  const threshold = opts.thresholdBytes ?? 24 * 1024 * 1024;
  const idleThreshold = opts.idleBytes ?? 2 * 1024 * 1024;
  const intervalMs = opts.intervalMs ?? 500;
  // resident size, not heap statistics: buffers freed by a scavenge leave their memory in glibc's arenas
  const size = () => process.memoryUsage.rss();
  const cpuMicros = () => { const u = process.cpuUsage(); return u.user + u.system; };
  let base = 0; // the first look trims what start-up (module loading, schema checks) left behind
  let lastCpu = cpuMicros();
  let quietLooks = 0;
  // a collection that came before the daemon had settled (a look that only seemed quiet on a busy
  // host, mid-transfer) may have found the buffers still live: one more once it has settled
  let again = false;
  // V8 frees the backing stores of collected buffers on its sweeper threads after gc() returns, so
  // what they held reaches glibc a little later: trimmed once more at the next look
  let trimPending = false;
  const timer = setInterval(() => {
    if (trimPending) { trimPending = false; trimMalloc(); base = size(); }
    const cpu = cpuMicros();
    // Not while a transfer runs: its buffers are live, a collection frees little, and the base would
    // be set at the transfer's peak, so that what the transfer leaves behind would never be trimmed.
    quietLooks = cpu - lastCpu > intervalMs * 1000 * QUIET_CPU_SHARE ? 0 : quietLooks + 1;
    lastCpu = cpu;
    const grown = size() - base;
    const settled = quietLooks >= SETTLED_LOOKS;
    if (quietLooks === 0 || (grown < threshold && !(settled && (again || grown >= idleThreshold)))) return;
    gc();
    trimMalloc();
    base = size();
    again = !settled;
    trimPending = true;
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
