/**
 * `compose logs` (compose v2's cmd/compose/logs.go, pkg/compose/logs.go): each container's output with
 * the same printer as attached `up`; with -f new starts (restarts, recreates) are followed too, and the
 * command ends when no followed container runs any more.
 */
import { Option, type Command } from 'commander';
import type { ContainerSummary } from '../../common/engine-api/types.js';
import type { ComposeContext } from '../context.js';
import { containerLogs, shortName } from '../ops/logs.js';
import { ProjectMonitor } from '../ops/monitor.js';
import { serviceFailed } from '../ops/ops-context.js';
import { numberOf, projectContainers, serviceOf } from '../ops/state.js';
import { fromFiles, intOption, literalNoOption, logPrinter, projectOrName, usageError } from './orchestration.js';

interface LogsFlags { follow?: boolean; index?: number; since?: string; until?: string; noColor?: boolean; noLogPrefix?: boolean; timestamps?: boolean; tail: string }

export function registerLogsCommand(program: Command, ctx: () => ComposeContext): void {
  program.command('logs').usage('[OPTIONS] [SERVICE...]').description('View output from containers').argument('[services...]')
    .option('-f, --follow', 'Follow log output')
    .addOption(new Option('--index <index>', 'index of the container if service has multiple replicas').argParser(intOption('index')))
    .option('--since <time>', 'Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)')
    .option('--until <time>', 'Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)')
    .addOption(literalNoOption('--no-color', 'Produce monochrome output'))
    .addOption(literalNoOption('--no-log-prefix', "Don't print prefix in logs"))
    .option('-t, --timestamps', 'Show timestamps')
    .option('-n, --tail <lines>', 'Number of lines to show from the end of the logs for each container', 'all')
    .action(async (services: string[], o: LogsFlags) => {
      if (o.index && services.length !== 1) throw usageError('--index requires one service to be selected');
      const c = ctx();
      const project = await projectOrName(c, services);
      const client = await c.client();
      let containers = await projectContainers(client, project.name, { oneoff: false, services });
      if (o.index) {
        containers = containers.filter((x) => numberOf(x) === o.index);
        if (!containers.length) throw serviceFailed(`service "${services[0]}" is not running container #${o.index}`);
      }
      const files = fromFiles(c);
      if (files && services.length === 0) containers = containers.filter((x) => serviceOf(x) in project.services);
      // engine timestamps (-t) come with each line; the printer adds none of its own
      const printer = logPrinter(c, { noColor: o.noColor, noLogPrefix: o.noLogPrefix, timestamps: false });
      printer.register(...containers.map(shortName));
      const opts = { follow: o.follow, since: o.since, until: o.until, tail: o.tail, timestamps: o.timestamps };
      const streams: Promise<void>[] = containers.map((x: ContainerSummary) => containerLogs(client, x, printer, opts));
      if (o.follow) {
        const followed = new Set(containers.map((x) => x.Id));
        const wanted = services.length ? services : files ? Object.keys(project.services) : null;
        const monitor = new ProjectMonitor(client, project.name, wanted ? new Set(wanted) : null);
        monitor.on((e) => {
          if (e.type !== 'started') return;
          if (followed.has(e.id) && !e.restarting) return;
          followed.add(e.id);
          streams.push(client.json<{ State?: { StartedAt?: string } }>('GET', `/containers/${e.id}/json`).then((info) =>
            containerLogs(client, { Id: e.id, Names: [`/${e.labels.name ?? e.source}`], Labels: e.labels }, printer, { ...opts, since: info.State?.StartedAt, tail: undefined }, undefined, e.source)));
        });
        await monitor.run('running');
      }
      // streams added while waiting are waited for too
      for (let seen = 0; seen < streams.length;) {
        const batch = streams.slice(seen);
        seen = streams.length;
        await Promise.all(batch);
      }
    });
}
