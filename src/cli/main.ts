/**
 * `berth`: an Engine API client with Docker's verbs, flags, output and exit codes.
 * Imports only node built-ins, commander and the CLI's own modules (start-up latency);
 * `berth serve` is handed to the daemon module, loaded only then.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { BerthError, InstallError } from '../common/errors.js';
import { installErrorOf } from '../common/install-check.js';
import { GLOBAL_FLAGS, GLOBAL_WITH_VALUE } from '../common/global-options.js';
import { normalizeFlagForms, targetCommand } from './flag-forms.js';
import { CliContext, ExitError, formatError, PartialFailure, type GlobalOptions } from './context.js';
import { DaemonError, type EngineClient } from '../client/engine-client.js';
import { registerContainerCommands, inspectObjects } from './commands/containers.js';
import { registerImageCommands } from './commands/images.js';
import { registerRegistryCommands } from './commands/registry.js';
import { registerCreateCommand, registerRunCommand, registerStartCommands } from './commands/run.js';
import { berthVersion, registerSystemCommands } from './commands/system.js';
import { registerControlCommands } from './commands/controls.js';
import { registerNetworkCommands, registerPortCommand } from './commands/network.js';
import { registerVolumeCommands } from './commands/volume.js';
import { registerSecretCommands } from './commands/secret.js';
import { registerBuildCommands } from './commands/build.js';
import { registerCompletionCommands } from './commands/completion.js';
import { registerSbomCommands } from './commands/sbom.js';
import { registerScanCommands } from './commands/scan.js';
import { registerLintCommands } from './commands/lint.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerSignCommands } from './commands/sign.js';
import { registerUiCommands } from './commands/ui.js';
import { registerContextCommands } from './commands/context.js';
import { registerKubeCommands } from './commands/kube.js';

const GROUPS = new Set(['container', 'image', 'system', 'completion', 'kube']);

interface PreScan { globals: string[]; rest: string[]; commandPath: string[] }

/** Split argv into global options and the rest, and find the command path for error messages. */
export function preScan(argv: string[]): PreScan {
  const globals: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const a = argv[i];
    const name = a.includes('=') && a.startsWith('--') ? a.slice(0, a.indexOf('=')) : a;
    if (GLOBAL_WITH_VALUE.has(name)) {
      globals.push(a);
      if (name === a) { if (i + 1 < argv.length) globals.push(argv[i + 1]); i += 2; } else i++;
      continue;
    }
    if (GLOBAL_FLAGS.has(a)) { globals.push(a); i++; continue; }
    break;
  }
  const rest = argv.slice(i);
  const commandPath: string[] = [];
  if (rest[0] && !rest[0].startsWith('-')) {
    commandPath.push(rest[0]);
    if (GROUPS.has(rest[0]) && rest[1] && !rest[1].startsWith('-')) commandPath.push(rest[1]);
  }
  return { globals, rest, commandPath };
}

function globalValue(globals: string[], names: string[]): string | undefined {
  let v: string | undefined;
  for (let i = 0; i < globals.length; i++) {
    const a = globals[i];
    for (const n of names) {
      if (a === n) v = globals[i + 1];
      else if (a.startsWith(`${n}=`)) v = a.slice(n.length + 1);
    }
  }
  return v;
}

/**
 * The global options every client command honours. --config names the docker config directory
 * (contexts, credentials, output formats) for everything that reads it, as DOCKER_CONFIG does.
 */
function cliGlobals(globals: string[]): GlobalOptions {
  const config = globalValue(globals, ['--config']);
  if (config) process.env.DOCKER_CONFIG = config;
  return { host: globalValue(globals, ['-H', '--host']), logLevel: globalValue(globals, ['-l', '--log-level']), context: globalValue(globals, ['-c', '--context']) };
}

type Groups = { container: Command; image: Command; system: Command };

/**
 * Who defines which command ("run", "container ls"). A CLI run registers only the registrars of its
 * own command (a few ms less than all ~100 commands with their options); help, an unknown command
 * or a path not listed here gets them all. A registrar is also handed the exact path when the table
 * names it, and may then define that command alone (`containers` does). test/cli/registrars.test.ts
 * checks this table against what each registrar really defines.
 */
