/**
 * Before and after: each baseline tool's samples against this checkout's tool of the same case,
 * measured in the same run (interleaved round by round). A difference counts only when it is larger
 * than the run's own scatter: see `verdict`.
 */
import type { CaseResult } from './harness.js';
import type { Summary } from './stats.js';

export type Verdict = 'within noise' | 'slower' | 'faster';

export interface Comparison {
  case: string;
  /** this checkout's tool */
  tool: string;
  /** the baseline build's tool */
  baseline: string;
  after: Summary;
  before: Summary;
  /** after's median / before's median: above 1 is slower */
  ratio: number;
  verdict: Verdict;
}

/** Differences of the medians smaller than this share are noise whatever the spread says. */
export const NOISE_FLOOR = 0.05;

/**
 * "slower" when after's median is more than NOISE_FLOOR above before's AND the two interquartile
 * ranges do not overlap the other median: after's median lies above before's p75 and before's median
 * below after's p25. "faster" is the mirror image; anything else is "within noise". So a change must
 * be both large enough to matter and larger than the scatter of either build's own samples.
 */
export function verdict(before: Summary, after: Summary, floor = NOISE_FLOOR): Verdict {
  const ratio = after.median / before.median;
  if (!Number.isFinite(ratio)) return 'within noise';
  if (ratio > 1 + floor && after.median > before.q3 && before.median < after.q1) return 'slower';
  if (ratio < 1 - floor && after.median < before.q1 && before.median > after.q3) return 'faster';
  return 'within noise';
}

/** One row per baseline tool that measured, next to its checkout's tool (when that measured too). */
export function compareBuilds(cases: CaseResult[]): Comparison[] {
  const out: Comparison[] = [];
  for (const c of cases) {
    for (const b of c.tools) {
      if (!b.baselineOf || !b.summary) continue;
      const a = c.tools.find((t) => t.name === b.baselineOf);
      if (!a?.summary) continue;
      out.push({ case: c.name, tool: a.name, baseline: b.name, after: a.summary, before: b.summary, ratio: a.summary.median / b.summary.median, verdict: verdict(b.summary, a.summary) });
    }
  }
  return out;
}

/** The baseline tools whose comparison could not be made (either side failed), for the report. */
export function uncompared(cases: CaseResult[]): { case: string; tool: string; why: string }[] {
  const out: { case: string; tool: string; why: string }[] = [];
  for (const c of cases) {
    for (const b of c.tools) {
      if (!b.baselineOf) continue;
      const a = c.tools.find((t) => t.name === b.baselineOf);
      if (!b.summary) out.push({ case: c.name, tool: b.name, why: b.error ?? 'no samples' });
      else if (!a?.summary) out.push({ case: c.name, tool: b.baselineOf, why: a?.error ?? 'not measured' });
    }
  }
  return out;
}
