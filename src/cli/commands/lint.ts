/**
 * `berth lint [PATH...]`: BuildKit's checks and berth's own rules over Dockerfiles, in the CLI (no daemon).
 * Exit status: 0 when no finding reaches the failure threshold, 1 when one does, 2 when a file could not
 * be read or did not parse (the other files are still linted and reported).
 */
import type { Command } from 'commander';
import { BerthError, UsageError } from '../../common/errors.js';
import { collect, ExitError, readAll, type CliContext } from '../context.js';
import { buildArgValues, resolveLintTarget } from '../lint-files.js';

export function registerLintCommands(program: Command, ctx: CliContext): void {
  program.command('lint').usage('[OPTIONS] [PATH...]')
    .description('Check Dockerfiles: BuildKit\'s build checks and berth\'s best-practice rules')
    .argument('[paths...]', 'Dockerfiles, or directories holding one (default "."); "-" reads stdin')
    .option('-f, --file <string>', 'Name of the Dockerfile (with a directory PATH, that directory is its build context)')
    .option('--format <string>', 'Output format: text or json', 'text')
    .option('--build-arg <list>', 'Set build-time variables (as for build)', collect, [])
    .option('--failure-threshold <severity>', 'Exit 1 when a finding is at or above: error, warning, info, style, none', 'warning')
    .action(async (paths: string[], o: any) => {
      const [{ lintDockerfile }, { LINT_FORMATS }, { formatParseErrors }, { reachesThreshold, isSeverity }, { ALL_RULES }] = await Promise.all([
        import('../../lint/runner.js'), import('../../lint/output/index.js'), import('../../lint/output/text.js'),
        import('../../lint/output/severity.js'), import('../../lint/registry.js'),
      ]);
      const format = LINT_FORMATS[o.format];
      if (!format) throw new UsageError(`unknown format "${o.format}": use ${Object.keys(LINT_FORMATS).join(', ')}`);
      const threshold = o.failureThreshold as string;
      if (threshold !== 'none' && !isSeverity(threshold)) throw new UsageError(`invalid --failure-threshold "${threshold}": use error, warning, info, style or none`);
      if (o.file && paths.length > 1) throw new UsageError('-f/--file takes one PATH (the build context)');
      const buildArgs = buildArgValues(o.buildArg);
      let stdinText: string | undefined;
      const stdin = (): string => {
        if (stdinText === undefined) throw new UsageError('"-" can be given once');
        const t = stdinText; stdinText = undefined; return t;
      };
      if (paths.includes('-') || o.file === '-') stdinText = (await readAll(process.stdin)).toString('utf8');
      const results = [];
      let unreadable = false;
      for (const path of paths.length ? paths : ['.']) {
        let target;
        try { target = resolveLintTarget(path, o.file, stdin); } catch (e) {
          if (!(e instanceof BerthError)) throw e;
          ctx.err(`${e.message}\n`);
          unreadable = true;
          continue;
        }
        if (target.ignoreWarning) ctx.err(`warning: ${target.ignoreWarning}\n`);
        results.push(lintDockerfile(target.text, {
          file: target.label, buildArgs, dockerignore: target.dockerignore, config: { failureThreshold: threshold as never },
        }));
      }
      for (const r of results) for (const e of (r as { ruleErrors?: Array<{ rule: string; message: string }> }).ruleErrors ?? []) ctx.err(`warning: ${r.file}: rule ${e.rule} failed: ${e.message}\n`);
      ctx.out(format(results, { rules: ALL_RULES }));
      if (o.format === 'text') ctx.err(formatParseErrors(results));
      if (unreadable || results.some((r) => r.parseError)) throw new ExitError(2);
      if (results.some((r) => r.findings.some((f) => reachesThreshold(f, threshold as never)))) throw new ExitError(1);
    });
}
