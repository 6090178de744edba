/**
 * `berth lint --format sarif`: SARIF 2.1.0 for code scanning (GitHub, GitLab, VS Code's SARIF viewer).
 * Every rule that reported is described in the run's driver; ShellCheck's codes link to its wiki.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sarifLog, type SarifLevel, type SarifResult, type SarifRule } from '../../common/sarif.js';
import { BERTH_VERSION } from '../../common/version.js';
import type { LintFinding, LintResult, LintRuleInfo, LintSeverity } from '../types.js';

/** berth has no public site yet: a reserved (.invalid) host, as the scan reports use, rather than a made-up one */
const INFORMATION_URI = 'https://berth.invalid/docs/lint.md';

export const PARSE_ERROR_RULE = 'DockerfileParseError';

const LEVEL: Record<LintSeverity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note', style: 'note' };

/** A Dockerfile path as a SARIF artifact URI: relative paths stay relative (forward slashes, escaped). */
export function artifactUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}

function ruleFor(code: string, known: Map<string, LintRuleInfo>): SarifRule {
  const info = known.get(code);
  if (info) {
    return {
      id: code,
      name: info.name.replace(/[^A-Za-z0-9]/g, ''),
      shortDescription: info.description.split(/(?<=\.)\s/)[0],
      fullDescription: info.description,
      // helpUri must be absolute: BuildKit's docs are; berth's own are files in its docs/ folder
      ...(info.url && /^https?:\/\//.test(info.url) ? { helpUri: info.url } : {}),
      ...(info.url && !/^https?:\/\//.test(info.url) ? { help: `${info.description} See ${info.url} in berth's documentation.` } : {}),
      defaultLevel: LEVEL[info.defaultSeverity],
      properties: { origin: info.origin, tags: [info.origin], ...(info.url ? { docs: info.url } : {}) },
    };
  }
  if (/^SC\d+$/.test(code)) return { id: code, name: `ShellCheck${code.slice(2)}`, shortDescription: `ShellCheck ${code} in a RUN script`, helpUri: `https://www.shellcheck.net/wiki/${code}`, properties: { origin: 'shellcheck', tags: ['shellcheck'] } };
  if (code === PARSE_ERROR_RULE) return { id: code, name: 'DockerfileParseError', shortDescription: 'The Dockerfile does not parse', defaultLevel: 'error' };
  return { id: code, shortDescription: code };
}

function result(f: LintFinding): SarifResult {
  return {
    ruleId: f.code,
    level: LEVEL[f.severity],
    message: f.fix ? `${f.message}. Fix: ${f.fix}` : f.message,
    locations: [{ uri: artifactUri(f.file), startLine: Math.max(1, f.line), startColumn: Math.max(1, f.column), ...(f.endLine && f.endLine >= f.line ? { endLine: f.endLine } : {}) }],
    properties: { severity: f.severity },
  };
}

/** One SARIF log for all files linted; `rules` describes the codes that may appear. */
export function lintSarif(results: LintResult[], rules: LintRuleInfo[]): Record<string, unknown> {
  const known = new Map(rules.map((r) => [r.code, r]));
  const findings: LintFinding[] = [];
  for (const r of results) {
    if (r.parseError) findings.push({ code: PARSE_ERROR_RULE, severity: 'error', message: r.parseError.message, file: r.file, line: r.parseError.line ?? 1, column: 1 });
    findings.push(...r.findings);
  }
  const codes = [...new Set(findings.map((f) => f.code))].sort();
  return sarifLog(
    { name: 'berth lint', version: BERTH_VERSION, informationUri: INFORMATION_URI, rules: codes.map((c) => ruleFor(c, known)) },
    findings.map(result),
  );
}
