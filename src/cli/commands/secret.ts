/** secret create/ls/inspect/rm: Docker's `docker secret` commands, answered by berth without Swarm. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import { encodeFilters } from '../../client/engine-client.js';
import { collect, ExitError, forEachTarget, readAll, type CliContext } from '../context.js';
import { compile, preFormat, renderItems } from '../../client/format/formatter.js';
import { humanDuration } from '../../client/format/units.js';
import { parseTime } from '../../common/human-time.js';

const enc = encodeURIComponent;

class SecretRow {
  constructor(private readonly s: any) {}
  get ID(): string { return this.s.ID; }
  get Name(): string { return this.s.Spec?.Name ?? ''; }
  get Driver(): string { return this.s.Spec?.Driver?.Name ?? ''; }
  get CreatedAt(): string { return `${humanDuration(Date.now() - parseTime(this.s.CreatedAt))} ago`; }
  get UpdatedAt(): string { return `${humanDuration(Date.now() - parseTime(this.s.UpdatedAt))} ago`; }
  get Labels(): string { const l = this.s.Spec?.Labels ?? {}; return Object.keys(l).sort().map((k) => `${k}=${l[k]}`).join(','); }
  Label(k: string): string { return this.s.Spec?.Labels?.[k] ?? ''; }
  toJSON(): Record<string, string> {
    return { CreatedAt: this.CreatedAt, Driver: this.Driver, ID: this.ID, Labels: this.Labels, Name: this.Name, UpdatedAt: this.UpdatedAt };
  }
}

/** docker's --label: `k=v`, or `k` for an empty value. */
function labels(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of list) { const i = l.indexOf('='); if (i < 0) out[l] = ''; else out[l.slice(0, i)] = l.slice(i + 1); }
  return out;
}

export function registerSecretCommands(program: Command, ctx: CliContext): void {
  const group = program.command('secret').usage('COMMAND').description('Manage secrets (on this host, no Swarm needed)');
  group.allowExcessArguments(false);

  group.command('create').usage('[OPTIONS] SECRET file|-').description('Create a secret from a file or STDIN as content')
    .argument('<secret>').argument('[file]')
    .option('-d, --driver <string>', 'Secret driver (not supported: berth keeps the value itself)')
    .option('-l, --label <list>', 'Secret labels', collect, [])
    .option('--template-driver <string>', 'Template driver (not supported)')
    .action(async (name: string, file: string | undefined, o: any) => {
      if (o.driver) throw new UsageError('secret drivers are a Swarm feature that berth does not have; leave --driver out to store the value in berth');
      if (o.templateDriver) throw new UsageError('secret templating is a Swarm feature that berth does not have');
      if (!file) throw new UsageError('"secret create" requires exactly 2 arguments: the secret\'s name and a file, or - to read it from STDIN');
      let data: Buffer;
      try { data = file === '-' ? await readAll(process.stdin) : readFileSync(file); } catch (e) {
        throw new UsageError(`error reading content from "${file}": ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? `open ${file}: no such file or directory` : (e as Error).message}`);
      }
      const client = await ctx.client();
      const res = await client.json<{ ID: string }>('POST', '/secrets/create', { body: { Name: name, Labels: labels(o.label), Data: data.toString('base64') } });
      data.fill(0);
      ctx.out(res.ID + '\n');
    });

  const ls = (cmd: string) => group.command(cmd).usage('[OPTIONS]').description('List secrets')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', collect, [])
    .option('--format <string>', 'Format output using a custom template')
    .option('-q, --quiet', 'Only display IDs')
    .action(async (o: any) => {
      const client = await ctx.client();
      const res = await client.json<any[]>('GET', '/secrets', { query: { filters: encodeFilters(o.filter) } });
      const rows = (res ?? []).sort((a, b) => String(a.Spec?.Name).localeCompare(String(b.Spec?.Name))).map((s) => new SecretRow(s));
      const format: string = o.quiet && !o.format ? '{{.ID}}' : o.format ?? 'table';
      ctx.out(renderItems({ format, defaultTable: 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.CreatedAt}}\t{{.UpdatedAt}}',
        headers: { ID: 'ID', Name: 'NAME', Driver: 'DRIVER', CreatedAt: 'CREATED', UpdatedAt: 'UPDATED', Labels: 'LABELS' } }, rows));
    });
  ls('ls'); ls('list');

  group.command('inspect').usage('[OPTIONS] SECRET [SECRET...]').description('Display detailed information on one or more secrets')
    .argument('<secrets...>').option('-f, --format <string>', 'Format output using a custom template')
    .option('--pretty', 'Print the information in a human friendly format')
    .action(async (refs: string[], o: any) => {
      const client = await ctx.client();
      const found: any[] = [];
      let failed = false;
      for (const r of refs) {
        try { found.push(await client.json('GET', `/secrets/${enc(r)}`)); } catch (e) { ctx.err(`Error response from daemon: ${(e as Error).message}\n`); failed = true; }
      }
      if (o.pretty) {
        ctx.out(found.map((s) => {
          const row = new SecretRow(s);
          const l = s.Spec?.Labels ?? {};
          return `ID:              ${row.ID}\nName:              ${row.Name}\n${Object.keys(l).length ? `Labels:\n${Object.keys(l).sort().map((k) => ` - ${k}=${l[k]}\n`).join('')}` : ''}Driver:            ${row.Driver}\nCreated at:        ${s.CreatedAt}\nUpdated at:        ${s.UpdatedAt}\n`;
        }).join('\n'));
      } else if (o.format) { const t = compile(preFormat(o.format).text); for (const s of found) ctx.out(t.execute(s) + '\n'); }
      else ctx.out(JSON.stringify(found, null, 4) + '\n');
      if (failed) throw new ExitError(1);
    });

  const rm = (cmd: string) => group.command(cmd).usage('SECRET [SECRET...]').description('Remove one or more secrets').argument('<secrets...>')
    .action(async (refs: string[]) => {
      const client = await ctx.client();
      await forEachTarget(refs, async (r) => {
        await client.call('DELETE', `/secrets/${enc(r)}`);
        ctx.out(r + '\n');
      });
    });
  rm('rm'); rm('remove');
}
