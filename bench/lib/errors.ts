/** Codes only the benchmarks raise (a peer that would not start, an API call that failed mid-run...). */
export type BenchErrorCode =
  | 'ERR_API' | 'ERR_BASELINE' | 'ERR_BENCH' | 'ERR_BENCH_UI' | 'ERR_BERTH_RUN' | 'ERR_BERTH_START'
  | 'ERR_DAEMON_GONE' | 'ERR_DOWNLOAD' | 'ERR_NOT_BUILT' | 'ERR_NO_CONMON' | 'ERR_NO_GATEWAY'
  | 'ERR_NO_HEALTH_LOG' | 'ERR_NO_HEAP_REPORT' | 'ERR_NO_MONITOR' | 'ERR_NO_SHIM' | 'ERR_PEER_INSTALL'
  | 'ERR_PEER_START' | 'ERR_PROC_FORMAT' | 'ERR_PRUNE' | 'ERR_PS_ROWS' | 'ERR_STATS_ROWS';

/** A benchmark's own failure: the engine's error list (common/errors.ts) stays closed to these codes. */
export class BenchError extends Error {
  constructor(message: string, readonly code: BenchErrorCode) {
    super(message);
    this.name = 'BenchError';
  }
}
