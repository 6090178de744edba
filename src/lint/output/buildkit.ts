/**
 * BuildKit's presentations of check results: `build --check`'s report (buildx: "Check complete, N warnings
 * have been found!", then each warning with its rule, URL, message and the Dockerfile's lines around it)
 * and the short list a build prints ("N warnings found", ` - Rule: message (line N)`).
 */
import type { LintFinding, LintResult, LintRuleInfo } from '../types.js';

/** BuildKit's source excerpt: the lines of the range with `>>>`, up to four lines of context. */
export function sourceExcerpt(file: string, lines: string[], start: number, end: number): string {
  if (start < 1 || start > lines.length) return '';
  let s = start;
  let e = Math.min(Math.max(end, start), lines.length);
  const pad = e === s ? 4 : 2;
  for (let p = 0; p < pad;) {
    if (s > 1) { s--; p++; }
    if (e !== lines.length) { e++; p++; }
    p++;
  }
  let out = `${file}:${start}\n--------------------\n`;
  for (let i = s; i <= e; i++) {
    const mark = i >= start && i <= Math.max(end, start) ? '>>>' : '   ';
    out += ` ${String(i).padStart(3)} | ${mark} ${lines[i - 1]}\n`;
  }
  return out + '--------------------\n';
}

/** The lines as BuildKit splits the source (a final newline leaves an empty last line). */
const sourceLines = (text: string): string[] => text.split('\n');

export function formatCheckReport(result: LintResult, text: string): string {
  const lines = sourceLines(text);
  const n = result.findings.length;
  let out = '';
  if (n > 0) out += `Check complete, ${n === 1 ? '1 warning has been found' : `${n} warnings have been found`}!\n`;
  for (const f of result.findings) {
    out += `\nWARNING: ${f.code}${f.url ? ` - ${f.url}` : ''}\n${f.message}\n`;
    out += sourceExcerpt(result.file, lines, f.line, f.endLine ?? f.line);
  }
  if (result.parseError) {
    out += `\n${result.parseError.message}\n`;
    if (result.parseError.line) out += sourceExcerpt(result.file, lines, result.parseError.line, result.parseError.line);
  } else if (n === 0) out += 'Check complete, no warnings found.\n';
  return out;
}

/** `Rule: message (line N)`, BuildKit's LintFormatShort. */
export function shortWarning(f: LintFinding): string {
  return `${f.code}: ${f.message}${f.line > 0 ? ` (line ${f.line})` : ''}`;
}

/** The summary a build prints (before its first step, so a blank line after it); empty when there is nothing to say. */
export function formatBuildWarnings(findings: LintFinding[]): string {
  if (findings.length === 0) return '';
  const n = findings.length;
  let out = ` ${n === 1 ? '1 warning found' : `${n} warnings found`} (use berth build --check to expand):\n`;
  for (const f of findings) out += ` - ${shortWarning(f)}\n`;
  return out + '\n';
}

/** BuildKit's error when `# check=error=true` and checks fired: the rules, each once. */
export function lintViolationMessage(findings: LintFinding[]): string {
  return `lint violation found for rules: ${[...new Set(findings.map((f) => f.code))].join(', ')}`;
}

/** BuildKit's LintResults JSON (`--call=check,format=json`): warnings with BuildKit's fields, the source, a build error. */
export function formatCheckJson(result: LintResult, text: string, rules: LintRuleInfo[]): string {
  const range = (start: number, end: number) => ({ start: { line: start }, end: { line: end } });
  const out: Record<string, unknown> = {
    warnings: result.findings.map((f) => ({
      ruleName: f.code,
      ...(rules.find((r) => r.code === f.code)?.description ? { description: rules.find((r) => r.code === f.code)!.description } : {}),
      ...(f.url ? { url: f.url } : {}),
      detail: f.message,
      location: { ranges: [range(f.line, f.endLine ?? f.line)] },
    })),
    sources: [{ filename: result.file, data: Buffer.from(text).toString('base64'), language: 'Dockerfile' }],
  };
  if (result.parseError) {
    const line = result.parseError.line;
    out.buildError = { message: result.parseError.message, location: line ? { ranges: [range(line, line)] } : {} };
  }
  return JSON.stringify(out, null, 2) + '\n';
}
