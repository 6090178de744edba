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
  /**
   * How flat the curve is: the median at the largest measured size over the median at the smallest
   * (1 = the cost does not grow at all), when two sizes were measured.
   */
  flatness?: number;
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
      return {
        series: name, unit: members[0].series!.unit, tool, medians,
        ...(measured.length >= 2 ? { perUnit: (medians.get(hi)! - medians.get(lo)!) / (hi - lo), flatness: medians.get(hi)! / medians.get(lo)! } : {}),
      };
    });
    tables.push({ name, unit: members[0].series!.unit, sizes, rows });
  }
  return tables;
}

/**
 * A tool's flatness against a peer's in the same series (`docker` by default): its flatness divided
 * by the peer's, over the sizes both measured (< 1 = flatter than the peer). Undefined when either
 * measured fewer than two common sizes.
 */
export function flatnessVs(table: SeriesTable, row: SeriesRow, peer = 'docker'): number | undefined {
  const other = table.rows.find((r) => r.tool === peer);
  if (!other || other === row) return undefined;
  const common = [...row.medians.keys()].filter((s) => other.medians.has(s)).sort((a, b) => a - b);
  if (common.length < 2) return undefined;
  const lo = common[0];
  const hi = common[common.length - 1];
  return (row.medians.get(hi)! / row.medians.get(lo)!) / (other.medians.get(hi)! / other.medians.get(lo)!);
}
