/**
 * `compose run`: a one-off container of a service (labelled oneoff, named
 * `<project>-<service>-run-<slug>`), its image pulled or built as needed, its dependencies started
 * first unless --no-deps, then attached to (or started detached); the exit code is the command's.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ComposeContext } from '../context.js';
import { ComposeExit } from '../main.js';
import type { Project, ServiceConfig } from '../model.js';
import { containerPlan } from '../convert/container.js';
import { copyFilesIn, serviceResolver } from '../ops/one-off.js';
import { attachStartWait } from '../ops/attach.js';
import { checkExternalSecrets } from '../ops/external-secrets.js';
import { composeError } from '../ops/errors.js';
import { createProject } from '../ops/converge.js';
import { serviceDependencies } from '../ops/graph.js';
import { applyImageFlags, ensureImages } from '../ops/images.js';
import { ensureNetworks, ensureVolumes } from '../ops/resources.js';
import { withSelectedServices } from '../ops/service-selection.js';
import { startProject, waitDependencies, type WaitDependency } from '../ops/start.js';
import { projectContainers } from '../ops/state.js';
import { imageTools, opsContext, withProgress } from './orchestration.js';
import { parsePortSpec, parseVolumeSpec, shellWords } from '../ops/short-syntax.js';
import { collect } from './flags.js';

const enc = encodeURIComponent;

export interface RunOptions {
  detach?: boolean; env: string[]; envFromFile: string[]; label: string[]; rm?: boolean; TTY: boolean; tty?: boolean; name?: string;
  user?: string; workdir?: string; entrypoint?: string; capAdd: string[]; capDrop: string[]; deps: boolean; volume: string[];
  publish: string[]; useAliases?: boolean; servicePorts?: boolean; pull: string; quiet?: boolean; quietBuild?: boolean;
  quietPull?: boolean; build?: boolean; removeOrphans?: boolean; interactive: boolean;
}

export function registerRunCommand(program: Command, ctx: () => ComposeContext): void {
  program.command('run').usage('[OPTIONS] SERVICE [COMMAND] [ARGS...]').description('Run a one-off command on a service')
    .argument('<service>').argument('[command...]').passThroughOptions()
    .option('--build', 'Build image before starting container')
    .option('--cap-add <cap>', 'Add Linux capabilities', collect, [])
    .option('--cap-drop <cap>', 'Drop Linux capabilities', collect, [])
    .option('-d, --detach', 'Run container in background and print container ID')
    .option('--entrypoint <entrypoint>', 'Override the entrypoint of the image')
    .option('-e, --env <env>', 'Set environment variables', collect, [])
    .option('--env-from-file <file>', 'Set environment variables from file', collect, [])
    .option('-i, --interactive', 'Keep STDIN open even if not attached (the default)', true)
    .option('--no-interactive', 'Do not keep STDIN open')
    .option('-l, --label <label>', 'Add or override a label', collect, [])
    .option('--name <name>', 'Assign a name to the container')
    .option('-T, --no-TTY', 'Disable pseudo-TTY allocation (default: auto-detected)')
    .option('-t, --tty', 'Allocate a pseudo-TTY')
    .option('--no-deps', "Don't start linked services")
    .option('-p, --publish <port>', "Publish a container's port(s) to the host", collect, [])
    .option('--pull <policy>', 'Pull image before running ("always"|"missing"|"never")', 'policy')
    .option('-q, --quiet', "Don't print anything to STDOUT")
    .option('--quiet-build', 'Suppress progress output from the build process')
    .option('--quiet-pull', 'Pull without printing progress information')
    .option('--remove-orphans', 'Remove containers for services not defined in the Compose file')
    .option('--rm', 'Automatically remove the container when it exits')
    .option('-P, --service-ports', "Run command with all service's ports enabled and mapped to the host")
    .option('--use-aliases', "Use the service's network useAliases in the network(s) the container connects to")
    .option('-u, --user <user>', 'Run as specified username or uid')
    .option('-v, --volume <volume>', 'Bind mount a volume', collect, [])
    .option('-w, --workdir <dir>', 'Working directory inside the container')
    .action(async (service: string, command: string[], o: RunOptions, cmd: Command) => {
      const c = ctx();
      if (o.publish.length && o.servicePorts) throw composeError('--service-ports and --publish are incompatible', 'ERR_USAGE');
      let tty = cmd.getOptionValueSource('TTY') === 'cli' ? false : Boolean((c.io.stdout as NodeJS.WriteStream).isTTY);
      if (cmd.getOptionValueSource('tty') === 'cli') {
        if (cmd.getOptionValueSource('TTY') === 'cli') throw composeError("--tty and --no-TTY can't be used together", 'ERR_USAGE');
        tty = o.tty !== false;
      }
      const entrypoint = cmd.getOptionValueSource('entrypoint') === 'cli' ? shellWords(o.entrypoint ?? '') : undefined;
      if (!['policy', 'always', 'missing', 'never', 'build', 'if_not_present'].includes(o.pull)) throw composeError(`invalid --pull option ${JSON.stringify(o.pull)}`, 'ERR_USAGE');
      // -q: nothing on stdout from compose itself, and no progress
      if (o.quiet) c.options.progress = 'quiet';
      const code = await runOneOff(c, service, command, { ...o, tty }, entrypoint);
      if (code !== 0) throw new ComposeExit(code);
    });
}

/** -e and --env-from-file: KEY=VALUE as given, a bare KEY from the environment (left out when unset). */
function runEnvironment(o: RunOptions, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of o.envFromFile) {
    let text: string;
    try { text = readFileSync(file, 'utf8'); } catch (e) { throw composeError(`open ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`, 'ERR_COMPOSE_ENV_FILE'); }
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const m = /^(?:export\s+)?([^=\s]+)\s*=\s*(.*)$/.exec(line);
      if (!m) { if (env[line] !== undefined) out[line] = env[line]!; continue; }
      out[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
    }
  }
  for (const e of o.env) {
    const eq = e.indexOf('=');
    if (eq >= 0) out[e.slice(0, eq)] = e.slice(eq + 1);
    else if (env[e] !== undefined) out[e] = env[e]!;
  }
  return out;
}

