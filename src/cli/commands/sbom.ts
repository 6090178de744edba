/** `berth sbom`: filled in by its issue's work. */
import type { Command } from 'commander';
import { NotSupportedError } from '../../common/errors.js';
import type { CliContext } from '../context.js';

export function registerSbomCommands(program: Command, _ctx: CliContext): void {
  program.command('sbom').description('Sbom (not available yet)').allowUnknownOption().allowExcessArguments(true)
    .action(() => { throw new NotSupportedError('berth sbom is not available yet'); });
}
