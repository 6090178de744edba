/**
 * `compose watch [SERVICE...]` (compose v2's cmd/compose/watch.go): `up` of the services (detached, the
 * services with a build and a develop section always built), then their develop.watch rules applied
 * as files change until Ctrl-C. --no-up watches what is already running; --prune (default true)
 * removes the project's dangling images after a rebuild; --quiet hides the build output.
 */
import type { Command } from 'commander';
import type { ComposeContext } from '../context.js';
import type { Project } from '../model.js';
import { buildServices } from '../ops/build.js';
import { noSuchService, withSelectedServices } from '../ops/service-selection.js';
import { recreateServices, upProject } from '../ops/up.js';
import { checkedWatchRules, watchProject } from '../ops/watch.js';
import { warnLine } from '../output/progress.js';
import { boolValue } from './flags.js';
import { commandProgress } from '../ops/progress.js';
import { imageTools, literalNoOption, logPrinter, opsContext, withProgress } from './orchestration.js';

interface WatchFlags { noUp?: boolean; prune: boolean; quiet?: boolean }

/** compose v2 builds a watched service with a build section on every up (its pull_policy becomes build). */
function alwaysBuildWatched(project: Project): Project {
  const services = Object.fromEntries(Object.entries(project.services).map(([k, s]) => [k, s.build && s.develop ? { ...s, pull_policy: 'build' } : s]));
  return { ...project, services };
}

export function registerWatchCommand(program: Command, ctx: () => ComposeContext): void {
  program.command('watch').usage('[SERVICE...]').description('Watch build context for service and rebuild/refresh containers when files are updated')
    .argument('[services...]')
    .addOption(literalNoOption('--no-up', 'Do not build & start services before watching'))
    .option('--prune [bool]', 'Prune dangling images on rebuild', boolValue('--prune'), true)
    .option('--quiet', 'hide build output')
    .action(async (services: string[], o: WatchFlags) => {
      const c = ctx();
      const loaded = await c.project();
      for (const s of services) if (!loaded.services[s]) throw noSuchService(s);
      const project = alwaysBuildWatched(loaded);
      // the rules are checked before anything is created: a bad rule leaves the project as it was
      checkedWatchRules(project, services, { canRebuild: true });
      if (!o.noUp) {
        const oc = await opsContext(c, 'Running');
        // pulled and built with the pull and build commands' code, as `up` does
        await upProject(oc, withSelectedServices(project, services), {
          create: { services, recreate: 'diverged', recreateDependencies: 'never', inherit: true, quietPull: o.quiet },
          detach: true,
        }, {
          tools: imageTools(oc, c, { quiet: o.quiet }),
          stdout: c.io.stdout,
          stderr: c.io.stderr,
          printer: () => logPrinter(c, {}),
          stopProgress: () => commandProgress(c, 'Stopping'),
        });
      }

      const client = await c.client();
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await watchProject(client, project, {
          services,
          prune: o.prune,
          signal: ac.signal,
          log: (line) => c.out(`${line}\n`),
          warn: (msg) => warnLine(c.io.stderr, msg),
          hooks: {
            build: async (names) => { await buildServices(c, project, names, { quiet: o.quiet }); },
            recreate: async (names) => {
              const oc = await opsContext(c, 'Running');
              await withProgress(oc, () => recreateServices(oc, project, names, imageTools(oc, c, { quiet: o.quiet })));
            },
          },
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
