/** Runs berth's own rules on Dockerfile text, for the rule and corpus tests. */
import { parseDockerfile } from '../../src/builder/parser/ast.js';
import { defaultLintConfig } from '../../src/lint/config.js';
import { BERTH_RULES } from '../../src/lint/rules/berth/index.js';
import { lintDockerfile } from '../../src/lint/runner.js';
import type { LintConfig, LintFinding, LintInput, LintRule } from '../../src/lint/types.js';

export interface InputOptions { file?: string; hasDockerignore?: boolean; config?: Partial<LintConfig>; buildArgs?: Record<string, string> }

export function lintInput(text: string, opts: InputOptions = {}): LintInput {
  const file = opts.file ?? 'Dockerfile';
  return {
    file, text, lines: text.split(/\r?\n/), ast: parseDockerfile(text, file), buildArgs: opts.buildArgs ?? {},
    ...(opts.hasDockerignore !== undefined ? { hasDockerignore: opts.hasDockerignore } : {}),
    config: { ...defaultLintConfig(), ...opts.config },
  };
}

export function runRules(rules: LintRule[], input: LintInput): LintFinding[] {
  const out: LintFinding[] = [];
  for (const rule of rules) {
    rule.check(input, (r) => out.push({
      code: rule.code, severity: r.severity ?? rule.defaultSeverity, message: r.message, file: input.file,
      line: r.line, column: r.column ?? 1, ...(r.endLine ? { endLine: r.endLine } : {}), ...(r.fix ? { fix: r.fix } : {}), ...(rule.url ? { url: rule.url } : {}),
    }));
  }
  return out.sort((a, b) => a.line - b.line || a.code.localeCompare(b.code));
}

/** berth's rules through the runner (inline ignores and config applied); a parse error fails the test. */
export function berthFindings(text: string, opts: InputOptions = {}): LintFinding[] {
  const r = lintDockerfile(text, {
    file: opts.file ?? 'Dockerfile', rules: BERTH_RULES, buildArgs: opts.buildArgs ?? {}, config: { ...defaultLintConfig(), ...opts.config },
    ...(opts.hasDockerignore !== undefined ? { hasDockerignore: opts.hasDockerignore } : {}),
  });
  if (r.parseError) throw new Error(`does not parse: ${r.parseError.message} (line ${r.parseError.line})\n${text}`);
  if (r.ruleErrors) throw new Error(`rules failed: ${JSON.stringify(r.ruleErrors)}`);
  return r.findings.sort((a, b) => a.line - b.line || a.code.localeCompare(b.code));
}
