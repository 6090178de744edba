/**
 * `down`, `start`, `stop`, `restart`, `kill`, `rm`, `pause`, `unpause` with compose v2's flags
 * (cmd/compose/*.go). Each works on the files' project, or with `-p name` alone on what the engine holds.
 */
import { Option, type Command } from 'commander';
import type { ComposeContext } from '../context.js';
import { downProject } from '../ops/down.js';
import { killProject, pauseProject, removeContainers, restartProject, stopProject, stoppedContainers } from '../ops/lifecycle.js';
import { withSelectedServices } from '../ops/service-selection.js';
import { startProject } from '../ops/start.js';
import { nameOf } from '../ops/state.js';
import { confirm, intOption, opsContext, projectOrName, usageError, withProgress } from './orchestration.js';

const timeoutOption = (what = 'Specify a shutdown timeout in seconds') => new Option('-t, --timeout <seconds>', what).argParser(intOption('timeout'));

export function registerLifecycleCommands(program: Command, ctx: () => ComposeContext): void {
  program.command('down').usage('[OPTIONS] [SERVICES]').description('Stop and remove containers, networks').argument('[services...]')
    .option('--remove-orphans', 'Remove containers for services not defined in the Compose file')
    .addOption(timeoutOption())
    .option('-v, --volumes', 'Remove named volumes declared in the "volumes" section of the Compose file and anonymous volumes attached to containers')
    .option('--rmi <type>', 'Remove images used by services. "local" remove only images that don\'t have a custom tag ("local"|"all")')
    .action(async (services: string[], o: { removeOrphans?: boolean; timeout?: number; volumes?: boolean; rmi?: string }) => {
      if (o.rmi !== undefined && o.rmi !== 'local' && o.rmi !== 'all') throw usageError(`invalid value for --rmi: "${o.rmi}"`);
      const c = ctx();
      const project = await projectOrName(c, services);
      const removeOrphans = o.removeOrphans ?? /^(1|true)$/i.test(c.io.env.COMPOSE_REMOVE_ORPHANS ?? '');
      const oc = await opsContext(c, 'Running');
      await withProgress(oc, () => downProject(oc, project, { services, removeOrphans, volumes: o.volumes, rmi: o.rmi as 'local' | 'all' | undefined, timeout: o.timeout }));
    });

  program.command('start').usage('[SERVICE...]').description('Start services').argument('[services...]')
    .action(async (services: string[]) => {
      const c = ctx();
      const project = await projectOrName(c, services);
      const oc = await opsContext(c, 'Running');
      // the named services with what they depend on (compose loads the project with them selected)
      // with `-p` alone, names the engine does not know are gone already: left out
      const names = services.filter((s) => s in project.services);
      const selected = names.length ? withSelectedServices(project, names) : project;
      await withProgress(oc, () => startProject(oc, selected, {}));
    });

  program.command('stop').usage('[OPTIONS] [SERVICE...]').description('Stop services').argument('[services...]')
    .addOption(timeoutOption())
    .action(async (services: string[], o: { timeout?: number }) => {
      const c = ctx();
      const project = await projectOrName(c, services);
      const oc = await opsContext(c, 'Stopping');
      await withProgress(oc, () => stopProject(oc, project, { services, timeout: o.timeout }));
    });

  program.command('restart').usage('[OPTIONS] [SERVICE...]').description('Restart service containers').argument('[services...]')
    .addOption(timeoutOption())
    .option('--no-deps', "Don't restart dependent services")
    .action(async (services: string[], o: { timeout?: number; deps?: boolean }) => {
      const c = ctx();
      const project = await projectOrName(c, services);
      const oc = await opsContext(c, 'Restarting');
      await withProgress(oc, () => restartProject(oc, project, { services, noDeps: o.deps === false, timeout: o.timeout }));
    });

  program.command('kill').usage('[OPTIONS] [SERVICE...]').description('Force stop service containers').argument('[services...]')
    .option('--remove-orphans', 'Remove containers for services not defined in the Compose file')
    .option('-s, --signal <signal>', 'SIGNAL to send to the container', 'SIGKILL')
    .action(async (services: string[], o: { removeOrphans?: boolean; signal: string }) => {
      const c = ctx();
      const project = await projectOrName(c, services);
      const oc = await opsContext(c, 'Killing');
      await withProgress(oc, () => killProject(oc, project, { services, signal: o.signal, removeOrphans: o.removeOrphans }, c.io.stderr));
    });

  program.command('rm').usage('[OPTIONS] [SERVICE...]').description('Removes stopped service containers').argument('[services...]')
    .option('-f, --force', "Don't ask to confirm removal")
    .option('-s, --stop', 'Stop the containers, if required, before removing')
    .option('-v, --volumes', 'Remove any anonymous volumes attached to containers')
    .addOption(new Option('-a, --all', 'Deprecated - no effect').hideHelp())
    .action(async (services: string[], o: { force?: boolean; stop?: boolean; volumes?: boolean }) => {
      const c = ctx();
      const project = await projectOrName(c, services);
      if (o.stop) {
        const soc = await opsContext(c, 'Stopping');
        await withProgress(soc, () => stopProject(soc, project, { services }));
      }
      const oc = await opsContext(c, 'Removing');
      const stopped = await stoppedContainers(oc, project, services);
      if (stopped.length === 0) { c.err('No stopped containers\n'); oc.progress.stop(); return; }
      const msg = `Going to remove ${stopped.map(nameOf).join(', ')}`;
      if (o.force) c.out(`${msg}\n`);
      else if (!(await confirm(c, msg))) { oc.progress.stop(); return; }
      await withProgress(oc, () => removeContainers(oc, stopped, { volumes: o.volumes, force: o.force }));
    });

  for (const [name, unpause, title, desc] of [['pause', false, 'Pausing', 'Pause services'], ['unpause', true, 'Running', 'Unpause services']] as const) {
    program.command(name).usage('[SERVICE...]').description(desc).argument('[services...]')
      .action(async (services: string[]) => {
        const c = ctx();
        const project = await projectOrName(c, services);
        const oc = await opsContext(c, title);
        await withProgress(oc, () => pauseProject(oc, project, services, unpause));
      });
  }
}
