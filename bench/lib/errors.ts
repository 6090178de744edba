import type { ErrorCode } from '../../src/common/errors.js';

/** Codes only the benchmarks raise (a peer that would not start, an API call that failed mid-run...). */
export type BenchErrorCode =
  | 'ERR_API' | 'ERR_BASELINE' | 'ERR_BENCH' | 'ERR_BENCH_UI' | 'ERR_BERTH_RUN' | 'ERR_BERTH_START'
  | 'ERR_DAEMON_GONE' | 'ERR_DOWNLOAD' | 'ERR_NOT_BUILT' | 'ERR_NO_CONMON' | 'ERR_NO_GATEWAY'
  | 'ERR_NO_HEALTH_LOG' | 'ERR_NO_HEAP_REPORT' | 'ERR_NO_MONITOR' | 'ERR_NO_SHIM' | 'ERR_PEER_INSTALL'
  | 'ERR_PEER_START' | 'ERR_PROC_FORMAT' | 'ERR_PRUNE' | 'ERR_PS_ROWS' | 'ERR_STATS_ROWS';

/**
 * A bench code where an engine error (SystemError) takes an ErrorCode. The engine's list stays closed to
 * engine codes; the bench's own codes are checked against BenchErrorCode and cast here, once.
 */
export function benchCode(code: BenchErrorCode): ErrorCode {
  return code as string as ErrorCode;
}
