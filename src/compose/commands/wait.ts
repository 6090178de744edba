/** `compose wait`: block until the services' containers stop; exit with the last status code. */
import type { Command } from 'commander';
import type { ComposeContext } from '../context.js';
import { ComposeExit } from '../main.js';
import { composeError } from '../ops/errors.js';
import { projectOrName } from '../ops/project-ref.js';
import { projectContainers } from '../ops/state.js';
import { removeProjectResources } from '../ops/teardown.js';

export function registerWaitCommand(program: Command, ctx: () => ComposeContext): void {
  program.command('wait').usage('SERVICE [SERVICE...] [OPTIONS]').description('Block until containers of all (or specified) services stop.')
    .argument('<services...>')
    .option('--down-project', 'Drops project when the first container stops')
    .action(async (services: string[], o: { downProject?: boolean }) => {
      const c = ctx();
      const { name } = await projectOrName(c);
      const client = await c.client();
      const list = await projectContainers(client, name, { all: false, services });
      if (list.length === 0) throw composeError(`no containers for project ${JSON.stringify(name)}`, 'ERR_NOT_FOUND');
      let status = 0;
      try {
        await Promise.all(list.map(async (ctr) => {
          const r = await client.json<{ StatusCode: number }>('POST', `/containers/${encodeURIComponent(ctr.Id ?? '')}/wait`);
          c.out(`container ${JSON.stringify(ctr.Id)} exited with status code ${r.StatusCode}\n`);
          status = r.StatusCode;
        }));
      } catch (e) {
        // compose's own code for a wait that failed
        c.err(`${(e as Error).message}\n`);
        throw new ComposeExit(42);
      }
      if (o.downProject) await removeProjectResources(client, name);
      throw new ComposeExit(status);
    });
}
