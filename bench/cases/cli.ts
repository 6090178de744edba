/**
 * The berth CLI's own start cost: `berth version`, `berth ps -a` (0 / 50 / 200 / 1,000 containers, one
 * series), `berth logs`, `berth exec` and `berth run --rm --network none busybox true` through
 * bin/berth, against the benchmark's berth daemon; the docker CLI against the same socket (DOCKER_HOST)
 * is the peer. With BENCH_BASELINE_REF set, the baseline build's bin/berth runs the same commands
 * against its own daemon, as `berth@<ref> CLI`.
 */
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.js';
import type { Case, Tool } from '../lib/types.js';
import { benchEnv, timedSpawnOk } from '../lib/proc.js';
import { DOCKER_CLI, peerAvailable } from '../peers/availability.js';
import { engine, engineLabel, enginesFor, type Engine } from '../peers/engine.js';
import { api, BENCH_LABEL, createContainers, removeBenchContainers } from './engine-tool.js';

const LONG = 600_000;

/**
 * What a case's tools share on one daemon (the berth CLI and the docker CLI talk to the same one;
 * the baseline has its own): made by the daemon's first set-up, its bench containers removed by the
 * last teardown.
 */
function sharedFixture(prepare?: (e: Engine) => Promise<void>) {
  const perDaemon = new Map<string, { users: number; created?: Promise<void> }>();
  return {
    async acquire(e: Engine): Promise<void> {
      const d = perDaemon.get(e.socket!) ?? { users: 0 };
      perDaemon.set(e.socket!, d);
      d.users++;
      if (prepare) await (d.created ??= prepare(e));
    },
    async release(e: Engine): Promise<void> {
      const d = perDaemon.get(e.socket!);
      if (!d) return;
      d.users--;
      if (d.users === 0 && d.created) { d.created = undefined; await removeBenchContainers(e, LONG); }
    },
  };
}

type Fixture = ReturnType<typeof sharedFixture>;

/** `n` created (never started) containers, for the ps cases */
function sharedContainers(n: number): Fixture {
  return sharedFixture(n ? (e) => createContainers(e, n, LONG * 2) : undefined);
}

/** The running container the logs and exec cases use: 200 lines of output, then asleep. */
const LOGGER = 'berth-cli-bench-logger';