export const REGISTRARS: Array<{ name: string; commands: string[]; register: (p: Command, ctx: CliContext, g: Groups, only?: string[]) => void }> = [
  { name: 'run', commands: ['run'], register: (p, ctx) => registerRunCommand(p, ctx) },
  { name: 'container run', commands: ['container run'], register: (p, ctx, g) => registerRunCommand(g.container, ctx) },
  { name: 'create', commands: ['create'], register: (p, ctx) => registerCreateCommand(p, ctx) },
  { name: 'container create', commands: ['container create'], register: (p, ctx, g) => registerCreateCommand(g.container, ctx) },
  { name: 'start', commands: ['start', 'attach', 'container start', 'container attach'], register: (p, ctx, g) => registerStartCommands(p, ctx, g.container) },
  { name: 'containers', commands: ['ps', 'logs', 'exec', 'stop', 'restart', 'kill', 'pause', 'unpause', 'rename', 'rm', 'wait', 'top', 'diff', 'commit', 'export', 'cp',
    'container ps', 'container ls', 'container list', 'container logs', 'container exec', 'container stop', 'container restart', 'container kill',
    'container pause', 'container unpause', 'container rename', 'container rm', 'container remove', 'container wait', 'container top', 'container diff', 'container prune',
    'container commit', 'container export', 'container inspect', 'container cp'], register: (p, ctx, g, only) => registerContainerCommands(p, ctx, g.container, only) },
  { name: 'images', commands: ['images', 'tag', 'rmi', 'history', 'import', 'image ls', 'image list', 'image tag', 'image rm', 'image remove', 'image history', 'image inspect',
    'image prune', 'image import', 'image bootstrap'], register: (p, ctx, g) => registerImageCommands(p, ctx, g.image) },
  { name: 'registry', commands: ['pull', 'push', 'login', 'logout', 'save', 'load', 'registry', 'image pull', 'image push', 'image save', 'image load'],
    register: (p, ctx, g) => registerRegistryCommands(p, ctx, g.image) },
  { name: 'system', commands: ['version', 'info', 'events', 'system info', 'system events'], register: (p, ctx, g) => registerSystemCommands(p, ctx, g.system) },
  { name: 'controls', commands: ['stats', 'update', 'container stats', 'container update', 'system df', 'system prune'], register: (p, ctx, g) => registerControlCommands(p, ctx, g.container, g.system) },
  { name: 'network', commands: ['network'], register: (p, ctx) => registerNetworkCommands(p, ctx) },
  { name: 'volume', commands: ['volume'], register: (p, ctx) => registerVolumeCommands(p, ctx) },
  { name: 'secret', commands: ['secret'], register: (p, ctx) => registerSecretCommands(p, ctx) },
  { name: 'build', commands: ['build', 'builder', 'image build'], register: (p, ctx, g) => registerBuildCommands(p, ctx, g.image) },
  { name: 'completion', commands: ['completion', '__complete'], register: (p, ctx) => registerCompletionCommands(p, ctx, () => buildProgram(ctx)) },
  { name: 'port', commands: ['port', 'container port'], register: (p, ctx, g) => { registerPortCommand(p, ctx); registerPortCommand(g.container, ctx); } },
  { name: 'sbom', commands: ['sbom'], register: (p, ctx) => registerSbomCommands(p, ctx) },
  { name: 'scan', commands: ['scan'], register: (p, ctx) => registerScanCommands(p, ctx) },
  { name: 'lint', commands: ['lint'], register: (p, ctx) => registerLintCommands(p, ctx) },
  { name: 'audit', commands: ['audit'], register: (p, ctx) => registerAuditCommands(p, ctx) },
  { name: 'sign', commands: ['sign', 'verify', 'key'], register: (p, ctx) => registerSignCommands(p, ctx) },
  { name: 'ui', commands: ['ui'], register: (p, ctx) => registerUiCommands(p, ctx) },
  { name: 'context', commands: ['context'], register: (p, ctx) => registerContextCommands(p, ctx) },
  { name: 'kube', commands: ['kube'], register: (p, ctx) => registerKubeCommands(p, ctx) },
];

/** The registrars that define the command at `path`; all of them when the path is not in the table. */
export function registrarsFor(path: string[]): typeof REGISTRARS {
  const key = path.join(' ');
  let hits = REGISTRARS.filter((r) => r.commands.includes(key));
  // a group that one registrar defines whole ("kube play"): that registrar
  if (hits.length === 0 && path.length > 1) hits = REGISTRARS.filter((r) => r.commands.includes(path[0]));
  return hits.length > 0 ? hits : REGISTRARS;
}

