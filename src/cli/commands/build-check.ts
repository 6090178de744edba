/**
 * `berth build --check`: BuildKit's checks on the build's Dockerfile without building (and without the
 * daemon), printed as buildx prints them. Exit status 1 when a check fired or the Dockerfile does not
 * parse, as `docker build --check` (the lint subrequest's status code); 0 when the Dockerfile is clean.
 */
import { join } from 'node:path';
import { UsageError } from '../../common/errors.js';
import { looksLikeArchive } from '../../client/build-context.js';
import { ExitError, readAll, type CliContext } from '../context.js';
import { buildArgValues, resolveLintTarget } from '../lint-files.js';

export async function runBuildCheck(ctx: CliContext, context: string, o: { file?: string; buildArg: string[] }): Promise<void> {
  const [{ lintDockerfile }, { BUILDKIT_RULES }, { formatCheckReport }] = await Promise.all([
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
  const result = lintDockerfile(target.text, { file: label, buildArgs: buildArgValues(o.buildArg), dockerignore: target.dockerignore, rules: BUILDKIT_RULES });
  ctx.out(formatCheckReport(result, target.text));
  if (result.parseError || result.findings.length > 0) throw new ExitError(1);
}
