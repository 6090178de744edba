/** `compose up` and `compose create`: compose v2's flags, their checks and wording (cmd/compose/up.go, create.go). */
import { Option, type Command } from 'commander';
import { ComposeExit } from '../main.js';
import type { ComposeContext } from '../context.js';
import type { Project } from '../model.js';
import type { CreateOptions } from '../ops/converge.js';
import type { RecreatePolicy } from '../ops/converge-plan.js';
import { buildGraph, withDependencies } from '../ops/graph.js';
import { applyImageFlags } from '../ops/images.js';
import { applyScale, noSuchService, withSelectedServices } from '../ops/service-selection.js';
import { upProject } from '../ops/up.js';
import { createProject } from '../ops/converge.js';
import { commandProgress } from '../ops/progress.js';
import { collect, imageTools, intOption, literalNoOption, logPrinter, notSupported, opsContext, usageError, withProgress } from './orchestration.js';

interface CreateFlags {
  build?: boolean; noBuild?: boolean; pull: string; quietPull?: boolean;
  forceRecreate?: boolean; noRecreate?: boolean; alwaysRecreateDeps?: boolean; renewAnonVolumes?: boolean;
  removeOrphans?: boolean; scale: string[]; yes?: boolean; timeout?: number;
}

interface UpFlags extends CreateFlags {
  detach?: boolean; noStart?: boolean; noDeps?: boolean; abortOnContainerExit?: boolean; abortOnContainerFailure?: boolean;
  exitCodeFrom?: string; noColor?: boolean; noLogPrefix?: boolean; timestamps?: boolean; attach: string[]; noAttach: string[];
  attachDependencies?: boolean; wait?: boolean; waitTimeout?: number; watch?: boolean; menu?: boolean; quietBuild?: boolean;
}

function fail(msg: string): never { throw usageError(msg); }

function addCreateFlags(cmd: Command): Command {
  return cmd
    .option('--build', 'Build images before starting containers')
    .addOption(literalNoOption('--no-build', "Don't build an image, even if it's policy"))
    .option('--pull <policy>', 'Pull image before running ("always"|"missing"|"never"|"build")', 'policy')
    .option('--quiet-pull', 'Pull without printing progress information')
    .option('--force-recreate', "Recreate containers even if their configuration and image haven't changed")
    .addOption(literalNoOption('--no-recreate', "If containers already exist, don't recreate them. Incompatible with --force-recreate."))
    .option('--remove-orphans', 'Remove containers for services not defined in the Compose file')
    .option('--scale <SERVICE=NUM>', 'Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present.', collect, [])
    .option('-y, --yes', 'Assume "yes" as answer to all prompts and run non-interactively');
}

function recreatePolicies(o: CreateFlags): { recreate: RecreatePolicy; deps: RecreatePolicy } {
  const recreate: RecreatePolicy = o.noRecreate ? 'never' : (o.forceRecreate || o.renewAnonVolumes) ? 'force' : 'diverged';
  const deps: RecreatePolicy = o.noRecreate ? 'never' : o.alwaysRecreateDeps ? 'force' : 'diverged';
  return { recreate, deps };
}

/** The project with --scale and --pull/--build applied, and the named services (and their dependencies unless --no-deps). */
function prepare(c: ComposeContext, project: Project, services: string[], o: CreateFlags, noDeps: boolean): Project {
  let p = withSelectedServices(project, services, { dependencies: noDeps ? 'ignore' : 'include' });
  p = applyScale(p, o.scale);
  p = applyImageFlags(p, { pull: o.pull, build: o.build });
  if (!c.options.allResources && Object.keys(p.services).length === 0) fail('no service selected');
  return p;
}

function createOptions(c: ComposeContext, project: Project, services: string[], o: CreateFlags): CreateOptions {
  const { recreate, deps } = recreatePolicies(o);
  const ignoreOrphans = truthy(project.environment?.COMPOSE_IGNORE_ORPHANS ?? c.io.env.COMPOSE_IGNORE_ORPHANS);
  const removeOrphans = o.removeOrphans ?? truthy(c.io.env.COMPOSE_REMOVE_ORPHANS);
  if (ignoreOrphans && removeOrphans) fail('cannot combine COMPOSE_IGNORE_ORPHANS and --remove-orphans');
  return {
    services, recreate, recreateDependencies: deps, removeOrphans, ignoreOrphans,
    timeout: o.timeout, assumeYes: o.yes, inherit: !o.renewAnonVolumes,
    noBuild: Boolean(o.noBuild), quietPull: o.quietPull,
  };
}

const truthy = (v: string | undefined) => /^(1|true|yes|y)$/i.test(v ?? '');

