/** volume create/ls/inspect/rm/prune. */
import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import { encodeFilters } from '../../client/engine-client.js';
import { collect, confirm, forEachTarget, type CliContext } from '../context.js';
import { compile, preFormat, renderItems } from '../../client/format/formatter.js';
import { listFormat } from '../config-formats.js';
import { humanSize } from '../../client/format/units.js';

const enc = encodeURIComponent;

class VolumeRow {
  constructor(private readonly v: any) {}
  get Name(): string { return this.v.Name; }
  get Driver(): string { return this.v.Driver; }
  get Scope(): string { return this.v.Scope; }
  get Mountpoint(): string { return this.v.Mountpoint; }
  get Labels(): string { return Object.keys(this.v.Labels ?? {}).sort().map((k) => `${k}=${this.v.Labels[k]}`).join(','); }
  get Links(): string { return 'N/A'; }
  get Size(): string { return 'N/A'; }
  Label(k: string): string { return this.v.Labels?.[k] ?? ''; }
  toJSON(): Record<string, string> {
    return { Driver: this.Driver, Labels: this.Labels, Links: this.Links, Mountpoint: this.Mountpoint, Name: this.Name, Scope: this.Scope, Size: this.Size };
  }
}

function keyValues(list: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const i = item.indexOf('=');
    if (i <= 0) throw new UsageError(`invalid argument "${item}" for "${flag}" flag: expected key=value`);
    out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

export function registerVolumeCommands(program: Command, ctx: CliContext): void {
  const group = program.command('volume').usage('COMMAND').description('Manage volumes');
  group.allowExcessArguments(false);

  group.command('create').usage('[OPTIONS] [VOLUME]').description('Create a volume').argument('[name]')
    .option('-d, --driver <string>', 'Specify volume driver name', 'local')
    .option('--label <list>', 'Set metadata for a volume', collect, [])
    .option('-o, --opt <map>', 'Set driver specific options', collect, [])
    .option('--name <string>', 'Specify volume name')
    .action(async (name: string | undefined, o: any) => {
      if (name && o.name && name !== o.name) throw new UsageError('conflicting options: either specify --name or provide positional arg, not both');
      const client = await ctx.client();
      const v = await client.json<any>('POST', '/volumes/create', { body: { Name: name ?? o.name ?? '', Driver: o.driver, DriverOpts: keyValues(o.opt, '--opt'), Labels: keyValues(o.label.map((l: string) => l.includes('=') ? l : l + '='), '--label') } });
      ctx.out(v.Name + '\n');
    });

  const ls = (name: string) => group.command(name).usage('[OPTIONS]').description('List volumes')
    .option('-f, --filter <filter>', "Provide filter values (e.g. 'dangling=true')", collect, [])
    .option('--format <string>', 'Format output using a custom template')
    .option('-q, --quiet', 'Only display volume names')
    .action(async (o: any) => {
      const client = await ctx.client();
      const res = await client.json<any>('GET', '/volumes', { query: { filters: encodeFilters(o.filter) } });
      const format = o.quiet && !o.format ? '{{.Name}}' : listFormat('volumesFormat', o.format);
      const rows = (res.Volumes ?? []).sort((a: any, b: any) => a.Name.localeCompare(b.Name)).map((v: any) => new VolumeRow(v));
      ctx.out(renderItems({ format, defaultTable: 'table {{.Driver}}\t{{.Name}}', headers: { Driver: 'DRIVER', Name: 'VOLUME NAME', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Links: 'LINKS', Size: 'SIZE' } }, rows));
    });
  ls('ls'); ls('list');

  group.command('inspect').usage('[OPTIONS] VOLUME [VOLUME...]').description('Display detailed information on one or more volumes')
    .argument('<volumes...>').option('-f, --format <string>', 'Format output using a custom template')
    .action(async (names: string[], o: any) => {
      const client = await ctx.client();
      const found: any[] = [];
      let failed = false;
      for (const n of names) {
        try { found.push(await client.json('GET', `/volumes/${enc(n)}`)); } catch (e) { ctx.err(`Error response from daemon: ${(e as Error).message}\n`); failed = true; }
      }
      if (o.format) { const t = compile(preFormat(o.format).text); for (const v of found) ctx.out(t.execute(v) + '\n'); }
      else ctx.out(JSON.stringify(found, null, 4) + '\n');
      if (failed) process.exitCode = 1;
    });

  const rm = (name: string) => group.command(name).usage('[OPTIONS] VOLUME [VOLUME...]').description('Remove one or more volumes').argument('<volumes...>')
    .option('-f, --force', 'Force the removal of one or more volumes')
    .action(async (names: string[], o: any) => {
      const client = await ctx.client();
      await forEachTarget(names, async (n) => {
        await client.call('DELETE', `/volumes/${enc(n)}`, { query: { force: o.force || undefined } });
        ctx.out(n + '\n');
      });
    });
  rm('rm'); rm('remove');

  group.command('prune').usage('[OPTIONS]').description('Remove unused local volumes')
    .option('-a, --all', 'Remove all unused volumes, not just anonymous ones')
    .option('--filter <filter>', "Provide filter values (e.g. 'label=<label>')", collect, [])
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (o: any) => {
      if (!o.force && !(await confirm('WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue?'))) return;
      const client = await ctx.client();
      const filters = [...o.filter, ...(o.all ? ['all=true'] : [])];
      const res = await client.json<any>('POST', '/volumes/prune', { query: { filters: encodeFilters(filters) } });
      if (res.VolumesDeleted?.length) ctx.out('Deleted Volumes:\n' + res.VolumesDeleted.map((n: string) => n + '\n').join('') + '\n');
      ctx.out(`Total reclaimed space: ${humanSize(res.SpaceReclaimed ?? 0)}\n`);
    });
}
