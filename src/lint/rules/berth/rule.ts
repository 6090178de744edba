/** The shape every berth rule shares: code, docs path, origin. */
import type { LintInput, LintRule, LintSeverity, RuleReport } from '../../types.js';

export interface BerthRuleSpec {
  code: string;
  name: string;
  severity: LintSeverity;
  description: string;
  check(input: LintInput, report: (r: RuleReport) => void): void;
}

export function berthRule(spec: BerthRuleSpec): LintRule {
  return {
    code: spec.code,
    name: spec.name,
    defaultSeverity: spec.severity,
    description: spec.description,
    url: `docs/lint/${spec.code}.md`,
    origin: 'berth',
    check: spec.check,
  };
}
