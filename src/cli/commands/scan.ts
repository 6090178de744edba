/**
 * `berth scan IMAGE | --container NAME | --dir PATH [--format …] [--severity LIST] [--exit-code N]
 *  [--ignore-unfixed] [--ignorefile FILE] [-o FILE]`, `berth scan db import PATH...`, `berth scan db status`.
 *
 * The daemon matches (its database, under its root); the filters and the ignore file are the user's
 * and apply here. Exit status: 0 when nothing remains, N (`--exit-code`) when findings remain after the
 * filters, 3 when the scan was incomplete (warnings: packages not checked) and findings did not already
 * give N, 1 on errors (as docker's commands other than run/create).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError, UsageError } from '../../common/errors.js';
import { parseSeverities } from '../../scan/filter.js';
import { SEVERITIES, type Finding, type ScanReport } from '../../scan/types.js';
import type { DbStatus, ImportResult } from '../../scan/db/osv-db.js';
import { ExitError, parseIntOption, type CliContext } from '../context.js';
import { renderItems } from '../../client/format/formatter.js';
import { scanTools } from '../lazy-scan.js';
import { renderFindings } from '../supply-chain-tables.js';
import { writeFileAtomic } from './sbom.js';

const enc = encodeURIComponent;
/** The exit status of a scan whose warnings left packages unchecked (docs/scan.md). */
export const INCOMPLETE_EXIT = 3;
export const DEFAULT_IGNORE_FILE = '.berthscanignore.yaml';
const DOCUMENT_FORMATS = new Set(['json', 'sarif', 'cyclonedx-vex']);

interface ScanFlags {
  container?: string; dir?: string; format: string; severity?: string; exitCode?: number;
  ignoreUnfixed?: boolean; ignorefile?: string; output?: string;
}

function summary(report: ScanReport, shown: Finding[]): string {
  const counted = shown.filter((f) => !f.ignored);
  const by = [...SEVERITIES].reverse().map((s) => `${s}: ${counted.filter((f) => f.severity === s).length}`).join(', ');
  const ignored = shown.length - counted.length;
  const what = `${report.target.name}${report.target.distro ? ` (${report.target.distro})` : ''}`;
  return `${what}: ${report.packagesScanned} packages, ${report.db.advisories} advisories\nTotal: ${counted.length} (${by})${ignored ? `, ${ignored} ignored` : ''}\n\n`;
}

