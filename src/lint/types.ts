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
  /** off unless enabled by `# check=experimental=NAME|all` or listed in config.enabled (BuildKit's experimental checks) */
  experimental?: boolean;
}

export interface LintResult {
  file: string;
  findings: LintFinding[];
  /** the Dockerfile did not parse: the parser's message with its line */
  parseError?: { message: string; line?: number };
  /** the file's `# check=` directive as parsed (absent when the file has none or did not parse) */
  check?: CheckOptions;
  /** `# check=error=true` and at least one finding: BuildKit fails the build (berth: ERR_LINT_FAILED) */
  failBuild?: boolean;
}

/** BuildKit's `# check=skip=A,B;error=true;experimental=C` directive. */
export interface CheckOptions {
  skip: string[];
  skipAll: boolean;
  experimental: string[];
  experimentalAll: boolean;
  error: boolean;
}

import type { ParseResult } from '../builder/parser/ast.js';

/** `.berth-lint.yaml` and the command line, merged. */
export interface LintConfig {
  /** codes turned off (`# check=skip=` adds to these per file) */
  disabled: string[];
  /** when set, only these codes run */
  enabled?: string[];
  /** per-code severity overrides */
  severities: Record<string, LintSeverity>;
  /** registries whose images count as trusted bases (`docker.io/library`, `registry.example.com`) */
  trustedRegistries: string[];
  /** the exit status is non-zero when a finding is at or above this */
  failureThreshold: LintSeverity | 'none';
  /** run ShellCheck on RUN scripts when it is installed */
  shellcheck: boolean;
}

/** What a rule sees: one Dockerfile, parsed, with what is known about its build. */
export interface LintInput {
  file: string;
  text: string;
  /** the text's lines, without newlines; index 0 is line 1 */
  lines: string[];
  ast: ParseResult;
  /** --build-arg values, for UndefinedVar / InvalidDefaultArgInFrom */
  buildArgs: Record<string, string>;
  /** whether a path in the build context is excluded by .dockerignore (undefined: no context known) */
  isIgnored?: (contextPath: string) => boolean;
  /** whether the context has a .dockerignore (undefined: no context known) */
  hasDockerignore?: boolean;
  /** the .dockerignore patterns as read (CopyIgnoredFile: BuildKit checks only when none re-include with `!`) */
  ignorePatterns?: string[];
  /** which stages are dispatched: 'all' (lint, --check) or a build's target's (undefined target: the last stage) */
  stages?: 'all' | { target?: string };
  /** the ENV of a base image when it is known (a daemon build looks it up in the image store); undefined: unknown */
  imageEnv?: (ref: string) => string[] | undefined;
  config: LintConfig;
}

export interface RuleReport {
  line: number;
  column?: number;
  endLine?: number;
  message: string;
  fix?: string;
  /** overrides the rule's default severity for this finding */
  severity?: LintSeverity;
}

export interface LintRule extends LintRuleInfo {
  check(input: LintInput, report: (r: RuleReport) => void): void;
}
