/**
 * Several Dockerfiles linted together: the rules through the runner, then ShellCheck over every RUN
 * script of all of them at once (a few processes, not one per file), its findings put through the same
 * config (disabled, enabled, severities) and inline ignores as the rules' findings.
 */
import { parseDockerfile } from '../builder/parser/ast.js';
import { applyConfig, applyInlineIgnores, inlineIgnores } from './config.js';
import { defaultLintConfig } from './registry.js';
import { lintDockerfile, type LintOptions, type RunnerResult } from './runner.js';
import { shellcheckAvailable, shellcheckFindings, type ShellcheckOptions } from './shellcheck.js';
import type { LintConfig, LintInput } from './types.js';

export interface LintJob { text: string; options: LintOptions }

export interface LintAllResult {
  results: RunnerResult[];
  /** ShellCheck was wanted for some file but is not installed: its checks did not run */
  shellcheckMissing: boolean;
}

export async function lintAll(jobs: LintJob[], sc: ShellcheckOptions = {}): Promise<LintAllResult> {
  const results = jobs.map((j) => lintDockerfile(j.text, j.options));
  const wanted: Array<{ index: number; input: LintInput }> = [];
  for (const [index, j] of jobs.entries()) {
    const config: LintConfig = { ...defaultLintConfig(), ...j.options.config };
    if (!config.shellcheck || results[index].parseError) continue;
    const text = j.text.replace(/^\uFEFF/, '');
    const input: LintInput = {
      file: j.options.file, text, lines: text.split('\n').map((l) => l.replace(/\r$/, '')), ast: parseDockerfile(text, j.options.file),
      buildArgs: j.options.buildArgs ?? {}, config,
    };
    wanted.push({ index, input });
  }
  if (wanted.length === 0) return { results, shellcheckMissing: false };
  if (!shellcheckAvailable(sc.binary)) return { results, shellcheckMissing: true };
  const found = await shellcheckFindings(wanted.map((w) => w.input), sc);
  for (const [k, { index, input }] of wanted.entries()) {
    const kept = applyInlineIgnores(inlineIgnores(input.lines, input.ast.children), applyConfig(input.config, found[k]));
    if (kept.length === 0) continue;
    const r = results[index];
    r.findings = [...r.findings, ...kept].sort((a, b) => a.line - b.line || a.column - b.column);
  }
  return { results, shellcheckMissing: false };
}
