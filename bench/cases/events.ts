/**
 * berth events: a replay of 1k, 5k and 10k recorded events (the log's whole bound) from a fresh CLI
 * process, `berth events --since <t0> --until <t1>` over the window the set-up recorded (volume
 * create/remove pairs through the Engine API: two events each). The window is given in unix seconds,
 * which is what `--since 1h --until 0s` becomes after the CLI's own conversion, so other cases' events
 * on the shared daemon stay out of the count.
 *
 * berth only: dockerd keeps its last 256 events in memory (moby's eventsLimit), so it cannot replay 1k,
 * let alone 10k; a docker case of 256 events would measure something else.
 */
import type { Case } from '../lib/types.js';
import type { BenchContext } from '../lib/context.js';
import { enginesFor, type Engine } from '../peers/engine.js';
import { api, engineTool, mapLimit } from './engine-tool.js';

const LONG = 600_000;

/** Record `n` events (n/2 volume create + remove pairs); the window they fall in, in unix seconds. */
async function recordEvents(e: Engine, n: number): Promise<{ since: string; until: string }> {
  const since = (Date.now() - 1) / 1000;
  const pairs = Array.from({ length: Math.ceil(n / 2) }, (_, i) => `bench-ev-${process.pid}-${i}`);
  await mapLimit(pairs, 8, async (name) => {
    await api(e, 'POST', '/volumes/create', { Name: name });
    await api(e, 'DELETE', `/volumes/${name}`);
  });
  const until = (Date.now() + 1) / 1000;
  return { since: since.toFixed(3), until: until.toFixed(3) };
}

function replayCase(n: number, smokeN: number): Case {
  return {
    name: `events replay of ${n / 1000}k events`,
    description: `\`berth events --since <t0> --until <t1>\` over a window holding ${n} recorded events (${smokeN} in smoke mode; volume create/destroy), from a fresh CLI process to its exit: the SQLite read, the API stream and the CLI's plain lines.`,
    maxIterations: 10,
    series: (ctx: BenchContext) => ({ name: 'berth events replay', size: ctx.size(n, smokeN), unit: 'event' }),
    tools: (ctx) => enginesFor(ctx).filter((k) => k === 'berth').map((k) => {
      let window: { since: string; until: string } | undefined;
      const size = ctx.size(n, smokeN);
      return engineTool(ctx, k, {
        args: ['events', '--filter', 'type=volume', '--since', '<t0>', '--until', '<t1>'],
        async setup(e) { window = await recordEvents(e, size); },
        async run(e) {
          // the shared daemon may record events of its own (a health probe, a container's teardown) in the window
          const r = await e.cli(['events', '--filter', 'type=volume', '--since', window!.since, '--until', window!.until], LONG);
          const lines = r.stdout.split('\n').filter((l) => l.includes(`bench-ev-${process.pid}-`)).length;
          if (lines !== size) throw new Error(`replayed ${lines} events, expected ${size}`);
          return r.ms;
        },
      });
    }),
  };
}

export const EVENTS_CASES: Case[] = [replayCase(1000, 100), replayCase(5000, 200), replayCase(10_000, 400)];
