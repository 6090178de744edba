/**
 * berth as a benchmarked tool: a real `berth serve` of one build (bench/peers/berth-daemon.ts: its
 * own root and network namespace, --fix-cgroups) driven through that build's `berth` CLI, one fresh
 * CLI process per call.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BenchError } from '../lib/errors.js';
import { inNetns } from '../lib/netns.js';
import { benchEnv, memoryBreakdown, rssKiB, timedSpawn, timedSpawnOk, type MemoryBreakdown, type TimedResult } from '../lib/proc.js';
import type { BerthBuild } from './berth-build.js';
import { startBerthDaemon, type BerthDaemon } from './berth-daemon.js';

export interface BerthUnderTest {
  build: BerthBuild;
  daemon: BerthDaemon;
  /** the daemon's RSS (KiB) right after it answered its first ping, before any image or container */
  startRssKiB?: number;
  /** the same moment's RssAnon / RssFile / Pss (bench/lib/memory-lines.ts) */
  startMemory?: MemoryBreakdown;
  /** the CLI invocation for `berth <args>` against this daemon, run inside its namespace */
  command(args: string[]): [string, string[]];
  /** run the CLI once; throws with the output when it exits non-zero */
  cli(args: string[], timeoutMs?: number, env?: NodeJS.ProcessEnv): Promise<TimedResult>;
  /** same, without failing on a non-zero exit */
  cliRaw(args: string[], timeoutMs?: number, env?: NodeJS.ProcessEnv): Promise<TimedResult>;
}

/** The CLI's environment: a CLI that finds no daemon must fail, never start one of its own. */
export function berthCliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return benchEnv({ BERTH_NO_AUTOSTART: '1', ...extra });
}

export async function startBerth(
  build: BerthBuild,
  base: string,
  log: (msg: string) => void,
  onCleanup: (what: string, fn: () => Promise<void>) => void,
  timeoutMs: number,
  /** more `berth serve` arguments */
  extraArgs: string[] = [],
  /** more environment for the daemon */
  daemonEnv: NodeJS.ProcessEnv = {},
): Promise<BerthUnderTest> {
  // Checked here, before a namespace exists, so a missing build leaves nothing behind.
  for (const f of [build.bin, join(build.repo, 'dist', 'cli')]) {
    if (!existsSync(f)) throw new BenchError(`${f} is missing: build berth first (npm run build; npm run bench does it)`, 'ERR_NOT_BUILT');
  }
  log(`starting ${build.label} serve (root under ${base}, own netns, --fix-cgroups)`);
  const daemon = await startBerthDaemon(build, base, extraArgs, daemonEnv);
  log(`${build.label} serve is pid ${daemon.pid} in created netns ${daemon.netns}`);
  onCleanup(`${build.label} daemon ${daemon.pid}`, () => daemon.cleanup());
  const command = (args: string[]) => inNetns(daemon.netns, build.bin, ['-H', `unix://${daemon.socket}`, ...args]);
  const b: BerthUnderTest = {
    build,
    daemon,
    startRssKiB: rssKiB(daemon.pid),
    startMemory: memoryBreakdown(daemon.pid),
    command,
    cli: (args, t = timeoutMs, env) => timedSpawnOk(...command(args), { timeoutMs: t, env: berthCliEnv(env) }),
    cliRaw: (args, t = timeoutMs, env) => timedSpawn(...command(args), { timeoutMs: t, env: berthCliEnv(env) }),
  };
  // The first run bootstraps the busybox image; it is never timed.
  log(`bootstrapping busybox with a first, untimed \`${build.label} run --rm busybox true\``);
  const first = await b.cliRaw(['run', '--rm', 'busybox', 'true'], Math.max(timeoutMs, 180_000));
  if (first.code !== 0) {
    throw new BenchError(`${build.label} run --rm busybox true exited ${first.code}: ${(first.stderr || first.stdout).trim().slice(0, 2000)}`, 'ERR_BERTH_RUN');
  }
  return b;
}
