/**
 * The checks a build runs first, as BuildKit does: BuildKit's checks over the build's Dockerfile (as found
 * in the received context, with its .dockerignore and the --build-arg values; a base image's ENV when it is
 * already in the store). Their short list goes into the build's output; `# check=error=true` with a
 * finding stops the build before any step (ERR_LINT_FAILED), and a `check` directive that does not parse
 * fails it as BuildKit fails it.
 */
import { InvalidArgumentError } from '../common/errors.js';
import type { BuildHost } from '../builder/build-host.js';
import type { ContextFs } from '../builder/context/context-fs.js';
import { lintDockerfile, type RunnerResult } from '../lint/runner.js';
import { BUILDKIT_RULES } from '../lint/registry.js';
import { formatBuildWarnings, lintViolationMessage } from '../lint/output/buildkit.js';
import { LintFailedError } from '../lint/errors.js';

async function readText(fs: ContextFs, rel: string): Promise<string | undefined> {
  if (fs.lstat(rel)?.type !== 'file') return undefined;
  try { return (await fs.readFile(rel)).toString('utf8'); } catch { return undefined; }
}

export async function lintBuildDockerfile(host: BuildHost, fs: ContextFs, opts: { dockerfile?: string; buildArgs?: Record<string, string | null>; target?: string }): Promise<RunnerResult | undefined> {
  const dockerfile = opts.dockerfile || 'Dockerfile';
  const text = await readText(fs, dockerfile);
  if (text === undefined) return undefined; // the builder says the Dockerfile is missing
  const dockerignore = (await readText(fs, dockerfile + '.dockerignore')) ?? (await readText(fs, '.dockerignore'));
  const buildArgs: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.buildArgs ?? {})) if (v !== null) buildArgs[k] = v;
  const key = JSON.stringify([dockerfile, text, dockerignore ?? null, buildArgs, opts.target ?? null]);
  const memo = memoGet(host, key);
  if (memo) return memo;
  const bases = new Map<string, string | undefined>();
  const imageEnv = (ref: string): string[] | undefined => {
    const img = resolveImage(host, ref);
    bases.set(ref, img?.id);
    return img ? ((img.config?.config?.Env as string[] | undefined) ?? []) : undefined;
  };
  const result = lintDockerfile(text, { file: dockerfile, buildArgs, dockerignore, hasDockerignore: dockerignore !== undefined, imageEnv, rules: BUILDKIT_RULES,
    stages: { target: opts.target } }); // a build dispatches only the stages its target needs, and checks only those
  memoPut(host, key, { result, bases });
  return result;
}

function resolveImage(host: BuildHost, ref: string): ReturnType<BuildHost['images']['tryResolve']> {
  try { return host.images.tryResolve(ref); } catch { return undefined; }
}

/**
 * The checks of a rebuild: the same Dockerfile, .dockerignore, build args and target give the same
 * findings while every base image the checks looked at resolves to the same image (or is still
 * missing). Parsing and the dispatch dry run were a fifth of a cached rebuild's daemon CPU.
 */
interface LintMemo { result: RunnerResult; bases: Map<string, string | undefined> }
const MEMO_MAX = 32;
/** per image store: two engines in one process never share findings */
const memos = new WeakMap<object, Map<string, LintMemo>>();

function memoOf(host: BuildHost): Map<string, LintMemo> {
  let m = memos.get(host.images);
  if (!m) { m = new Map(); memos.set(host.images, m); }
  return m;
}

function memoGet(host: BuildHost, key: string): RunnerResult | undefined {
  const memo = memoOf(host);
  const m = memo.get(key);
  if (!m) return undefined;
  for (const [ref, id] of m.bases) if (resolveImage(host, ref)?.id !== id) { memo.delete(key); return undefined; }
  memo.delete(key);
  memo.set(key, m); // most recently used last
  return m.result;
}

function memoPut(host: BuildHost, key: string, m: LintMemo): void {
  const memo = memoOf(host);
  memo.set(key, m);
  if (memo.size > MEMO_MAX) memo.delete(memo.keys().next().value!);
}

/** Reports the findings through `notice`; throws when the build must stop. */
export function applyBuildLint(result: RunnerResult | undefined, notice: ((text: string) => void) | undefined): void {
  if (!result) return;
  // a Dockerfile that does not parse is the builder's to report, with its own location; a bad check directive is ours
  if (result.parseError) {
    if (result.parseError.message.startsWith('failed to parse check options')) throw new InvalidArgumentError(result.parseError.message, 'ERR_LINT');
    return;
  }
  const text = formatBuildWarnings(result.findings);
  if (text) notice?.(text);
  if (result.failBuild) throw new LintFailedError(lintViolationMessage(result.findings));
}
