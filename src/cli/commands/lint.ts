/** `berth lint`: filled in by its issue's work. */
import type { Command } from 'commander';
import { NotSupportedError } from '../../common/errors.js';
import type { CliContext } from '../context.js';

export function registerLintCommands(program: Command, _ctx: CliContext): void {
  program.command('lint').description('Lint (not available yet)').allowUnknownOption().allowExcessArguments(true)
    .action(() => { throw new NotSupportedError('berth lint is not available yet'); });
}