/** The service as the one-off runs it: compose's applyRunOptions and run's own overrides. */
export function oneOffService(project: Project, base: ServiceConfig, command: string[], o: RunOptions & { tty: boolean }, entrypoint: string[] | undefined, env: Record<string, string>, name: string): ServiceConfig {
  const s: ServiceConfig = structuredClone(base);
  s.tty = o.tty;
  s.stdin_open = o.interactive;
  s.container_name = name;
  if (command.length) s.command = command;
  if (o.user) s.user = o.user;
  if (o.capAdd.length) { s.cap_add = [...(s.cap_add ?? []), ...o.capAdd]; s.cap_drop = (s.cap_drop ?? []).filter((x) => !o.capAdd.includes(x)); }
  if (o.capDrop.length) { s.cap_drop = [...(s.cap_drop ?? []), ...o.capDrop]; s.cap_add = (s.cap_add ?? []).filter((x) => !o.capDrop.includes(x)); }
  if (o.workdir) s.working_dir = o.workdir;
  if (entrypoint) { s.entrypoint = entrypoint; if (!command.length) s.command = []; }
  s.environment = { ...s.environment, ...env };
  if (!o.servicePorts) s.ports = o.publish.flatMap(parsePortSpec);
  s.volumes = [...s.volumes, ...o.volume.map((v) => parseVolumeSpec(v, project.workingDir))];
  // a one-off is never restarted, and runs alone
  delete s.restart;
  if (s.deploy) { s.deploy = { ...s.deploy, replicas: 1 }; delete s.deploy.restart_policy; }
  s.scale = 1;
  return s;
}