/** The whole program, or with `only` (a command path) just what that command needs. */
export function buildProgram(ctx: CliContext, only?: string[]): Command {
  const program = new Command('berth')
    .usage('[OPTIONS] COMMAND')
    .description('A container engine that does the job of Docker on one Linux host')
    .helpOption('--help', 'Print usage')
    .enablePositionalOptions()
    .allowExcessArguments(false)
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: () => {}, outputError: () => {} })
    .option('-H, --host <host>', 'Daemon socket to connect to (unix:///path)')
    .option('-c, --context <string>', 'Name of the context to use to connect to the daemon (overrides DOCKER_HOST env var and default context set with "berth context use")')
    .option('--config <string>', 'Location of client config files (contexts, credentials)')
    .option('-l, --log-level <level>', 'Set the logging level ("debug", "info", "warn", "error", "fatal")', 'info')
    .option('-D, --debug', 'Enable debug mode')
    .option('-v, --version', 'Print version information and quit');
  program.addHelpCommand(false);

  const container = program.command('container').usage('COMMAND').description('Manage containers');
  const image = program.command('image').usage('COMMAND').description('Manage images');
  const system = program.command('system').usage('COMMAND').description('Manage berth');
  for (const g of [container, image, system]) g.allowExcessArguments(false);

  const groups = { container, image, system };
  const chosen = only ? registrarsFor(only) : REGISTRARS;
  // a path the table names exactly ("stop", "container ls"): a registrar may define just that command
  const exact = only && REGISTRARS.some((r) => r.commands.includes(only.join(' '))) ? only : undefined;
  for (const r of chosen) r.register(program, ctx, groups, exact);

  program.command('inspect').usage('[OPTIONS] NAME|ID [NAME|ID...]').description('Return low-level information on berth objects')
    .argument('<names...>')
    .option('-f, --format <string>', 'Format output using a custom template')
    .option('-s, --size', 'Display total file sizes if the type is container')
    .option('--type <string>', 'Only inspect objects of the given type')
    .action(async (names: string[], o: any) => inspectObjects(ctx, names, { type: o.type, format: o.format, size: o.size }));

  program.command('serve').description('Run the berth daemon (Engine API server)').allowUnknownOption().helpOption(false);
  return program;
}

function findCommand(program: Command, path: string[]): Command {
  let cmd = program;
  for (const p of path) {
    const next = cmd.commands.find((c) => c.name() === p || c.aliases().includes(p));
    if (!next) break;
    cmd = next;
  }
  return cmd;
}

function commandName(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** commander's parse errors in Docker's words; flag errors exit 125, argument-count errors 1. */
function reportCommanderError(program: Command, path: string[], e: CommanderError): number {
  const cmd = findCommand(program, path);
  const full = commandName(cmd);
  const usage = `Usage:  ${full} ${cmd.usage()}`.trimEnd();
  const more = `Run '${full} --help' for more information`;
  const quoted = /'([^']*)'/.exec(e.message)?.[1] ?? '';
  switch (e.code) {
    case 'commander.unknownOption': {
      const flag = quoted;
      const msg = flag.startsWith('--') ? `unknown flag: ${flag}` : `unknown shorthand flag: '${flag.replace(/^-/, '').charAt(0)}' in ${flag}`;
      process.stderr.write(`${msg}\n\n${usage}\n\n${more}\n`);
      return 125;
    }
    case 'commander.optionMissingArgument': {
      const flags = /option '([^']*)'/.exec(e.message)?.[1] ?? '';
      const long = /--[\w-]+/.exec(flags)?.[0];
      const short = /(^|[ ,])-(\w)\b/.exec(flags)?.[2];
      const used = process.argv.slice(2).reverse().find((a) => a === long || (short && a.startsWith('-') && !a.startsWith('--') && a.endsWith(short)));
      const msg = used && short && !used.startsWith('--') ? `flag needs an argument: '${short}' in ${used}` : `flag needs an argument: ${long ?? flags}`;
      process.stderr.write(`${msg}\n\n${usage}\n\n${more}\n`);
      return 125;
    }
    case 'commander.invalidArgument':
      process.stderr.write(`${e.message.replace(/^error: /, '')}\n\n${usage}\n\n${more}\n`);
      return 125;
    case 'commander.missingArgument': {
      const n = cmd.registeredArguments.filter((a) => a.required).length;
      process.stderr.write(`berth: '${full}' requires at least ${n} argument${n === 1 ? '' : 's'}\n\n${usage}\n\nSee '${full} --help' for more information\n`);
      return 1;
    }
    case 'commander.excessArguments': {
      const max = cmd.registeredArguments.length;
      const msg = max === 0 ? `'${full}' accepts no arguments` : `'${full}' requires at most ${max} argument${max === 1 ? '' : 's'}`;
      process.stderr.write(`berth: ${msg}\n\n${usage}\n\n${more}\n`);
      return 1;
    }
    case 'commander.unknownCommand':
      process.stderr.write(`berth: unknown command: ${full} ${quoted}\n\nRun '${full} --help' for more information\n`);
      return 1;
    case 'commander.help': case 'commander.helpDisplayed': case 'commander.version':
      return 0;
    default:
      process.stderr.write(`${e.message.replace(/^error: /, '')}\n`);
      return e.exitCode === 0 ? 0 : 125;
  }
}

