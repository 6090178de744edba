/**
 * Dockerfile checks. BuildKit's checks keep BuildKit's names (so `# check=skip=…` means the same),
 * berth's own rules have stable codes (`BL####`, documented in docs/lint/<CODE>.md), and ShellCheck's
 * findings keep theirs (`SC####`).
 */
export type LintSeverity = 'error' | 'warning' | 'info' | 'style';

export interface LintFinding {
  /** `StageNameCasing`, `BL1001`, `SC2086` */
  code: string;
  severity: LintSeverity;
  message: string;
  /** the Dockerfile's path as given */
  file: string;
  /** 1-based */
  line: number;
  column: number;
  endLine?: number;
  /** how to fix it */
  fix?: string;
  /** a URL or docs path describing the rule */
  url?: string;
}

export interface LintRuleInfo {
  code: string;
  /** BuildKit's check name, or berth's short title */
  name: string;
  defaultSeverity: LintSeverity;
  description: string;
  url?: string;
  /** 'buildkit' | 'berth' | 'shellcheck' */
  origin: 'buildkit' | 'berth' | 'shellcheck';
}

export interface LintResult {
  file: string;
  findings: LintFinding[];
  /** the Dockerfile did not parse: the parser's message with its line */
  parseError?: { message: string; line?: number };
}
