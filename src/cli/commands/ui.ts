/**
 * `berth ui`: asks the daemon (over its unix socket, the only place that hands them out) for a one-time
 * dashboard token, which also starts the dashboard on loopback if it is not running, and prints the URL
 * that carries it: one line a script can read, or JSON with --format json.
 */
import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import type { CliContext } from '../context.js';
import { DaemonError } from '../../client/engine-client.js';

interface TokenAnswer { URL: string; Token: string; ExpiresAt: string; Address: string }

export function registerUiCommands(program: Command, ctx: CliContext): void {
  program.command('ui').usage('[OPTIONS]')
    .description('Print a one-time URL to the dashboard (started on a loopback port if needed)')
    .option('--format <string>', 'Output: the URL (default) or json', '')
    .action(async (o: { format: string }) => {
      if (o.format !== '' && o.format !== 'json') throw new UsageError(`invalid --format ${o.format}: use json, or no --format for the URL`);
      const client = await ctx.client();
      const answer = await client.json<TokenAnswer>('POST', '/berth/ui/session-token').catch((e: unknown) => {
        // dockerd (or a berth older than the dashboard) has no such endpoint
        if (e instanceof DaemonError && e.statusCode === 404) throw new DaemonError(404, 'this daemon has no dashboard: `berth ui` needs a berth daemon that serves one (berth serve)');
        throw e;
      });
      if (o.format === 'json') ctx.out(JSON.stringify(answer, null, 2) + '\n');
      else ctx.out(`${answer.URL}\n`);
      if (o.format === '' && process.stderr.isTTY) ctx.err(`berth ui: open this URL in a browser; the token works once, until ${answer.ExpiresAt}\n`);
    });
}
