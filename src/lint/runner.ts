/**
 * Runs the rules over one Dockerfile: parse (a parse failure is reported, never thrown), read the
 * `# check=` directive (skip / error / experimental, BuildKit's meaning), run each enabled rule, apply
 * the per-instruction `# check=` comments and the configured severities, and sort by line.
 */
import { BerthError } from '../common/errors.js';
import { parseDockerfile, type ParseResult } from '../builder/parser/ast.js';
import { DockerfileError } from '../builder/parser/errors.js';
import { parseInstructions } from '../builder/parser/instructions.js';
import { PatternMatcher, readIgnoreFile } from '../builder/context/dockerignore.js';
import { checkFromComment, emptyCheckOptions, mergeCheckOptions, parseCheckOptions } from './check-directive.js';
import { lintContext } from './context.js';
import { applyInlineIgnores, inlineIgnores } from './config.js';
import { ALL_RULES, defaultLintConfig } from './registry.js';
import type { CheckOptions, LintConfig, LintFinding, LintInput, LintResult, LintRule, RuleReport } from './types.js';

export interface LintOptions {
  /** the Dockerfile's path as it should appear in findings */
  file: string;
  /** --build-arg values */
  buildArgs?: Record<string, string>;
  /** whether a context path is excluded by .dockerignore */
  isIgnored?: (contextPath: string) => boolean;
  hasDockerignore?: boolean;
  /** the .dockerignore's text: sets isIgnored, hasDockerignore and the patterns CopyIgnoredFile needs */
  dockerignore?: string;
  config?: Partial<LintConfig>;
  /** the rules to run (default: ALL_RULES; a build runs BUILDKIT_RULES) */
  rules?: LintRule[];
  /** the stages whose instructions are checked: 'all' (default), or a build's target's, as BuildKit dispatches them */
  stages?: 'all' | { target?: string };
  /** a base image's ENV when known (see LintInput.imageEnv) */
  imageEnv?: (ref: string) => string[] | undefined;
}

/** A lint result with the rule crashes it survived (a broken rule must not lose the other findings). */
export interface RunnerResult extends LintResult {
  ruleErrors?: Array<{ rule: string; message: string }>;
}

function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split('\n').map((l) => l.replace(/\r$/, ''));
}

function parseFailure(e: unknown): { message: string; line?: number } {
  if (e instanceof DockerfileError) return { message: e.message, line: e.location.line };
  if (e instanceof Error) return { message: e.message };
  return { message: String(e) };
}

/** The parser, then the instruction checks (unknown instructions, flags, arity), but not stage-name uniqueness: that is a finding here. */
function parse(text: string, file: string): { ast?: ParseResult; error?: { message: string; line?: number } } {
  let ast: ParseResult;
  try { ast = parseDockerfile(text, file); } catch (e) { return { error: parseFailure(e) }; }
  try { parseInstructions(text, file); } catch (e) {
    const duplicate = e instanceof DockerfileError && e.code === 'ERR_DOCKERFILE_STAGE' && e.detail.startsWith('duplicate stage name');
    if (!duplicate) return { ast, error: parseFailure(e) };
  }
  return { ast };
}

function directiveLine(lines: string[]): number | undefined {
  const i = lines.findIndex((l) => /^#[ \t]*check[ \t]*=/i.test(l.trim()));
  return i < 0 ? undefined : i + 1;
}

function mergeConfig(partial: Partial<LintConfig> | undefined): LintConfig {
  const d = defaultLintConfig();
  return { ...d, ...partial, severities: { ...d.severities, ...partial?.severities }, disabled: [...(partial?.disabled ?? d.disabled)] };
}

/** Whether a finding of `rule` survives the check options in force at its instruction. */
function allowedBy(rule: LintRule, opts: CheckOptions, enabledByConfig: boolean): boolean {
  if (rule.experimental) return enabledByConfig || opts.experimentalAll || opts.experimental.includes(rule.code);
  if (opts.skip.includes(rule.code)) return false;
  // `skip=all` is BuildKit's directive: it silences BuildKit's checks, berth's own rules have their own ignores
  return !(opts.skipAll && rule.origin === 'buildkit');
}

export function lintDockerfile(text: string, opts: LintOptions): RunnerResult {
  const file = opts.file;
  const lines = splitLines(text);
  const { ast, error } = parse(text, file);
  if (error || !ast) return { file, findings: [], parseError: error };

  let check: CheckOptions;
  try { check = ast.directives.check !== undefined ? parseCheckOptions(ast.directives.check) : emptyCheckOptions(); } catch (e) {
    return { file, findings: [], parseError: { message: (e as Error).message, line: directiveLine(lines) } };
  }

  const config = mergeConfig(opts.config);
  let { isIgnored, hasDockerignore } = opts;
  let ignorePatterns: string[] | undefined;
  if (opts.dockerignore !== undefined) {
    try {
      ignorePatterns = readIgnoreFile(opts.dockerignore);
      const m = new PatternMatcher(ignorePatterns);
      isIgnored = (p) => m.matches(p);
      hasDockerignore = true;
    } catch (e) {
      // a broken .dockerignore fails the build on its own; the lint goes on without it
      if (!(e instanceof BerthError)) throw e;
    }
  }
  const input: LintInput = {
    file, text, lines, ast, buildArgs: opts.buildArgs ?? {}, isIgnored, hasDockerignore, ignorePatterns,
    imageEnv: opts.imageEnv, stages: opts.stages, config,
  };
  let model: ReturnType<typeof lintContext>['model'];
  try { ({ model } = lintContext(input)); } catch (e) {
    // a bug in the shared model must not take the other files down with this one
    return { file, findings: [], check, failBuild: false, ruleErrors: [{ rule: '(model)', message: (e as Error).message }] };
  }
  // the check options at each instruction: the file's, plus a `# check=` comment right above it
  const optionsAt = (line: number): CheckOptions => {
    const node = model.nodes.find((n) => n.line <= line && line <= n.endLine);
    let o = check;
    for (const c of node?.comments ?? []) {
      const local = checkFromComment(c);
      if (local) { o = mergeCheckOptions(o, local); break; }
    }
    return o;
  };

  const findings: LintFinding[] = [];
  const ruleErrors: RunnerResult['ruleErrors'] = [];
  for (const rule of opts.rules ?? ALL_RULES) {
    if (config.enabled && !config.enabled.includes(rule.code)) continue;
    if (config.disabled.includes(rule.code)) continue;
    const enabledByConfig = config.enabled?.includes(rule.code) ?? false;
    const report = (r: RuleReport): void => {
      if (!allowedBy(rule, optionsAt(r.line), enabledByConfig)) return;
      findings.push({
        code: rule.code, severity: config.severities[rule.code] ?? r.severity ?? rule.defaultSeverity, message: r.message,
        file, line: r.line, column: r.column ?? 1, ...(r.endLine !== undefined ? { endLine: r.endLine } : {}),
        ...(r.fix !== undefined ? { fix: r.fix } : {}), ...(rule.url !== undefined ? { url: rule.url } : {}),
      });
    };
    try { rule.check(input, report); } catch (e) { ruleErrors.push({ rule: rule.code, message: (e as Error).message }); }
  }
  findings.sort((a, b) => a.line - b.line || a.column - b.column);
  // `# berth-ignore=CODE` / `# hadolint ignore=CODE` above an instruction (lint-own's config.ts)
  const kept = applyInlineIgnores(inlineIgnores(lines, ast.children), findings);
  const result: RunnerResult = { file, findings: kept, check, failBuild: check.error && kept.length > 0 };
  if (ruleErrors.length) result.ruleErrors = ruleErrors;
  return result;
}
