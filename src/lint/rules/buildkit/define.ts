/** BuildKit's checks share their shape: BuildKit's name as code, its description and docs URL, severity warning. */
import type { LintInput, LintRule, RuleReport } from '../../types.js';
import type { LintNode } from '../../model.js';

const kebab = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();

export function ruleUrl(name: string): string {
  return `https://docs.docker.com/go/dockerfile/rule/${kebab(name)}/`;
}

export function buildkitRule(name: string, description: string, check: LintRule['check'], experimental = false): LintRule {
  return { code: name, name, description, defaultSeverity: 'warning', url: ruleUrl(name), origin: 'buildkit', experimental, check };
}

/** A report at an instruction's lines. */
export function at(n: LintNode, message: string, fix: string): RuleReport {
  return { line: n.line, endLine: n.endLine, column: 1, message, fix };
}

export type Check = (input: LintInput, report: (r: RuleReport) => void) => void;
