/** Runs berth's own rules on Dockerfile text, as the runner does, for the rule and corpus tests. */
import { parseDockerfile } from '../../src/builder/parser/ast.js';
import { defaultLintConfig } from '../../src/lint/config.js';
import { BERTH_RULES } from '../../src/lint/rules/berth/index.js';
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

export function berthFindings(text: string, opts: InputOptions = {}): LintFinding[] {
  return runRules(BERTH_RULES, lintInput(text, opts));
}

/** `[code, line]` pairs, for compact assertions. */
export function codes(text: string, opts: InputOptions = {}): Array<[string, number]> {
  return berthFindings(text, opts).map((f) => [f.code, f.line]);
}
