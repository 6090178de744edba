/** `compose ps`: the project's containers, with compose v2's columns, filters and formats. */
import type { Command } from 'commander';
import type { ContainerInspectResponse, ContainerSummary } from '../../common/engine-api/types.js';
import { readDockerConfig } from '../../common/docker-config.js';
import { renderItems } from '../../client/format/formatter.js';
import type { ComposeContext } from '../context.js';
import { composeError } from '../ops/errors.js';
import { projectOrName } from '../ops/project-ref.js';
import { projectContainers, serviceOf } from '../ops/state.js';
import { canonicalName, ComposeContainerContext, PS_DEFAULT_TABLE, PS_HEADERS, type ComposeContainerSummary } from '../format/ps.js';
import { boolValue, collect } from './flags.js';

interface PsOptions { all?: boolean; quiet?: boolean; services?: boolean; status: string[]; filter?: string; format?: string; trunc?: boolean; orphans: boolean }

export function registerPsCommand(program: Command, ctx: () => ComposeContext): void {
  program.command('ps').usage('[OPTIONS] [SERVICE...]').description('List containers')
    .argument('[services...]')
    .option('-a, --all', 'Show all stopped containers (including those created by the run command)')
    .option('-q, --quiet', 'Only display IDs')
    .option('--services', 'Display services')
    .option('--status <status>', 'Filter services by status. Values: [paused | restarting | removing | running | dead | created | exited]', collect, [])
    .option('--filter <filter>', 'Filter services by a property (supported filters: status)')
    .option('--format <format>', 'Format output using a custom template:\n\'table\': Print output in table format with column headers (default)\n\'table TEMPLATE\': Print output in table format using the given Go template\n\'json\': Print in JSON format\n\'TEMPLATE\': Print output using the given Go template')
    .option('--no-trunc', "Don't truncate output")
    .option('--orphans [bool]', 'Include orphaned services (not declared by project)', boolValue('--orphans'), true)
    .action(async (services: string[], o: PsOptions) => runPs(ctx(), services, o));
}

async function runPs(c: ComposeContext, services: string[], o: PsOptions): Promise<void> {
  const statuses = [...o.status];
  if (o.filter) {
    const eq = o.filter.indexOf('=');
    if (eq < 0) throw composeError('arguments to --filter should be in form KEY=VAL', 'ERR_USAGE');
    const key = o.filter.slice(0, eq);
    if (key === 'status') statuses.push(o.filter.slice(eq + 1));
    else if (key === 'source') throw composeError('not implemented', 'ERR_NOT_SUPPORTED');
    else throw composeError(`unknown filter ${key}`, 'ERR_USAGE');
  }
  const { project, name } = await projectOrName(c);
  let wanted = services;
  if (project) {
    const names = Object.keys(project.services);
    for (const s of services) if (!names.includes(s)) throw composeError(`no such service: ${s}`, 'ERR_COMPOSE_NO_SERVICE');
    // until asked for orphans, only the services the project declares
    if (services.length === 0 && !o.orphans) wanted = names;
  }
  const client = await c.client();
  const all = Boolean(o.all) || statuses.length > 0;
  let list = await projectContainers(client, name, { all, oneoff: all ? undefined : false, services: wanted.length ? wanted : undefined });
  if (wanted.length === 1) list = list.filter((x) => serviceOf(x) === wanted[0]);
  if (statuses.length) list = list.filter((x) => statuses.includes(x.State ?? ''));
  list.sort((a, b) => (canonicalName(a) < canonicalName(b) ? -1 : canonicalName(a) > canonicalName(b) ? 1 : 0));

  if (o.quiet) { c.out(list.map((x) => `${x.Id}\n`).join('')); return; }
  if (o.services) {
    const seen: string[] = [];
    for (const x of list) if (!seen.includes(serviceOf(x))) seen.push(serviceOf(x));
    c.out(`${seen.join('\n')}\n`);
    return;
  }
  const summaries = await Promise.all(list.map((x) => summarize(client, x)));
  let format = o.format ?? '';
  if (!format) { try { const f = readDockerConfig().psFormat; if (typeof f === 'string') format = f; } catch { /* docker's CLI warns; the table will do */ } }
  c.out(renderItems({ format, defaultTable: PS_DEFAULT_TABLE, headers: PS_HEADERS }, summaries.map((s) => new ComposeContainerContext(s, o.trunc !== false))));
}

/** The summary with the health (when running) and exit code (when exited or dead) of its inspect. */
async function summarize(client: Awaited<ReturnType<ComposeContext['client']>>, summary: ContainerSummary): Promise<ComposeContainerSummary> {
  const info = await client.json<ContainerInspectResponse>('GET', `/containers/${encodeURIComponent(summary.Id ?? '')}/json`).catch(() => undefined);
  const state = info?.State;
  const health = state?.Status === 'running' ? state.Health?.Status ?? '' : '';
  const exitCode = state?.Status === 'exited' || state?.Status === 'dead' ? state.ExitCode ?? 0 : 0;
  return { summary, health, exitCode };
}
