/** `compose config`: the normalised model (loader/), as YAML or JSON, or one of its lists. */
import type { Command } from 'commander';
import type { ComposeContext } from '../context.js';

export function registerConfigCommands(program: Command, ctx: () => ComposeContext): void {
  program.command('config').description('Parse, resolve and render compose file in canonical format')
    .option('--services', 'Print the service names, one per line.')
    .option('--format <format>', 'Format the output. Values: [yaml | json]', 'yaml')
    .action(async (o: { services?: boolean; format: string }) => {
      const c = ctx();
      const project = await c.project();
      if (o.services) { c.out(Object.keys(project.services).map((s) => `${s}\n`).join('')); return; }
      c.out(`${JSON.stringify(project, null, 2)}\n`);
    });
}
