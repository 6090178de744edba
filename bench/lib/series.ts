/**
 * How a cost grows with a size: for cases that form a series (the same operation on 2, 5 and 10
 * compose services), each tool's median at every size and the slope between the smallest and the
 * largest size, i.e. what one more unit costs.
 */
import type { CaseResult } from './harness.js';

export interface SeriesRow {
  series: string;
  unit: string;
  tool: string;
  /** size → median (ms); sizes where the tool failed are absent */
  medians: Map<number, number>;
  /** ms per unit from the smallest to the largest measured size, when two sizes were measured */
  perUnit?: number;
}

export interface SeriesTable { name: string; unit: string; sizes: number[]; rows: SeriesRow[] }

export function seriesTables(cases: CaseResult[]): SeriesTable[] {
  const byName = new Map<string, CaseResult[]>();
  for (const c of cases) if (c.series) (byName.get(c.series.name) ?? byName.set(c.series.name, []).get(c.series.name)!).push(c);
  const tables: SeriesTable[] = [];
  for (const [name, members] of byName) {
    // a smoke run may shrink every size to the same one: nothing grows then
    const sizes = [...new Set(members.map((c) => c.series!.size))].sort((a, b) => a - b);
    if (sizes.length < 2) continue;
    const tools = [...new Set(members.flatMap((c) => c.tools.map((t) => t.name)))];
    const rows = tools.map((tool): SeriesRow => {
      const medians = new Map<number, number>();
      for (const c of members) {
        const m = c.tools.find((t) => t.name === tool)?.summary?.median;
        if (m !== undefined) medians.set(c.series!.size, m);
      }
      const measured = [...medians.keys()].sort((a, b) => a - b);
      const lo = measured[0];
      const hi = measured[measured.length - 1];
      return { series: name, unit: members[0].series!.unit, tool, medians, ...(measured.length >= 2 ? { perUnit: (medians.get(hi)! - medians.get(lo)!) / (hi - lo) } : {}) };
    });
    tables.push({ name, unit: members[0].series!.unit, sizes, rows });
  }
  return tables;
}