async function startLogger(e: Engine): Promise<void> {
  const label = BENCH_LABEL.split('=');
  await api(e, 'POST', `/containers/create?name=${LOGGER}`, {
    Image: 'busybox', Cmd: ['sh', '-c', 'seq 1 200; sleep 3600'], Labels: { [label[0]]: label[1] }, HostConfig: { NetworkMode: 'none' },
  });
  await api(e, 'POST', `/containers/${LOGGER}/start`);
  // the 200 lines are in the log before the first timed call
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await e.cli(['logs', '--tail', '1', LOGGER], LONG);
    if (r.stdout.trim() === '200') break;
    if (Date.now() > deadline) throw new Error(`${LOGGER} did not log its 200 lines within 30 s`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** berth / berth-baseline: that build's bin/berth against its own daemon; docker: the docker CLI against berth's */
type CliKind = 'berth' | 'berth-baseline' | 'docker';

function cliStartTool(ctx: BenchContext, kind: CliKind, args: string[], containers: Fixture): Tool {
  let e: Engine | undefined;
  const name = kind === 'docker' ? 'docker CLI → berth serve' : `${engineLabel(ctx, kind)} CLI`;
  const command = kind === 'docker' ? `DOCKER_HOST=unix://<berth.sock> docker ${args.join(' ')}`
    : kind === 'berth-baseline' ? `<worktree of ${ctx.options.baseline!.short}>/bin/berth -H unix://<its berth.sock> ${args.join(' ')}`
    : `bin/berth -H unix://<berth.sock> ${args.join(' ')}`;
  const call = () => {
    if (kind !== 'docker') return e!.cli(args, ctx.options.runTimeoutMs);
    return timedSpawnOk('nsenter', [`--net=/run/netns/${e!.netns}`, DOCKER_CLI, ...args], {
      timeoutMs: ctx.options.runTimeoutMs,
      env: { ...benchEnv({ DOCKER_CONFIG: join(ctx.workDir, 'docker-cli-config') }), DOCKER_HOST: `unix://${e!.socket}` },
    });
  };
  return {
    name,
    role: kind === 'docker' ? 'peer' : 'berth',
    command,
    ...(kind === 'berth-baseline' ? { baselineOf: `${engineLabel(ctx, 'berth')} CLI` } : {}),
    async setup() {
      e = await engine(ctx, kind === 'docker' ? 'berth' : kind);
      await containers.acquire(e);
    },
    run: async () => (await call()).ms,
    async teardown() { if (e) await containers.release(e); },
  };
}

function cliCase(name: string, description: string, args: string[], fixture: (ctx: BenchContext) => Fixture = () => sharedFixture(), extra: Partial<Case> = {}): Case {
  return {
    name,
    description,
    ...extra,
    tools: (ctx) => {
      const containers = fixture(ctx);
      const kinds: CliKind[] = [...enginesFor(ctx, ['berth']) as CliKind[], ...(peerAvailable(ctx, 'docker-cli') ? ['docker' as const] : [])];
      return kinds.map((k) => cliStartTool(ctx, k, args, containers));
    },
  };
}

const HOW = 'one fresh CLI process per call, inside the daemon\'s namespace; the docker CLI 28 client against the same berth serve (DOCKER_HOST) is the peer, and with BENCH_BASELINE_REF the bin/berth of that ref against its own daemon is a second berth row.';

export const cliVersionCase: Case = cliCase(
  'berth CLI start: version',
  `\`version\` (client facts and one GET /version): the CLI's start-up cost with the least work, ${HOW}`,
  ['version'],
);

function psCase(full: number, smoke: number): Case {
  return cliCase(
    full === 0 ? 'berth CLI start: ps -a, no containers' : `berth CLI start: ps -a with ${full} containers`,
    `\`ps -a\` listing ${full === 0 ? 'no containers' : `${full} created containers (${smoke} in smoke mode; created through the Engine API, untimed)`}: how the cost grows with the work, ${HOW}`,
    ['ps', '-a'],
    (ctx) => sharedContainers(ctx.size(full, smoke)),
    {
      // one curve over 0, 50, 200 and 1,000 containers in the report
      series: (ctx) => ({ name: 'berth CLI start: ps -a', size: ctx.size(full, smoke), unit: 'container' }),
      ...(full === 1000 ? { goal: '< 60 ms end to end (issue 27)' } : {}),
    },
  );
}

export const cliPs0Case = psCase(0, 0);
export const cliPs50Case = psCase(50, 5);
export const cliPs200Case = psCase(200, 10);
export const cliPs1000Case = psCase(1000, 20);

export const cliLogsCase: Case = cliCase(
  'berth CLI start: logs',
  `\`logs\` of a running container that has written 200 lines (inspect, then the multiplexed log stream), ${HOW}`,
  ['logs', LOGGER],
  () => sharedFixture(startLogger),
);

export const cliExecCase: Case = cliCase(
  'berth CLI start: exec true',
  `\`exec\` of \`true\` in a running container (create the exec, hijack its start, wait for its exit code), ${HOW}`,
  ['exec', LOGGER, 'true'],
  () => sharedFixture(startLogger),
);

export const cliRunCase: Case = cliCase(
  'berth CLI start: run --rm --network none busybox true',
  `\`run --rm --network none busybox true\` end to end (create, attach, start, wait, remove), ${HOW}`,
  ['run', '--rm', '--network', 'none', 'busybox', 'true'],
);

export const CLI_START_CASES: Case[] = [cliVersionCase, cliPs0Case, cliPs50Case, cliPs200Case, cliPs1000Case, cliLogsCase, cliExecCase, cliRunCase];