async function runScan(ctx: CliContext, image: string | undefined, o: ScanFlags): Promise<void> {
  const targets = [image, o.container, o.dir].filter((t) => t !== undefined);
  if (targets.length !== 1) throw new UsageError('"scan" requires exactly one of IMAGE, --container or --dir');
  const severities = o.severity !== undefined ? parseSeverities(o.severity) : undefined;
  const tools = await scanTools();
  // the ignore file: --ignorefile must exist; the default one applies when present
  const ignorePath = o.ignorefile ?? (existsSync(DEFAULT_IGNORE_FILE) ? DEFAULT_IGNORE_FILE : undefined);
  let rules;
  if (ignorePath !== undefined) {
    let text: string;
    try { text = readFileSync(ignorePath, 'utf8'); } catch (e) {
      throw new InvalidArgumentError(`ignore file ${ignorePath}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 'ERR_SCAN_IGNORE_FILE');
    }
    rules = tools.parseIgnoreFile(text, ignorePath);
  }

  const client = await ctx.client();
  const query = { ...(severities ? { severity: [...severities].join(',') } : {}), ...(o.ignoreUnfixed ? { ignoreUnfixed: '1' } : {}) };
  let report: ScanReport;
  if (o.dir !== undefined) {
    // catalogued here (the daemon may not see this directory), matched by the daemon against its database
    const sbom = await tools.directorySbom(o.dir);
    report = await client.json<ScanReport>('POST', '/berth/scan/sbom', { query, body: sbom });
  } else {
    const path = image !== undefined ? `/berth/images/${enc(image)}/scan` : `/berth/containers/${enc(o.container!)}/scan`;
    report = await client.json<ScanReport>('GET', path, { query });
  }

  let findings = report.findings;
  if (rules) {
    const outcome = tools.applyIgnore(findings, rules);
    findings = outcome.findings;
    for (const e of outcome.expired) ctx.err(`WARNING: ignore entry ${e.id} in ${rules.path} expired on ${e.expires}: not applied\n`);
  }
  for (const w of report.warnings) ctx.err(`WARNING: ${w.path ? `${w.path}: ` : ''}${w.message}\n`);
  if (report.incomplete) ctx.err(`WARNING: the scan is incomplete: ${report.warnings.length} warning${report.warnings.length === 1 ? '' : 's'} above\n`);

  const shown: ScanReport = { ...report, findings };
  const format = o.format || 'table';
  const text = DOCUMENT_FORMATS.has(format)
    ? JSON.stringify(tools.formatScanReport(shown, format), null, 2) + '\n'
    : (format === 'table' ? summary(report, findings) : '') + renderFindings(format, findings.filter((f) => !f.ignored));
  if (o.output) await writeFileAtomic(o.output, text);
  else ctx.out(text);

  const remaining = findings.filter((f) => !f.ignored).length;
  if (o.exitCode !== undefined && o.exitCode !== 0 && remaining > 0) throw new ExitError(o.exitCode);
  if (report.incomplete) throw new ExitError(INCOMPLETE_EXIT);
}

function importLines(r: ImportResult): string {
  let out = '';
  for (const s of r.sources) {
    out += `${s.name}: ${s.advisories} advisories (${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged, ${s.withdrawn} withdrawn)${s.rejected ? `, ${s.rejected} files rejected` : ''}\n`;
  }
  out += `${r.total} advisories in the database (${(r.durationMs / 1000).toFixed(1)}s)\n`;
  return out;
}

function age(seconds: number | undefined): string {
  if (seconds === undefined) return 'never';
  if (seconds < 120) return `${seconds} seconds ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} minutes ago`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} hours ago`;
  return `${Math.round(seconds / 86400)} days ago`;
}

function statusText(st: DbStatus): string {
  let out = `Database:     ${st.path}\nAdvisories:   ${st.advisories}${st.withdrawn ? ` (${st.withdrawn} withdrawn)` : ''}\n`;
  out += `Last import:  ${st.updated ? `${st.updated} (${age(st.ageSeconds)})` : 'never'}\n`;
  if (st.newestModified) out += `Newest entry: ${st.newestModified}\n`;
  out += '\n' + renderItems({ defaultTable: '', format: 'table {{.Ecosystem}}\t{{.Advisories}}', headers: { Ecosystem: 'ECOSYSTEM', Advisories: 'ADVISORIES' } },
    st.ecosystems.map((e) => ({ Ecosystem: e.ecosystem, Advisories: e.advisories })));
  out += '\n' + renderItems({ defaultTable: '', format: 'table {{.Name}}\t{{.Advisories}}\t{{.Warnings}}\t{{.Imported}}\t{{.Path}}', headers: { Name: 'SOURCE', Advisories: 'ADVISORIES', Warnings: 'REJECTED', Imported: 'IMPORTED', Path: 'PATH' } },
    st.sources.map((s) => ({ Name: s.name, Advisories: s.advisories, Warnings: s.warnings, Imported: s.importedAt, Path: s.path })));
  return out;
}

/** The status as templates see it (Go-style field names, as `docker info --format` has). */
function statusRow(st: DbStatus): Record<string, unknown> {
  return {
    Path: st.path, Advisories: st.advisories, Withdrawn: st.withdrawn, Updated: st.updated ?? '', AgeSeconds: st.ageSeconds ?? -1,
    NewestModified: st.newestModified ?? '',
    Ecosystems: st.ecosystems.map((e) => ({ Ecosystem: e.ecosystem, Advisories: e.advisories })),
    Sources: st.sources.map((s) => ({ Name: s.name, Path: s.path, ImportedAt: s.importedAt, Advisories: s.advisories, Warnings: s.warnings })),
  };
}

export function registerScanCommands(program: Command, ctx: CliContext): void {
  const scan = program.command('scan').usage('[OPTIONS] IMAGE | --container CONTAINER | --dir PATH')
    .description('Scan an image, a container or a directory for known vulnerabilities (offline, against the imported OSV database)')
    .argument('[image]')
    .option('--container <string>', "Scan a container's current filesystem")
    .option('--dir <string>', 'Scan a local directory (catalogued here, matched by the daemon)')
    .option('--format <string>', 'Output format: table, json, sarif, cyclonedx-vex, or a Go template over each finding', 'table')
    .option('--severity <list>', `Report only these severities (comma-separated: ${SEVERITIES.join(',')})`)
    .option('--exit-code <int>', 'Exit with this status when findings remain after the filters', parseIntOption('--exit-code'))
    .option('--ignore-unfixed', 'Leave out findings that have no fixed version')
    .option('--ignorefile <string>', `Ignore file (YAML; default ${DEFAULT_IGNORE_FILE} when present)`)
    .option('-o, --output <string>', 'Write to a file instead of STDOUT')
    .action((image: string | undefined, o: ScanFlags) => runScan(ctx, image, o));

  const db = scan.command('db').usage('COMMAND').description('Manage the offline vulnerability database (OSV)');
  db.command('import').usage('PATH [PATH...]')
    .description('Import OSV advisories: directories of JSON files, .json files, or zips as osv.dev publishes them')
    .argument('<paths...>')
    .option('--name <string>', 'Source name shown by "scan db status" (default: from the path)')
    .action(async (paths: string[], o: { name?: string }) => {
      const client = await ctx.client();
      let rejected = 0;
      let incomplete = false;
      for (const p of paths) {
        const abs = resolve(p);
        let st;
        try { st = statSync(abs); } catch { throw new InvalidArgumentError(`no such file or directory: ${p}`, 'ERR_PATH_NOT_FOUND'); }
        // uploaded, so a daemon that cannot see this file system still gets the files
        const body = st.isDirectory() ? (await scanTools()).zipDirectoryStream(abs) : createReadStream(abs);
        const name = o.name ?? (/^all\.(zip|json)$/i.test(basename(abs)) ? `${basename(resolve(abs, '..'))}/${basename(abs)}` : basename(abs));
        const r = await client.json<ImportResult>('POST', '/berth/scan/db/import', { query: { name, path: abs }, body, contentType: st.isDirectory() || abs.endsWith('.zip') ? 'application/zip' : 'application/octet-stream' });
        // the daemon names its spooled copy: say the user's path instead (a directory's files by their own path)
        const shown = (p: string) => p.replace(/^.*\/osv-upload-[^/]+\/upload\.(zip|json)(!\/)?/, (_m, _ext, bang) => (bang && st.isDirectory() ? `${abs}/` : bang ? `${abs}!/` : abs));
        for (const w of r.warnings) ctx.err(`WARNING: ${w.path ? `${shown(w.path)}: ` : ''}${w.message}\n`);
        rejected += r.sources.reduce((n, s) => n + s.rejected, 0);
        incomplete ||= r.incomplete;
        ctx.out(importLines(r));
      }
      if (incomplete) {
        ctx.err(`WARNING: the import is incomplete${rejected ? `: ${rejected} file${rejected === 1 ? ' was' : 's were'} rejected` : ''}\n`);
        throw new ExitError(INCOMPLETE_EXIT);
      }
    });
  db.command('status').description('Show the database: sources, advisories per ecosystem, last import')
    .option('--format <string>', 'Output format: json, or a Go template over the status')
    .action(async (o: { format?: string }) => {
      const client = await ctx.client();
      const st = await client.json<DbStatus>('GET', '/berth/scan/db/status');
      if (!o.format) ctx.out(statusText(st));
      else if (o.format === 'json') ctx.out(JSON.stringify(st, null, 2) + '\n');
      else ctx.out(renderItems({ format: o.format, defaultTable: '', headers: {} }, [statusRow(st)]));
    });
}
