/** The `berth lint --format` writers, by name (more formats register here). */
import type { LintResult, LintRuleInfo } from '../types.js';
import { formatJson } from './json.js';
import { formatText } from './text.js';
import { lintSarif } from './sarif.js';
import { lintCheckstyle } from './checkstyle.js';

export interface FormatContext {
  /** the rules that ran (SARIF lists them) */
  rules: LintRuleInfo[];
}

export type LintFormatter = (results: LintResult[], ctx: FormatContext) => string;

export const LINT_FORMATS: Record<string, LintFormatter> = {
  text: (results) => formatText(results),
  json: (results) => formatJson(results),
  sarif: (results, ctx) => JSON.stringify(lintSarif(results, ctx.rules), null, 2) + '\n',
  checkstyle: (results) => lintCheckstyle(results),
};
