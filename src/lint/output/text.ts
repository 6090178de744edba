/**
 * `berth lint` text: one line per finding, `FILE:LINE:COL CODE: MESSAGE [severity]`, then indented
 * `fix:` and `see:` lines. Grep-friendly: every finding's first line starts with its location, the
 * follow-up lines with two spaces. A file that does not parse is an error line of its own (the CLI
 * prints those on stderr): `FILE:LINE: error: MESSAGE`.
 */
import type { LintResult } from '../types.js';

export function formatText(results: LintResult[]): string {
  let out = '';
  for (const r of results) {
    for (const f of r.findings) {
      out += `${f.file}:${f.line}:${f.column} ${f.code}: ${f.message} [${f.severity}]\n`;
      if (f.fix) out += `  fix: ${f.fix}\n`;
      if (f.url) out += `  see: ${f.url}\n`;
    }
  }
  return out;
}

export function formatParseErrors(results: LintResult[]): string {
  return results.filter((r) => r.parseError).map((r) => `${r.file}:${r.parseError!.line ?? 1}: error: ${r.parseError!.message}\n`).join('');
}
