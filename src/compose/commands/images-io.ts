/** `compose build`, `pull` and `push`: the project's images made, fetched and published. */
import type { Command } from 'commander';
import { ramInBytes } from '../../common/byte-size.js';
import type { ComposeContext } from '../context.js';
import { buildServices } from '../ops/build.js';
import { composeError } from '../ops/errors.js';
import { pullServices } from '../ops/pull.js';
import { pushServices } from '../ops/push.js';
import { selectServices } from '../ops/select.js';
import { collect } from './flags.js';

function memBytes(v: string): number {
  try { return ramInBytes(v); } catch { throw composeError(`invalid argument "${v}" for "-m, --memory" flag: invalid size: '${v}'`, 'ERR_USAGE'); }
}

export function registerImageIoCommands(program: Command, ctx: () => ComposeContext): void {
  program.command('build').usage('[OPTIONS] [SERVICE...]').description('Build or rebuild services')
    .argument('[services...]')
    .option('--build-arg <arg>', 'Set build-time variables for services', collect, [])
    .option('--no-cache', 'Do not use cache when building the image')
    .option('--pull', 'Always attempt to pull a newer version of the image')
    .option('-q, --quiet', 'Suppress the build output')
    .option('--with-dependencies', 'Also build dependencies (transitively)')
    .option('-m, --memory <bytes>', 'Set memory limit for the build container. Not supported by BuildKit.', memBytes)
    .option('--progress <type>', 'Set type of ui output (auto, tty, plain, json, quiet)')
    .option('--push', 'Push service images')
    .option('--ssh <spec>', 'Set SSH authentications used when building service images')
    .option('--builder <name>', 'Set builder to use')
    .option('--print', 'Print equivalent bake file')
    .option('--check', 'Check build configuration')
    .action(async (services: string[], o: { buildArg: string[]; cache?: boolean; pull?: boolean; quiet?: boolean; withDependencies?: boolean; memory?: number; progress?: string; push?: boolean; ssh?: string; builder?: string; print?: boolean; check?: boolean }) => {
      const c = ctx();
      for (const [flag, set] of [['--ssh', o.ssh], ['--builder', o.builder], ['--print', o.print], ['--check', o.check]] as const) {
        if (set) throw composeError(`${flag} needs BuildKit (bake); berth builds with the classic builder`, 'ERR_NOT_SUPPORTED');
      }
      if (o.progress) {
        c.err('--progress is a global compose flag, better use `docker compose --progress xx build ...\n');
        c.options.progress = o.progress as typeof c.options.progress;
      }
      const project = await c.project();
      await buildServices(c, project, services, { noCache: o.cache === false, pull: o.pull, buildArgs: o.buildArg, quiet: o.quiet, withDependencies: o.withDependencies, memory: o.memory });
      if (o.push) await pushServices(c, project, { services: selectServices(project, services, Boolean(o.withDependencies)), quiet: o.quiet });
    });

  program.command('pull').usage('[OPTIONS] [SERVICE...]').description('Pull service images')
    .argument('[services...]')
    .option('--ignore-buildable', 'Ignore images that can be built')
    .option('--ignore-pull-failures', 'Pull what it can and ignores images with pull failures')
    .option('--include-deps', 'Also pull services declared as dependencies')
    .option('--policy <policy>', 'Apply pull policy ("missing"|"always")')
    .option('-q, --quiet', 'Pull without printing progress information')
    .action(async (services: string[], o: { ignoreBuildable?: boolean; ignorePullFailures?: boolean; includeDeps?: boolean; policy?: string; quiet?: boolean }) => {
      const c = ctx();
      if (o.policy !== undefined && o.policy !== 'missing' && o.policy !== 'always') throw composeError(`invalid pull policy ${JSON.stringify(o.policy)}: must be "missing" or "always"`, 'ERR_USAGE');
      const project = await c.project();
      await pullServices(c, project, {
        services: selectServices(project, services, Boolean(o.includeDeps)), quiet: o.quiet, ignoreFailures: o.ignorePullFailures,
        ignoreBuildable: o.ignoreBuildable, policy: o.policy as 'missing' | 'always' | undefined, mode: 'command',
      });
    });

  program.command('push').usage('[OPTIONS] [SERVICE...]').description('Push service images')
    .argument('[services...]')
    .option('--ignore-push-failures', 'Push what it can and ignores images with push failures')
    .option('--include-deps', 'Also push images of services declared as dependencies')
    .option('-q, --quiet', 'Push without printing progress information')
    .action(async (services: string[], o: { ignorePushFailures?: boolean; includeDeps?: boolean; quiet?: boolean }) => {
      const c = ctx();
      const project = await c.project();
      await pushServices(c, project, { services: selectServices(project, services, Boolean(o.includeDeps)), ignoreFailures: o.ignorePushFailures, quiet: o.quiet });
    });
}
