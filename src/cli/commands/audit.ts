/**
 * `berth audit`: the host security audit (CIS Docker Benchmark sections), run by the daemon
 * (GET /berth/audit) and printed here as Docker Bench's text, JSON, SARIF or a Go template per finding.
 */
import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import { compile, preFormat } from '../../client/format/formatter.js';
import { renderSarif, renderText } from '../../audit/render.js';
import type { AuditReport } from '../../audit/types.js';
import { ExitError, parseIntOption, type CliContext } from '../context.js';

export function registerAuditCommands(program: Command, ctx: CliContext): void {
  program.command('audit').usage('[OPTIONS]')
    .description('Audit the host, the daemon, images and containers against the CIS Docker Benchmark')
    .option('--container <name>', 'Audit only this container (and its image)')
    .option('--format <string>', 'Output: text, json, sarif, or a Go template applied to each finding', 'text')
    .option('--exit-code <int>', 'Exit with this code when any check warns', parseIntOption('--exit-code'), 0)
    .action(async (o: { container?: string; format: string; exitCode: number }) => {
      const client = await ctx.client();
      const report = await client.json<AuditReport>('GET', '/berth/audit', { query: o.container ? { container: o.container } : {} });
      if (o.format === 'text' || o.format === '') ctx.out(renderText(report));
      else if (o.format === 'json') ctx.out(JSON.stringify(report, null, 2) + '\n');
      else if (o.format === 'sarif') ctx.out(JSON.stringify(renderSarif(report), null, 2) + '\n');
      else {
        let tmpl;
        try { tmpl = compile(preFormat(o.format).text); } catch (e) { throw new UsageError(`invalid --format: ${(e as Error).message}`); }
        // Go-style field names, as docker's templates have them (.ID, .Status, .Target...)
        for (const f of report.findings) {
          ctx.out(tmpl.execute({ ID: f.id, Section: f.section, Title: f.title, Status: f.status, Details: f.details ?? '', Target: f.target ?? '', Remediation: f.remediation ?? '' }) + '\n');
        }
      }
      // checks that could not look: the text shows them; the machine formats carry them, and stderr says so
      if (o.format !== 'text' && report.errors.length) {
        ctx.err(report.errors.map((e) => `berth audit: ${e.id}: ${e.message}\n`).join(''));
      }
      if (o.exitCode !== 0 && report.findings.some((f) => f.status === 'WARN')) throw new ExitError(o.exitCode);
    });
}
