/** `berth scan`: filled in by its issue's work. */
import type { Command } from 'commander';
import { NotSupportedError } from '../../common/errors.js';
import type { CliContext } from '../context.js';

export function registerScanCommands(program: Command, _ctx: CliContext): void {
  program.command('scan').description('Scan (not available yet)').allowUnknownOption().allowExcessArguments(true)
    .action(() => { throw new NotSupportedError('berth scan is not available yet'); });
}
