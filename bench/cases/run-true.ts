/** `berth run --rm busybox true` against bare `crun run` of the same tiny busybox bundle. */
import type { BenchContext } from '../lib/context.js';
import type { BerthUnderTest } from '../peers/berth.js';
import { crunRunTool } from '../peers/crun.js';
import type { Case, Tool } from '../lib/types.js';

function berthCliTool(ctx: BenchContext, name: string, args: string[]): Tool {
  let berth: BerthUnderTest | undefined;
  return {
    name,
    role: 'berth',
    command: `berth ${args.join(' ')}`,
    async setup() { berth = await ctx.berth(); },
    // A fresh CLI process per iteration, as a user would type it.
    async run() { return (await berth!.cli(args)).ms; },
    async teardown() { /* the shared daemon is cleaned up with the context */ },
  };
}

export const runTrueCase: Case = {
  name: 'run --rm busybox true',
  description: 'Create, start, wait for and remove a container running /bin/true, end to end from a fresh CLI process.',
  goalRatio: 5,
  tools: (ctx) => [
    berthCliTool(ctx, 'berth', ['run', '--rm', 'busybox', 'true']),
    berthCliTool(ctx, 'berth --network none', ['run', '--rm', '--network', 'none', 'busybox', 'true']),
    crunRunTool(ctx, { name: 'crun', args: ['/bin/true'] }),
  ],
};
