/**
 * The harness's plug-in shapes. A Case times one user-visible operation across several tools
 * (berth and its peers); a Probe measures something that is not a latency (memory, throughput).
 */
import type { BenchContext } from './context.js';

export type ToolRole = 'berth' | 'peer';

/**
 * One way of doing a case's operation. `run` is one timed iteration; it throws when the tool failed.
 * It may return its own measurement in milliseconds (e.g. spawn-to-exit of a command); otherwise the
 * harness times the whole call.
 */
export interface Tool {
  name: string;
  role: ToolRole;
  /** the command a reader could type to reproduce it (for the report) */
  command: string;
  /** for a baseline build's tool: the name of this checkout's tool it is compared with */
  baselineOf?: string;
  setup(): Promise<void>;
  run(iteration: number): Promise<number | void>;
  teardown(): Promise<void>;
}

export interface Case {
  name: string;
  description: string;
  /** what berth should reach, as a ratio to the best peer (shown in the report, never asserted) */
  goalRatio?: number;
  /** the issue's goal and the peers' reference figures, printed against the results */
  goal?: string;
  /** at most this many timed iterations (for cases whose iteration is expensive) */
  maxIterations?: number;
  /**
   * Run each tool's set-up, iterations and teardown before the next tool's set-up, instead of
   * interleaving rounds: for states two engines cannot hold at once on one machine (1,000 running
   * containers each: 1,000 containerd-shims alone are ~13 GiB).
   */
  oneToolAtATime?: boolean;
  /** bytes moved per iteration, so the report can give a throughput */
  bytesPerIteration?(ctx: BenchContext): number;
  /**
   * Cases that differ only in a size (compose projects of 2, 5, 10 services) name one series; the
   * report shows each tool's median per size and its cost per unit between the smallest and largest.
   */
  series?(ctx: BenchContext): CaseSeries;
  tools(ctx: BenchContext): Tool[];
}

export interface CaseSeries {
  name: string;
  /** the size this case ran with (smoke runs shrink it) */
  size: number;
  /** what the size counts, singular ("service") */
  unit: string;
}

export interface ProbeLine {
  name: string;
  value: number;
  unit: string;
  goal?: string;
  note?: string;
  /** the peers' figure for the same measure (shown beside berth's in the goals table) */
  peer?: string;
}

export interface Probe {
  name: string;
  measure(ctx: BenchContext): Promise<ProbeLine[]>;
}

export interface BenchOptions {
  iterations: number;
  warmups: number;
  smoke: boolean;
  outDir: string;
  /** per-iteration time limit, so a hung tool never hangs the benchmark */
  runTimeoutMs: number;
  /** peers to use (docker, podman, buildah, skopeo, crun); undefined = every one that is available */
  peers?: string[];
  /** install missing peer packages from Debian before the run (the full benchmark does) */
  installPeers?: boolean;
  /** BENCH_BASELINE_REF, resolved: every case with a berth tool also measures that commit's build */
  baseline?: BaselineRef;
}

export interface BaselineRef {
  /** as given */
  ref: string;
  commit: string;
  /** the abbreviated commit the report names the baseline by (`berth@<short>`) */
  short: string;
}
