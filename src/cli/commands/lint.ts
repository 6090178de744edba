/**
 * `berth lint [PATH...]`: BuildKit's checks and berth's own rules over Dockerfiles, in the CLI (no daemon).
 * Exit status: 0 when no finding reaches the failure threshold, 1 when one does, 2 when a file could not
 * be read or did not parse (the other files are still linted and reported).
 */
import type { Command } from 'commander';
import { BerthError, UsageError } from '../../common/errors.js';
import { collect, ExitError, readAll, type CliContext } from '../context.js';
import { buildArgValues, resolveLintTarget } from '../lint-files.js';
import type { LintJob } from '../../lint/lint-all.js';
import type { LintConfig } from '../../lint/types.js';

export function registerLintCommands(program: Command, ctx: CliContext): void {
  program.command('lint').usage('[OPTIONS] [PATH...]')
    .description('Check Dockerfiles: BuildKit\'s build checks and berth\'s best-practice rules')
    .argument('[paths...]', 'Dockerfiles, or directories holding one (default "."); "-" reads stdin')
    .option('-f, --file <string>', 'Name of the Dockerfile (with a directory PATH, that directory is its build context)')
    .option('--format <string>', 'Output format: text, json, sarif or checkstyle', 'text')
    .option('--build-arg <list>', 'Set build-time variables (as for build)', collect, [])
    .option('--failure-threshold <severity>', 'Exit 1 when a finding is at or above: error, warning, info, style, none (default: the config\'s, else warning)')
    .option('--config <file>', 'Lint config file (default: .berth-lint.yaml in the build context)')
    .option('--strict', 'Fail on every finding, style included (failure threshold "style")')
    .option('--no-shellcheck', 'Do not run ShellCheck on RUN scripts')
    .action(async (paths: string[], o: any) => {
      const [{ lintAll }, { LINT_FORMATS }, { formatParseErrors }, { reachesThreshold, isSeverity }, { ALL_RULES }, { loadLintConfig }, { SHELLCHECK_RULE }] = await Promise.all([
        import('../../lint/lint-all.js'), import('../../lint/output/index.js'), import('../../lint/output/text.js'),
        import('../../lint/output/severity.js'), import('../../lint/registry.js'), import('../../lint/config.js'), import('../../lint/shellcheck.js'),
      ]);
      const format = LINT_FORMATS[o.format];
      if (!format) throw new UsageError(`unknown format "${o.format}": use ${Object.keys(LINT_FORMATS).join(', ')}`);
      const threshold = o.failureThreshold as string | undefined;
      if (threshold !== undefined && threshold !== 'none' && !isSeverity(threshold)) throw new UsageError(`invalid --failure-threshold "${threshold}": use error, warning, info, style or none`);
      if (threshold !== undefined && o.strict) throw new UsageError('--strict and --failure-threshold cannot be used together');
      if (o.file && paths.length > 1) throw new UsageError('-f/--file takes one PATH (the build context)');
      const buildArgs = buildArgValues(o.buildArg);
      let stdinText: string | undefined;
      const stdin = (): string => {
        if (stdinText === undefined) throw new UsageError('"-" can be given once');
        const t = stdinText; stdinText = undefined; return t;
      };
      if (paths.includes('-') || o.file === '-') stdinText = (await readAll(process.stdin)).toString('utf8');
      const jobs: Array<LintJob & { threshold: LintConfig['failureThreshold'] }> = [];
      let unreadable = false;
      // one config per build context (`.berth-lint.yaml` there), or the one --config names for all
      const configs = new Map<string, LintConfig>();
      const configFor = async (contextDir: string): Promise<LintConfig> => {
        const key = o.config ? '' : contextDir;
        if (!configs.has(key)) configs.set(key, (await loadLintConfig({ contextDir, configPath: o.config, strict: o.strict, noShellcheck: o.shellcheck === false })).config);
        return configs.get(key)!;
      };
      for (const path of paths.length ? paths : ['.']) {
        let target;
        try { target = resolveLintTarget(path, o.file, stdin); } catch (e) {
          if (!(e instanceof BerthError)) throw e;
          ctx.err(`${e.message}\n`);
          unreadable = true;
          continue;
        }
        if (target.ignoreWarning) ctx.err(`warning: ${target.ignoreWarning}\n`);
        const config = { ...await configFor(target.contextDir) };
        if (threshold !== undefined) config.failureThreshold = threshold as never;
        // a context without .dockerignore is known to have none (COPY . . then copies everything)
        const noIgnore = target.label !== '-' && target.dockerignore === undefined && !target.ignoreWarning;
        jobs.push({ threshold: config.failureThreshold, text: target.text, options: { file: target.label, buildArgs, dockerignore: target.dockerignore, ...(noIgnore ? { hasDockerignore: false } : {}), config } });
      }
      const { results, shellcheckMissing } = await lintAll(jobs);
      if (shellcheckMissing) ctx.err('warning: shellcheck is not installed: RUN scripts were not checked (install it, or pass --no-shellcheck)\n');
      for (const r of results) for (const e of (r as { ruleErrors?: Array<{ rule: string; message: string }> }).ruleErrors ?? []) ctx.err(`warning: ${r.file}: rule ${e.rule} failed: ${e.message}\n`);
      ctx.out(format(results, { rules: [...ALL_RULES, SHELLCHECK_RULE] }));
      if (o.format === 'text') ctx.err(formatParseErrors(results));
      if (unreadable || results.some((r) => r.parseError)) throw new ExitError(2);
      if (results.some((r, i) => r.findings.some((f) => reachesThreshold(f, jobs[i].threshold)))) throw new ExitError(1);
    });
}
