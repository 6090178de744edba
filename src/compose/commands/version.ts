/** `compose version`: berth's compose, versioned as the compose v2 release whose behaviour it follows. */
import type { Command } from 'commander';
import type { ComposeContext } from '../context.js';
import { composeError } from '../ops/errors.js';
import { COMPOSE_VERSION } from '../version.js';

export function registerVersionCommand(program: Command, ctx: () => ComposeContext): void {
  program.command('version').usage('[OPTIONS]').description('Show the Docker Compose version information')
    .option('-f, --format <format>', 'Format the output. Values: [pretty | json]. (Default: pretty)')
    .option('--short', "Shows only Compose's version number")
    .action((o: { format?: string; short?: boolean }) => {
      const c = ctx();
      const v = `v${COMPOSE_VERSION.replace(/^v/, '')}`;
      if (o.short) { c.out(`${v.slice(1)}\n`); return; }
      if (o.format === 'json') { c.out(`${JSON.stringify({ version: v })}\n`); return; }
      if (o.format && o.format !== 'pretty') throw composeError(`format value "${o.format}" could not be parsed`, 'ERR_USAGE');
      c.out(`berth compose version ${v}\n`);
    });
}
