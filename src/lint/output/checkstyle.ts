/**
 * `berth lint --format checkstyle`: Checkstyle's XML report as hadolint writes it (`-f checkstyle`),
 * which Jenkins' warnings plugin and other CI reporters read: one <file> per Dockerfile, one <error>
 * per finding with line, column, severity, message and the rule code as source.
 */
import type { LintResult, LintSeverity } from '../types.js';
import { PARSE_ERROR_RULE } from './sarif.js';

/** Checkstyle knows error, warning, info and ignore; style is advice, so info. */
const SEVERITY: Record<LintSeverity, string> = { error: 'error', warning: 'warning', info: 'info', style: 'info' };

/** XML attribute text: markup characters escaped, characters XML 1.0 forbids dropped. */
export function xmlAttr(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

export function lintCheckstyle(results: LintResult[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">'];
  for (const r of results) {
    out.push(`  <file name="${xmlAttr(r.file)}">`);
    if (r.parseError) out.push(`    <error line="${r.parseError.line ?? 1}" column="1" severity="error" message="${xmlAttr(r.parseError.message)}" source="${PARSE_ERROR_RULE}"/>`);
    for (const f of r.findings) {
      out.push(`    <error line="${f.line}" column="${f.column}" severity="${SEVERITY[f.severity]}" message="${xmlAttr(f.message)}" source="${xmlAttr(f.code)}"/>`);
    }
    out.push('  </file>');
  }
  out.push('</checkstyle>');
  return out.join('\n') + '\n';
}