export async function main(argv: string[]): Promise<number> {
  // the other ways into compose: cli-plugins/docker-compose and bin/berth-compose
  if (argv[0] === '--docker-cli-plugin') {
    const { runDockerPlugin } = await import('./docker-plugin.js');
    try {
      return await runDockerPlugin(argv.slice(1), loadCompose);
    } catch (e) {
      if (!(e instanceof BerthError) || e instanceof InstallError) throw e;
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
  }
  if (argv[0] === '--compose-standalone') {
    const standalone = preScan(argv.slice(1));
    return runComposeCommand({ ...standalone, rest: ['compose', ...standalone.rest] });
  }
  const scan = preScan(argv);
  if (scan.rest[0] === 'serve') {
    // the daemon: loaded only here so that client commands never pay for its imports
    const serveArgs = [...scan.globals.filter((g) => g !== '-D' && g !== '--debug'), ...scan.rest.slice(1)];
    // an install that cannot load the daemon's modules (node_modules, native modules, dist/) is one
    // line naming the piece and the fix, here and for errors of the start (a native module opens late)
    try {
      const mod = await import('../daemon/serve.js' as string) as { main: (argv: string[]) => Promise<number | void> };
      const code = await mod.main(serveArgs);
      return typeof code === 'number' ? code : 0;
    } catch (e) {
      throw installErrorOf(e, repoDir()) ?? e;
    }
  }
  if (scan.rest[0] === 'compose') return runComposeCommand(scan);
  if (scan.rest[0] === '-v' || scan.rest[0] === '--version') {
    process.stdout.write(`berth version ${berthVersion()}\n`);
    return 0;
  }
  const ctx = new CliContext(cliGlobals(scan.globals));
  // a command's own registrars only, unless help is asked for (the help lists every command)
  const wantsHelp = scan.rest.includes('--help') || scan.rest.includes('-h') || scan.commandPath[0] === 'help';
  const program = buildProgram(ctx, scan.commandPath.length > 0 && !wantsHelp ? scan.commandPath : undefined);
  if (scan.rest.length === 0) {
    program.outputHelp();
    return 0;
  }
  if (scan.commandPath.length === 1 && GROUPS.has(scan.commandPath[0]) && scan.rest.length === 1) {
    findCommand(program, scan.commandPath).outputHelp();
    return 0;
  }
  // errors name the command that was run ("berth context rm"), however deep
  let errorPath = scan.commandPath;
  try {
    const { cmd, start } = targetCommand(program, scan.rest);
    if (cmd !== program) errorPath = commandName(cmd).split(' ').slice(1);
    // a group given alone (`berth context`, `berth volume`) prints its help, as docker does
    if (cmd !== program && start === scan.rest.length && cmd.commands.length > 0 && !(cmd as unknown as { _actionHandler?: unknown })._actionHandler) {
      cmd.outputHelp();
      return 0;
    }
    const args = [...scan.globals, ...scan.rest.slice(0, start), ...normalizeFlagForms(cmd, scan.rest.slice(start))];
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (e) {
    return reportError(program, errorPath, e);
  }
}

/**
 * `berth compose …`: compose's own module, loaded only for it (the CLI bundle stays small); it gets an
 * engine client made as every other command's (-H, BERTH_HOST, DOCKER_HOST, autostart).
 */
async function runComposeCommand(scan: PreScan): Promise<number> {
  const mod = await loadCompose();
  const ctx = new CliContext(cliGlobals(scan.globals), mod.EngineClient);
  return mod.runCompose(scan.rest.slice(1), {
    client: () => ctx.client(), env: process.env, cwd: process.cwd(),
    stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, commandName: 'berth compose',
  });
}

/** What the CLI takes from compose's own modules. */
export interface ComposeModules {
  runCompose: (argv: string[], io: unknown) => Promise<number>;
  COMPOSE_VERSION: string;
  EngineClient: typeof EngineClient;
}

/**
 * compose's bundle (dist/compose/compose.cjs), loaded only when a compose command runs, so the CLI's
 * own bundle stays small. It carries its own copy of src/client: the engine client compose is given
 * must be made from that copy's EngineClient, or compose's `instanceof DaemonError` would never match
 * what the client throws.
 */
async function loadCompose(): Promise<ComposeModules> {
  try {
    // a URL, which the bundler leaves alone; from src (tests) the module itself
    const url = import.meta.url.endsWith('.cjs') ? new URL('../compose/compose.cjs', import.meta.url).href : '../compose/main.js';
    const mod = await import(url);
    return { runCompose: mod.runCompose, COMPOSE_VERSION: mod.COMPOSE_VERSION, EngineClient: mod.EngineClient };
  } catch (e) {
    throw installErrorOf(e, repoDir()) ?? e;
  }
}

/** The clone this CLI runs from: dist/cli/berth.cjs, dist/cli/main.js and src/cli/main.ts are two levels down. */
function repoDir(): string {
  return fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
}

export function reportError(program: Command, path: string[], e: unknown): number {
  const install = installErrorOf(e, repoDir());
  if (install) return reportInstallError(install);
  if (e instanceof CommanderError) return reportCommanderError(program, path, e);
  if (e instanceof ExitError) {
    if (e.message) process.stderr.write(`${e.message}\n`);
    return e.exitCode;
  }
  if (e instanceof PartialFailure) return 1;
  // the daemon's errors exit 1 whatever their code, as the docker CLI's (run/create wrap theirs in RunError)
  if (e instanceof DaemonError) {
    process.stderr.write(`${formatError(e)}\n`);
    // the admission policy's refusal is a daemon-side refusal of the request, as Docker's 125
    return e.code === 'ERR_POLICY_DENIED' ? 125 : e.exitCode;
  }
  if (e instanceof BerthError) {
    if (e.code === 'ERR_USAGE') {
      const cmd = findCommand(program, path);
      const full = commandName(cmd);
      process.stderr.write(`berth: ${e.message}\n\nRun '${full} --help' for more information\n`);
      return 125;
    }
    if (e.code === 'ERR_RUN') {
      process.stderr.write(`berth: ${e.message}\n`);
      return e.exitCode;
    }
    if (e.code === 'ERR_NOT_SUPPORTED') {
      process.stderr.write(`berth: ${e.message}\n`);
      return path[0] === 'run' || path[0] === 'create' || path[1] === 'run' || path[1] === 'create' ? 125 : 1;
    }
    process.stderr.write(`${formatError(e)}\n`);
    return 1;
  }
  const err = e as NodeJS.ErrnoException;
  process.stderr.write(`${err?.message ?? String(e)}\n`);
  return 1;
}

function reportInstallError(e: InstallError): number {
  process.stderr.write(`berth: ${e.message}\n`);
  return e.exitCode;
}

/** Flush stdout/stderr before exiting (pipes may still hold data). */
function exit(code: number): void {
  let pending = 2;
  const done = () => { if (--pending === 0) process.exit(code); };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

function isEntryModule(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

const isEntry = isEntryModule();
if (isEntry) {
  main(process.argv.slice(2)).then(exit, (e) => {
    const install = installErrorOf(e, repoDir());
    if (install) { exit(reportInstallError(install)); return; }
    process.stderr.write(`berth: ${(e as Error)?.stack ?? String(e)}\n`);
    exit(1);
  });
}
