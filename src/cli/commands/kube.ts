/**
 * `berth kube play FILE...|- [--down] [--replace] [--start=false]`, `berth kube down FILE...` and `berth kube generate
 * CONTAINER...|POD|--compose-project NAME [--type pod|deployment] [--service] [-f FILE]`: Kubernetes
 * YAML run on berth, and berth's containers as Kubernetes YAML (src/kube, loaded only for these).
 */
import type { Command } from 'commander';
import { BerthError, UsageError, type ErrorCode } from '../../common/errors.js';
import { DaemonError } from '../../client/engine-client.js';
import { CliContext, ExitError } from '../context.js';
import { kubeTools } from '../lazy-kube.js';
import { berthVersion } from './system.js';

/**
 * kube's modules are not in the CLI's bundle: their errors are instances of their own copies of the
 * error classes. Made into the CLI's here, so that exit codes and "Error response from daemon" follow.
 */
function asCliError(e: unknown): unknown {
  if (!(e instanceof Error) || e instanceof BerthError) return e;
  const x = e as Error & { code?: unknown; exitCode?: unknown; status?: unknown; statusCode?: unknown };
  if (typeof x.code !== 'string' || !x.code.startsWith('ERR_')) return e;
  if (x.constructor.name === 'DaemonError' && typeof x.statusCode === 'number') return new DaemonError(x.statusCode, x.message, x.code);
  if (x.code === 'ERR_USAGE') return new UsageError(x.message);
  // bad input (a file that cannot be read, malformed YAML): podman's exit 125, the message as it is
  if (x.exitCode === 125) return new ExitError(125, x.message);
  return new BerthError(x.message, { code: x.code as ErrorCode, status: typeof x.status === 'number' ? x.status : 500, exitCode: typeof x.exitCode === 'number' ? x.exitCode : 1 });
}

export function registerKubeCommands(program: Command, ctx: CliContext): void {
  const kube = program.command('kube').usage('COMMAND').description('Play Kubernetes YAML, or generate it from containers, pods and compose projects');
  kube.allowExcessArguments(false);
  kube.addHelpCommand(false);
  const io = { out: (s: string) => ctx.out(s), err: (s: string) => ctx.err(s) };
  const kubeClient = async () => {
    const tools = await kubeTools();
    return { tools, client: await new CliContext(ctx.globals, tools.EngineClient as never).client() };
  };

  kube.command('play').usage('[OPTIONS] KUBEFILE|- [KUBEFILE...]')
    .description('Run the pods, deployments, services, configmaps, secrets and volume claims of Kubernetes YAML files')
    .argument('<files...>')
    .option('--down', 'Stop and remove the pods the files describe (volumes are kept)')
    .option('--replace', 'Remove the pods the files describe first, then play them')
    .option('--start', 'Start the pods after creating them (--start=false: create only)', true)
    .option('--network <string>', 'The network the pods join (default "berth-kube")')
    .action(async (files: string[], o: { down?: boolean; replace?: boolean; start?: boolean; network?: string }) => {
      const { tools, client } = await kubeClient();
      try {
        await tools.kubePlay(client, files, io, { down: o.down, replace: o.replace, start: o.start !== false, network: o.network });
      } catch (e) { throw asCliError(e); }
    });

  // podman's `kube down`
  kube.command('down').usage('KUBEFILE [KUBEFILE...]')
    .description('Stop and remove the pods Kubernetes YAML files describe (as kube play --down)')
    .argument('<files...>')
    .action(async (files: string[]) => {
      const { tools, client } = await kubeClient();
      try { await tools.kubePlay(client, files, io, { down: true }); } catch (e) { throw asCliError(e); }
    });

  kube.command('generate').usage('[OPTIONS] CONTAINER...|POD|--compose-project NAME')
    .description('Print Kubernetes YAML for containers, a pod made by kube play, or a compose project')
    .argument('[targets...]')
    .option('--compose-project <name>', 'Generate from the containers of a compose project (one workload per service)')
    .option('--type <string>', 'The workload kind: pod or deployment (default "pod")')
    .option('-s, --service', 'Generate a Service for the published ports (their host ports become nodePorts)')
    .option('-f, --filename <string>', 'Write the YAML to a file instead of STDOUT')
    .action(async (targets: string[], o: { composeProject?: string; type?: string; service?: boolean; filename?: string }) => {
      const { tools, client } = await kubeClient();
      try {
        await tools.kubeGenerate(client, targets, io, { composeProject: o.composeProject, type: o.type as 'pod' | 'deployment' | undefined, service: o.service, filename: o.filename, version: berthVersion() });
      } catch (e) { throw asCliError(e); }
    });
}
