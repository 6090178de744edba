/** `compose exec` and `compose cp`: a command in, or files to and from, a service's container. */
import type { Command } from 'commander';
import { copyFromContainer, copyToContainer, CopyError, type CopyIO } from '../../client/container-copy.js';
import type { ComposeContext } from '../context.js';
import { ComposeExit } from '../main.js';
import { composeError } from '../ops/errors.js';
import { execIn } from '../ops/exec.js';
import { projectName } from '../ops/project-ref.js';
import { serviceContainer } from '../ops/target.js';
import { projectContainers } from '../ops/state.js';
import type { ContainerSummary } from '../../common/engine-api/types.js';
import { boolValue, collect, intValue } from './flags.js';

interface ExecOptions { detach?: boolean; env: string[]; index: number; privileged?: boolean; user?: string; tty: boolean; workdir?: string; interactive: boolean }

/** -e KEY=VALUE as given; a bare KEY takes the variable's value, and is left out when it has none. */
export function resolveEnv(list: string[], env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (const e of list) {
    if (e.includes('=')) out.push(e);
    else if (env[e] !== undefined) out.push(`${e}=${env[e]}`);
  }
  return out;
}

export function registerExecCommands(program: Command, ctx: () => ComposeContext): void {
  program.command('exec').usage('[OPTIONS] SERVICE COMMAND [ARGS...]').description('Execute a command in a running container')
    .argument('<service>').argument('<command...>').passThroughOptions()
    .option('-d, --detach', 'Detached mode: Run command in the background')
    .option('-e, --env <env>', 'Set environment variables', collect, [])
    .option('--index <index>', 'Index of the container if service has multiple replicas', intValue('--index'), 0)
    .option('--privileged', 'Give extended privileges to the process')
    .option('-u, --user <user>', 'Run the command as this user')
    .option('-T, --no-tty', "Disable pseudo-TTY allocation. By default 'docker compose exec' allocates a TTY.")
    .option('-t, --tty [bool]', 'Allocate a pseudo-TTY (the default on a terminal)', boolValue('--tty'))
    .option('-i, --interactive [bool]', 'Keep STDIN open even if not attached', boolValue('--interactive'), true)
    .option('-w, --workdir <dir>', 'Path to workdir directory for this command')
    .action(async (service: string, command: string[], o: ExecOptions, cmd: Command) => {
      const c = ctx();
      // compose's default: a TTY when its output is a terminal; -T turns it off
      const tty = cmd.getOptionValueSource('tty') === 'cli' ? o.tty !== false : Boolean((c.io.stdout as NodeJS.WriteStream).isTTY);
      const client = await c.client();
      const ctr = await serviceContainer(client, await projectName(c), service, { index: o.index });
      // a bare -e KEY takes its value from the project's environment (.env included) when there is a project
      const lookup = o.env.some((e) => !e.includes('=')) ? await c.project().then((p) => ({ ...c.io.env, ...p.environment }), () => c.io.env) : c.io.env;
      const code = await execIn(client, ctr.Id ?? '', {
        command, env: resolveEnv(o.env, lookup), user: o.user, workdir: o.workdir, privileged: o.privileged,
        tty, interactive: o.interactive !== false, detach: o.detach,
      });
      if (code !== 0) throw new ComposeExit(code);
    });

  program.command('cp').usage('[OPTIONS] SERVICE:SRC_PATH DEST_PATH|-\n\tdocker compose cp [OPTIONS] SRC_PATH|- SERVICE:DEST_PATH')
    .description('Copy files/folders between a service container and the local filesystem')
    .argument('<source>').argument('<destination>')
    .option('--index <index>', 'Index of the container if service has multiple replicas', intValue('--index'), 0)
    .option('--all', 'Include containers created by the run command')
    .option('-L, --follow-link', 'Always follow symbol link in SRC_PATH')
    .option('-a, --archive', 'Archive mode (copy all uid/gid information)')
    .action(async (source: string, destination: string, o: { index: number; all?: boolean; followLink?: boolean; archive?: boolean }) => {
      const c = ctx();
      if (!source) throw composeError('source can not be empty', 'ERR_USAGE');
      if (!destination) throw composeError('destination can not be empty', 'ERR_USAGE');
      const s = splitServicePath(source);
      const d = splitServicePath(destination);
      if (s.service && d.service) throw composeError('copying between services is not supported', 'ERR_NOT_SUPPORTED');
      if (!s.service && !d.service) throw composeError('unknown copy direction', 'ERR_USAGE');
      const client = await c.client();
      const name = await projectName(c);
      const service = s.service || d.service;
      // --index picks one container; else a copy into the service goes to every container, one out of it from the first
      let targets: ContainerSummary[];
      if (o.index > 0) targets = [await serviceContainer(client, name, service, { index: o.index, all: true, oneoff: false })];
      else {
        targets = await projectContainers(client, name, { all: true, services: [service], oneoff: o.all ? undefined : false });
        if (targets.length === 0) throw composeError(`no container found for service ${JSON.stringify(service)}`, 'ERR_COMPOSE_NO_SERVICE');
        if (s.service) targets = targets.slice(0, 1);
      }
      const io: CopyIO = {
        stdout: c.io.stdout, stdin: c.io.stdin,
        progress: (c.io.stderr as NodeJS.WriteStream).isTTY ? (l) => c.err(l) : undefined,
      };
      try {
        await Promise.all(targets.map((ctr) => (s.service
          ? copyFromContainer(client, io, ctr.Id ?? '', s.path, d.path, { followLink: o.followLink, archive: o.archive })
          : copyToContainer(client, io, s.path, ctr.Id ?? '', d.path, { followLink: o.followLink, archive: o.archive }))));
      } catch (e) {
        if (e instanceof CopyError) throw composeError(e.message, e.code);
        throw e;
      }
    });
}

/** `service:path`, unless it is a local path (absolute, or starting with a dot) as docker's cp reads it. */
export function splitServicePath(arg: string): { service: string; path: string } {
  if (arg.startsWith('/') || arg.startsWith('.')) return { service: '', path: arg };
  const colon = arg.indexOf(':');
  if (colon < 0) return { service: '', path: arg };
  return { service: arg.slice(0, colon), path: arg.slice(colon + 1) };
}
