/** `compose ls`: the projects on the engine, found by their containers' labels (compose v2's List). */
import type { Command } from 'commander';
import type { ContainerSummary } from '../../common/engine-api/types.js';
import { tabwrite } from '../../client/format/tabwriter.js';
import type { ComposeContext } from '../context.js';
import { LABELS } from '../model.js';
import { composeError } from '../ops/errors.js';
import { collect } from './flags.js';

export interface Stack { Name: string; Status: string; ConfigFiles: string }

export function registerLsCommand(program: Command, ctx: () => ComposeContext): void {
  program.command('ls').usage('[OPTIONS]').description('List running compose projects')
    .option('-a, --all', 'Show all stopped Compose projects')
    .option('--filter <filter>', 'Filter output based on conditions provided', collect, [])
    .option('--format <format>', 'Format the output. Values: [table | json]', 'table')
    .option('-q, --quiet', 'Only display project names')
    .action(async (o: { all?: boolean; filter: string[]; format: string; quiet?: boolean }) => {
      const c = ctx();
      const names: string[] = [];
      for (const f of o.filter) {
        const eq = f.indexOf('=');
        if (eq < 0) throw composeError(`bad format of filter (expected name=value)`, 'ERR_USAGE');
        if (f.slice(0, eq) !== 'name') throw composeError(`invalid filter '${f.slice(0, eq)}'`, 'ERR_USAGE');
        names.push(f.slice(eq + 1));
      }
      const format = o.format.toLowerCase();
      if (!['table', 'pretty', '', 'json'].includes(format)) throw composeError(`format value "${o.format}" could not be parsed: parsing failed`, 'ERR_USAGE');
      const list = await c.client().then((client) => client.json<ContainerSummary[]>('GET', '/containers/json', {
        query: { all: o.all ? true : undefined, filters: JSON.stringify({ label: [LABELS.project, LABELS.configHash] }) },
      }));
      let stacks = stacksOf(list);
      if (names.length) stacks = stacks.filter((s) => names.some((n) => n === s.Name || safeMatch(n, s.Name)));
      if (o.quiet) { c.out(stacks.map((s) => `${s.Name}\n`).join('')); return; }
      if (format === 'json') { c.out(`${JSON.stringify(stacks)}\n`); return; }
      c.out(tabwrite(['NAME\tSTATUS\tCONFIG FILES', ...stacks.map((s) => `${s.Name}\t${s.Status}\t${s.ConfigFiles}`)].join('\n') + '\n', { minWidth: 20, padding: 3 }));
    });
}

/** The name filter is a regular expression, as compose's (an invalid one matches nothing). */
function safeMatch(pattern: string, name: string): boolean {
  try { return new RegExp(pattern).test(name); } catch { return false; }
}

/** Containers grouped by project: `running(2), exited(1)` and the config files of all of them. */
export function stacksOf(containers: ContainerSummary[]): Stack[] {
  const byProject = new Map<string, ContainerSummary[]>();
  for (const c of containers) {
    const p = c.Labels?.[LABELS.project];
    if (p === undefined) continue;
    (byProject.get(p) ?? byProject.set(p, []).get(p)!).push(c);
  }
  return [...byProject.keys()].sort().map((name) => {
    const members = byProject.get(name)!;
    const files: string[] = [];
    let missing = false;
    for (const m of members) {
      const label = m.Labels?.[LABELS.configFiles];
      if (label === undefined) { missing = true; continue; }
      for (const f of label.split(',')) if (!files.includes(f)) files.push(f);
    }
    return { Name: name, Status: combinedStatus(members.map((m) => m.State ?? '')), ConfigFiles: missing ? 'N/A' : files.join(',') };
  });
}

export function combinedStatus(states: string[]): string {
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts.keys()].sort().map((s) => `${s}(${counts.get(s)})`).join(', ');
}
