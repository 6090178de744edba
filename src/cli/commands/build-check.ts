/**
 * `berth build --check`: BuildKit's checks on the build's Dockerfile without building (and without the
 * daemon), printed as buildx prints them. Exit status 1 when a check fired or the Dockerfile does not
 * parse, as `docker build --check` (the lint subrequest's status code); 0 when the Dockerfile is clean. With --target, as BuildKit, the instruction-level checks
 * look only at the stages that target needs.
 */
import { join } from 'node:path';
import { NotSupportedError, UsageError } from '../../common/errors.js';
import { looksLikeArchive } from '../../client/build-context.js';
import { ExitError, readAll, type CliContext } from '../context.js';
import { buildArgValues, resolveLintTarget } from '../lint-files.js';

export async function runBuildCheck(ctx: CliContext, context: string, o: { file?: string; buildArg: string[]; target?: string }, format: 'text' | 'json' = 'text'): Promise<void> {
  const [{ lintDockerfile }, { BUILDKIT_RULES }, { formatCheckReport, formatCheckJson }] = await Promise.all([
    import('../../lint/runner.js'), import('../../lint/registry.js'), import('../../lint/output/buildkit.js'),
  ]);
  let stdinText: string | undefined;
  if (context === '-' || o.file === '-') {
    const input = await readAll(process.stdin);
    if (looksLikeArchive(input)) throw new UsageError('--check reads a Dockerfile, not a context archive, from stdin');
    stdinText = input.toString('utf8');
  }
  const file = context === '-' ? undefined : o.file ?? join(context, 'Dockerfile');
  const target = resolveLintTarget(context, file, () => stdinText ?? '');
  if (target.ignoreWarning) ctx.err(`warning: ${target.ignoreWarning}\n`);
  const label = o.file && o.file !== '-' ? o.file : 'Dockerfile';
  const result = lintDockerfile(target.text, { file: label, buildArgs: buildArgValues(o.buildArg), dockerignore: target.dockerignore,
    // a known context without .dockerignore has none; stdin has no context
    hasDockerignore: target.label === '-' ? undefined : target.dockerignore !== undefined, rules: BUILDKIT_RULES,
    stages: o.target ? { target: o.target } : 'all' });
  ctx.out(format === 'json' ? formatCheckJson(result, target.text, BUILDKIT_RULES) : formatCheckReport(result, target.text));
  if (result.parseError || result.findings.length > 0) throw new ExitError(1);
}

/** `--call`: `build` (the default), or `check[,format=json]`; buildx's other subrequests are refused. */
export function parseCallFlag(v: string | undefined): { check: boolean; format: 'text' | 'json' } {
  if (v === undefined || v === 'build') return { check: false, format: 'text' };
  const [name, ...opts] = v.split(',');
  let format: 'text' | 'json' = 'text';
  for (const o of opts) {
    const [k, val] = o.split('=');
    if (k !== 'format' || (val !== 'json' && val !== 'text')) throw new UsageError(`invalid --call option "${o}": only format=json|text is supported`);
    format = val;
  }
  if (name === 'check') return { check: true, format };
  if (name === 'build') return { check: false, format };
  throw new NotSupportedError(`--call=${name} is not supported (build and check are)`);
}
