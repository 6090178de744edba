/** `berth audit`: filled in by its issue's work. */
import type { Command } from 'commander';
import { NotSupportedError } from '../../common/errors.js';
import type { CliContext } from '../context.js';

export function registerAuditCommands(program: Command, _ctx: CliContext): void {
  program.command('audit').description('Audit (not available yet)').allowUnknownOption().allowExcessArguments(true)
    .action(() => { throw new NotSupportedError('berth audit is not available yet'); });
}