export function registerUpCommands(program: Command, ctx: () => ComposeContext): void {
  const up = program.command('up').usage('[OPTIONS] [SERVICE...]').description('Create and start containers').argument('[services...]');
  addCreateFlags(up)
    .option('-d, --detach', 'Detached mode: Run containers in the background')
    .addOption(literalNoOption('--no-color', 'Produce monochrome output'))
    .addOption(literalNoOption('--no-log-prefix', "Don't print prefix in logs"))
    .addOption(literalNoOption('--no-start', "Don't start the services after creating them"))
    .option('--abort-on-container-exit', 'Stops all containers if any container was stopped. Incompatible with -d')
    .option('--abort-on-container-failure', 'Stops all containers if any container exited with failure. Incompatible with -d')
    .option('--exit-code-from <service>', 'Return the exit code of the selected service container. Implies --abort-on-container-exit')
    .addOption(new Option('-t, --timeout <seconds>', 'Use this timeout in seconds for container shutdown when attached or when containers are already running').argParser(intOption('timeout')))
    .option('--timestamps', 'Show timestamps')
    .addOption(literalNoOption('--no-deps', "Don't start linked services"))
    .option('--always-recreate-deps', 'Recreate dependent containers. Incompatible with --no-recreate.')
    .option('-V, --renew-anon-volumes', 'Recreate anonymous volumes instead of retrieving data from the previous containers')
    .option('--quiet-build', 'Suppress the build output')
    .option('--attach <service>', 'Restrict attaching to the specified services. Incompatible with --attach-dependencies.', collect, [])
    .addOption(literalNoOption('--no-attach <service>', 'Do not attach (stream logs) to the specified services').argParser(collect).default([]))
    .option('--attach-dependencies', 'Automatically attach to log output of dependent services')
    .option('--wait', 'Wait for services to be running|healthy. Implies detached mode.')
    .addOption(new Option('--wait-timeout <seconds>', 'Maximum duration in seconds to wait for the project to be running|healthy').argParser(intOption('wait-timeout')))
    .option('-w, --watch', 'Watch source code and rebuild/refresh containers when files are updated.')
    .option('--menu', 'Enable interactive shortcuts when running attached. Incompatible with --detach.')
    .action(async (services: string[], o: UpFlags) => {
      const { noBuild, noRecreate, noDeps, noStart } = o;
      const noAttach = o.noAttach ?? [];
      const attachList = o.attach ?? [];
      let cascadeStop = Boolean(o.abortOnContainerExit);
      const cascadeFail = Boolean(o.abortOnContainerFailure);
      if (o.exitCodeFrom && !cascadeFail) cascadeStop = true;
      if (cascadeStop && cascadeFail) fail('--abort-on-container-failure cannot be combined with --abort-on-container-exit');
      let detach = Boolean(o.detach);
      if (o.wait) {
        if (o.attachDependencies || cascadeStop || attachList.length) fail('--wait cannot be combined with --abort-on-container-exit, --attach or --attach-dependencies');
        detach = true;
      }
      if (o.build && noBuild) fail('--build and --no-build are incompatible');
      if (detach && (o.attachDependencies || cascadeStop || cascadeFail || attachList.length || o.watch)) {
        fail(`--${o.wait ? 'wait' : 'detach'} cannot be combined with --abort-on-container-exit, --abort-on-container-failure, --attach, --attach-dependencies or --watch`);
      }
      if (o.renewAnonVolumes && noRecreate) fail('--no-recreate and --renew-anon-volumes are incompatible');
      if (o.forceRecreate && noRecreate) fail('--force-recreate and --no-recreate are incompatible');
      if (o.alwaysRecreateDeps && noRecreate) fail('--always-recreate-deps and --no-recreate are incompatible');
      if (o.watch) throw notSupported('up --watch is not supported by berth compose yet; run `compose watch` next to `up -d`');
      if (o.menu) throw notSupported('up --menu (the interactive shortcuts) is not supported by berth compose');
      if (attachList.length && o.attachDependencies) fail('cannot combine --attach and --attach-dependencies');

      const c = ctx();
      const project = prepare(c, await c.project(), services, o, Boolean(noDeps));
      if (o.exitCodeFrom && !project.services[o.exitCodeFrom]) throw noSuchService(o.exitCodeFrom);
      const create = createOptions(c, project, services, o);

      let attach: string[] | undefined;
      if (!detach) {
        const names = Object.keys(project.services);
        let set: Set<string>;
        if (attachList.length) {
          const unknown = attachList.filter((s) => !names.includes(s));
          if (unknown.length) fail(`cannot attach to services not included in up: ${unknown.join(', ')}`);
          set = new Set(attachList);
        } else if (services.length) {
          set = o.attachDependencies ? withDependencies(buildGraph(project), services) : new Set(services);
        } else {
          set = new Set(names);
        }
        for (const s of noAttach) set.delete(s);
        attach = [...set];
      }

      const oc = await opsContext(c, 'Running');
      const code = await upProject(oc, project, {
        create, detach, noStart, wait: o.wait, waitTimeout: o.waitTimeout, attach,
        onExit: cascadeStop ? 'stop' : cascadeFail ? 'fail' : undefined, exitCodeFrom: o.exitCodeFrom, timeout: o.timeout,
      }, {
        tools: imageTools(oc, c, { quiet: o.quietBuild }),
        stdout: c.io.stdout,
        stderr: c.io.stderr,
        printer: () => logPrinter(c, { noColor: o.noColor, noLogPrefix: o.noLogPrefix, timestamps: o.timestamps }),
        // on a terminal compose mixes the stop's progress into the log output; plain lines otherwise
        stopProgress: () => commandProgress(c, 'Stopping'),
      });
      if (code !== 0) throw new ComposeExit(code);
    });

  const create = program.command('create').usage('[OPTIONS] [SERVICE...]').description('Creates containers for a service').argument('[services...]');
  addCreateFlags(create).action(async (services: string[], o: CreateFlags) => {
    if (o.build && o.noBuild) fail('--build and --no-build are incompatible');
    if (o.forceRecreate && o.noRecreate) fail('--force-recreate and --no-recreate are incompatible');
    const c = ctx();
    const project = prepare(c, await c.project(), services, o, false);
    const oc = await opsContext(c, 'Creating');
    await withProgress(oc, () => createProject(oc, project, createOptions(c, project, services, o), imageTools(oc, c)));
  });
}
