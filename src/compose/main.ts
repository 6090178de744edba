/**
 * `berth compose` (also `berth-compose`, and `docker compose` through the docker CLI plugin): compose
 * v2's commands, flags, output and exit codes, as a client of the Engine API. The caller makes the
 * client; everything else is here.
 *
 * Each command group is a module under commands/ with a `register(program, ctx)`; this file only
 * parses the global options and reports errors the way compose v2 prints them.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { BerthError } from '../common/errors.js';
import { DaemonError } from '../client/engine-client.js';
import { ComposeContext, type ComposeGlobalOptions, type ComposeIO } from './context.js';
import { COMMAND_REGISTRARS } from './commands/index.js';

export { COMPOSE_VERSION } from './version.js';
/** The engine client class of this copy of src/client (the berth CLI makes compose's client with it). */
export { EngineClient } from '../client/engine-client.js';

function collect(value: string, previous: string[] = []): string[] { return [...previous, value]; }

/** An integer, as pflag's int parses it; anything else is a flag error, not an unbounded run. */
function parallelValue(v: string): number {
  if (!/^-?\d+$/.test(v.trim())) throw new InvalidArgumentError(`invalid argument "${v}" for "--parallel" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}

export function buildComposeProgram(io: ComposeIO, getCtx: () => ComposeContext): Command {
  const program = new Command('compose')
    .usage('[OPTIONS] COMMAND')
    .description('Define and run multi-container applications with berth')
    .helpOption('-h, --help', 'Print usage')
    .enablePositionalOptions()
    .allowExcessArguments(false)
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => {} })
    .option('-f, --file <file>', 'Compose configuration files', collect, [])
    .option('-p, --project-name <name>', 'Project name')
    .option('--project-directory <dir>', 'Specify an alternate working directory (default: the path of the first specified Compose file)')
    .option('--profile <profile>', 'Specify a profile to enable', collect, [])
    .option('--env-file <file>', 'Specify an alternate environment file', collect, [])
    .addOption(new Option('--progress <type>', 'Set type of progress output').choices(['auto', 'tty', 'plain', 'json', 'quiet']))
    .addOption(new Option('--ansi <when>', 'Control when to print ANSI control characters').choices(['never', 'always', 'auto']))
    .option('--parallel <n>', 'Control max parallelism, -1 for unlimited', parallelValue)
    .option('--compatibility', 'Run compose in backward compatibility mode (not supported by berth compose: refused)')
    .option('--all-resources', 'Include all resources, even those not used by services');
  program.addHelpCommand(false);
  for (const register of COMMAND_REGISTRARS) register(program, getCtx);
  return program;
}

function globalOptions(program: Command, env: NodeJS.ProcessEnv): ComposeGlobalOptions {
  const o = program.opts();
  // docker-compose 1.x's names and behaviours; refused rather than taken and ignored
  if (o.compatibility || env.COMPOSE_COMPATIBILITY === 'true') {
    throw new BerthError('--compatibility (COMPOSE_COMPATIBILITY) is not supported by berth compose', { code: 'ERR_NOT_SUPPORTED', status: 501, exitCode: 1 });
  }
  return {
    files: o.file ?? [],
    projectName: o.projectName,
    projectDirectory: o.projectDirectory,
    profiles: o.profile ?? [],
    envFiles: o.envFile ?? [],
    progress: o.progress ?? (env.COMPOSE_PROGRESS as ComposeGlobalOptions['progress']),
    ansi: o.ansi ?? (env.COMPOSE_ANSI as ComposeGlobalOptions['ansi']),
    parallel: o.parallel ?? (env.COMPOSE_PARALLEL_LIMIT ? parallelValue(env.COMPOSE_PARALLEL_LIMIT) : undefined),
    allResources: o.allResources,
  };
}

/** Run one compose command line (the words after `compose`); resolves to the exit code. */
export async function runCompose(argv: string[], io: ComposeIO): Promise<number> {
  let ctx: ComposeContext | null = null;
  const program = buildComposeProgram(io, () => (ctx ??= new ComposeContext(io, globalOptions(program, io.env))));
  if (argv.length === 0) { program.outputHelp(); return 0; }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    return reportComposeError(io, e);
  }
}

/** Thrown by a command that has printed what it had to say and exits with a code (ps --status, wait…). */
export class ComposeExit extends BerthError {
  constructor(code: number, message = '') { super(message, { code: 'ERR_EXIT', exitCode: code }); }
}

function reportComposeError(io: ComposeIO, e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.help' || e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    io.stderr.write(`${e.message.replace(/^error: /, '')}\n`);
    return e.exitCode === 0 ? 0 : 1;
  }
  if (e instanceof ComposeExit) {
    if (e.message) io.stderr.write(`${e.message}\n`);
    return e.exitCode;
  }
  // the client is made from this same dist/client module (src/cli/main.ts loadCompose), so classes match
  if (e instanceof DaemonError) {
    io.stderr.write(`Error response from daemon: ${e.message}\n`);
    return 1;
  }
  if (e instanceof BerthError) {
    io.stderr.write(`${e.message}\n`);
    return e.exitCode || 1;
  }
  io.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  return 1;
}