async function runOneOff(c: ComposeContext, service: string, command: string[], o: RunOptions & { tty: boolean }, entrypoint: string[] | undefined): Promise<number> {
  const full = await c.project();
  if (!full.services[service] && !full.disabledServices?.[service]) throw composeError(`no such service: ${service}`, 'ERR_COMPOSE_NO_SERVICE');
  const noDeps = o.deps === false;
  // --pull and --build become the services' pull_policy, as for up (compose's createOptions.Apply)
  const project = applyImageFlags(withSelectedServices(full, [service], { dependencies: noDeps ? 'ignore' : 'include' }), { pull: o.pull, build: o.build });
  const base = project.services[service];
  const oc = await opsContext(c, 'Running');
  const client = oc.client;
  const tools = imageTools(oc, c, { quiet: o.quietBuild });
  await checkExternalSecrets(client, project, [base]);
  await withProgress(oc, async () => {
    // the dependencies as `up` would create and start them (the one-off's own service left out)
    const deps = [...serviceDependencies(base).keys()].filter((d) => project.services[d]);
    if (!noDeps && deps.length) {
      const depsProject = withSelectedServices(project, deps, { dependencies: 'include' });
      await createProject(oc, depsProject, {
        services: [], recreate: 'diverged', recreateDependencies: 'diverged', quietPull: o.quietPull,
        removeOrphans: o.removeOrphans, ignoreOrphans: c.io.env.COMPOSE_IGNORE_ORPHANS === 'true',
      }, tools);
      await startProject(oc, depsProject);
    }
    // the one-off's image, networks and volumes (with --no-deps nothing else made them)
    const own = withSelectedServices(project, [service], { dependencies: 'ignore' });
    await ensureImages(client, own, { quietPull: o.quietPull }, tools);
    const rc = { client, progress: oc.progress, warn: oc.warn };
    await ensureNetworks(rc, own);
    await ensureVolumes(rc, own);
    if (!noDeps && deps.length) {
      const waits: Record<string, WaitDependency> = {};
      for (const [dep, how] of serviceDependencies(base)) if (project.services[dep]) waits[dep] = { condition: how.condition, required: how.required !== false };
      await waitDependencies(oc, project, service, waits, await projectContainers(client, project.name, { oneoff: false }));
    }
  });

  const slug = randomBytes(32).toString('hex');
  const name = o.name || `${project.name}-${service}-run-${slug.slice(0, 12)}`;
  const svc = oneOffService(project, base, command, o, entrypoint, runEnvironment(o, c.io.env), name);
  const labels: Record<string, string> = {};
  for (const l of o.label) {
    const eq = l.indexOf('=');
    if (eq < 0) throw composeError('label must be set as KEY=VALUE', 'ERR_USAGE');
    labels[l.slice(0, eq)] = l.slice(eq + 1);
  }
  const resolver = await serviceResolver(client, project.name);
  const plan = containerPlan(project, svc, {
    number: 1, oneoff: true, name, slug, apiVersion: client.apiVersion, resolver, labels,
    useNetworkAliases: Boolean(o.useAliases), autoRemove: Boolean(o.rm), attachStdin: o.interactive && !o.detach,
  });
  const created = await client.json<{ Id: string; Warnings?: string[] }>('POST', '/containers/create', { query: { name: plan.name, platform: plan.platform }, body: plan.body });
  for (const w of created.Warnings ?? []) c.err(`WARNING: ${w}\n`);
  for (const x of plan.connectAfter) await client.json('POST', `/networks/${enc(x.network)}/connect`, { body: { Container: created.Id, EndpointConfig: x.endpoint } });
  await copyFilesIn(client, created.Id, plan.copies);

  if (o.detach) {
    await client.call('POST', `/containers/${enc(created.Id)}/start`);
    if (!o.quiet) c.out(`${created.Id}\n`);
    return 0;
  }
  return attachStartWait(client, created.Id, { tty: o.tty, stdin: o.interactive, autoRemove: Boolean(o.rm) });
}
