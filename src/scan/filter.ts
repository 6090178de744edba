/**
 * The filters a scan's user applies to its findings: `--severity`, `--ignore-unfixed` and the ignore
 * file. The daemon returns every finding (so the API, the CLI and the dashboard agree on what was
 * found); these run where the user's choices are, and decide what counts for `--exit-code`.
 */
import { InvalidArgumentError } from '../common/errors.js';
import { SEVERITIES, type Finding, type Severity } from './types.js';

/** `HIGH,CRITICAL` → the set; an unknown word is refused, as Trivy does. */
export function parseSeverities(list: string): Set<Severity> {
  const out = new Set<Severity>();
  for (const raw of list.split(',')) {
    const s = raw.trim().toUpperCase();
    if (s === '') continue;
    if (!(SEVERITIES as readonly string[]).includes(s)) {
      throw new InvalidArgumentError(`invalid severity "${raw.trim()}": use a comma-separated list of ${SEVERITIES.join(', ')}`, 'ERR_SCAN');
    }
    out.add(s as Severity);
  }
  if (out.size === 0) throw new InvalidArgumentError('--severity needs at least one of ' + SEVERITIES.join(', '), 'ERR_SCAN');
  return out;
}

export interface FindingFilter { severities?: Set<Severity>; ignoreUnfixed?: boolean }

/** Whether a finding is shown under the filter (ignored findings are decided separately). */
export function passes(f: Finding, filter: FindingFilter): boolean {
  if (filter.severities && !filter.severities.has(f.severity)) return false;
  if (filter.ignoreUnfixed && f.fixedIn === undefined) return false;
  return true;
}

export function filterFindings(findings: Finding[], filter: FindingFilter): Finding[] {
  return findings.filter((f) => passes(f, filter));
}
