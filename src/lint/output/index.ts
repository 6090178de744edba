/** The `berth lint --format` writers, by name (more formats register here). */
import type { LintResult, LintRuleInfo } from '../types.js';
import { formatJson } from './json.js';
import { formatText } from './text.js';

export interface FormatContext {
  /** the rules that ran (SARIF lists them) */
  rules: LintRuleInfo[];
}

export type LintFormatter = (results: LintResult[], ctx: FormatContext) => string;

export const LINT_FORMATS: Record<string, LintFormatter> = {
  text: (results) => formatText(results),
  json: (results) => formatJson(results),
};
