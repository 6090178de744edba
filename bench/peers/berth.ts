/**
 * berth as a benchmarked tool: a real `berth serve` (test/helpers/daemon.ts: temporary root, own
 * network namespace, --fix-cgroups) driven through the `berth` CLI, one fresh CLI process per call.
 */
import { existsSync } from 'node:fs';
import { startDaemon, BERTH_BIN, CLI_MAIN, type TestDaemon } from '../../test/helpers/daemon.js';
import { SystemError } from '../../src/common/errors.js';
import { inNetns } from '../lib/netns.js';
import { rssKiB, timedSpawn, timedSpawnOk, type TimedResult } from '../lib/proc.js';

export interface BerthUnderTest {
  daemon: TestDaemon;
  /** the daemon's RSS (KiB) right after it answered its first ping, before any image or container */
  startRssKiB?: number;
  /** the CLI invocation for `berth <args>` against this daemon, run inside its namespace */
  command(args: string[]): [string, string[]];
  /** run the CLI once; throws with the output when it exits non-zero */
  cli(args: string[], timeoutMs?: number): Promise<TimedResult>;
  /** same, without failing on a non-zero exit */
  cliRaw(args: string[], timeoutMs?: number): Promise<TimedResult>;
}

export async function startBerth(
  log: (msg: string) => void,
  onCleanup: (what: string, fn: () => Promise<void>) => void,
  timeoutMs: number,
): Promise<BerthUnderTest> {
  // Checked here because a daemon that cannot start would leave the helper's namespace behind.
  for (const f of [BERTH_BIN, CLI_MAIN]) {
    if (!existsSync(f)) throw new SystemError(`${f} is missing: build berth first (npm run build; npm run bench does it)`, 'ERR_NOT_BUILT');
  }
  log('starting berth serve (temporary root, own netns, --fix-cgroups)');
  const daemon = await startDaemon();
  onCleanup(`berth daemon ${daemon.pid}`, () => daemon.cleanup());
  const command = (args: string[]) => inNetns(daemon.netns, BERTH_BIN, ['-H', `unix://${daemon.socket}`, ...args]);
  const b: BerthUnderTest = {
    daemon,
    startRssKiB: rssKiB(daemon.pid),
    command,
    cli: (args, t = timeoutMs) => timedSpawnOk(...command(args), { timeoutMs: t }),
    cliRaw: (args, t = timeoutMs) => timedSpawn(...command(args), { timeoutMs: t }),
  };
  // The first run bootstraps the busybox image; it is never timed.
  log('bootstrapping busybox with a first, untimed `berth run --rm busybox true`');
  const first = await b.cliRaw(['run', '--rm', 'busybox', 'true'], Math.max(timeoutMs, 180_000));
  if (first.code !== 0) {
    throw new SystemError(`berth run --rm busybox true exited ${first.code}: ${(first.stderr || first.stdout).trim().slice(0, 2000)}`, 'ERR_BERTH_RUN');
  }
  return b;
}
