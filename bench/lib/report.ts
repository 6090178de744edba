/** Writes one benchmark run as Markdown (with the SVG chart next to it) and as JSON. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { curveChartSvg, ratioChartSvg } from './chart.js';
import { compareBuilds, NOISE_FLOOR, uncompared } from './compare.js';
import { flatnessVs, seriesTables } from './series.js';
import type { CaseResult, ProbeResult } from './harness.js';
import type { MachineFacts } from './machine.js';
import type { BenchOptions } from './types.js';

export interface BenchRun {
  startedAt: Date;
  durationMs: number;
  options: BenchOptions;
  machine: MachineFacts;
  cases: CaseResult[];
  probes: ProbeResult[];
}

const ms = (v: number) => v.toFixed(1);
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function caseSection(c: CaseResult): string[] {
  const lines = [`### ${c.name}`, '', c.description, ''];
  if (c.goalRatio) lines.push(`Goal: berth within ${c.goalRatio}× of the best peer${c.bestPeer ? ` (${c.bestPeer})` : ''}.`, '');
  if (c.goal) lines.push(`Goal (issue 9): ${c.goal}`, '');
  const mbs = c.tools.some((t) => t.mbPerSecond !== undefined);
  lines.push(`| tool | median (ms) | p95 (ms) | min (ms) | IQR (ms) | max (ms) | n | ratio to best peer |${mbs ? ' MB/s at median |' : ''}`);
  lines.push(`|---|---:|---:|---:|---:|---:|---:|---:|${mbs ? '---:|' : ''}`);
  for (const t of c.tools) {
    if (!t.summary) { lines.push(`| ${cell(t.name)} | failed | | | | | ${t.samples.length} | |${mbs ? ' |' : ''}`); continue; }
    const s = t.summary;
    const rate = mbs ? ` ${t.mbPerSecond !== undefined ? t.mbPerSecond.toFixed(1) : ''} |` : '';
    lines.push(`| ${cell(t.name)} | ${ms(s.median)} | ${ms(s.p95)} | ${ms(s.min)} | ${ms(s.q1)}–${ms(s.q3)} | ${ms(s.max)} | ${s.n} | ${t.ratio !== undefined ? t.ratio.toFixed(2) + '×' : ''} |${rate}`);
  }
  lines.push('', 'Commands:', '');
  for (const t of c.tools) lines.push(`- ${t.name}: \`${t.command}\``);
  const failed = c.tools.filter((t) => t.error);
  if (failed.length) {
    lines.push('', 'Failures:', '');
    for (const t of failed) lines.push(`- ${t.name}: ${cell(t.error!)}`);
  }
  lines.push('');
  return lines;
}

function probeSection(probes: ProbeResult[]): string[] {
  if (probes.length === 0) return [];
  const lines = ['## Memory and other measures', '', '| measure | value | goal / reference |', '|---|---:|---|'];
  for (const p of probes) {
    for (const l of p.lines) lines.push(`| ${cell(l.name)} | ${l.value.toFixed(1)} ${l.unit} | ${cell([l.goal, l.note, l.peer].filter(Boolean).join('; '))} |`);
    if (p.error) lines.push(`| ${cell(p.name)} | failed: ${cell(p.error)} | |`);
  }
  lines.push('');
  return lines;
}

/** The issue's goals, each next to berth's and the peers' medians. */
function goalsSection(run: BenchRun): string[] {
  const withGoal = run.cases.filter((c) => c.goal);
  const probeGoals = run.probes.flatMap((p) => p.lines.filter((l) => l.goal));
  if (withGoal.length === 0 && probeGoals.length === 0) return [];
  const fig = (t: { name: string; summary?: { median: number }; mbPerSecond?: number }) =>
    t.summary ? `${t.name} ${ms(t.summary.median)} ms${t.mbPerSecond !== undefined ? ` (${t.mbPerSecond.toFixed(0)} MB/s)` : ''}` : `${t.name} failed`;
  const lines = ['## Goals against results', '', '| case | goal | berth (median) | peers (median) |', '|---|---|---|---|'];
  for (const c of withGoal) {
    const berth = c.tools.filter((t) => t.role === 'berth').map(fig).join('; ') || 'not measured';
    const peers = c.tools.filter((t) => t.role === 'peer').map(fig).join('; ') || 'none available';
    lines.push(`| ${cell(c.name)} | ${cell(c.goal!)} | ${cell(berth)} | ${cell(peers)} |`);
  }
  for (const l of probeGoals) lines.push(`| ${cell(l.name)} | ${cell(l.goal!)} | ${l.value.toFixed(1)} ${l.unit} | ${cell(l.peer ?? '')} |`);
  lines.push('');
  return lines;
}

/**
 * This checkout against the baseline build, case by case, from the same run's interleaved samples.
 * Empty without BENCH_BASELINE_REF.
 */
function beforeAfterSection(run: BenchRun): string[] {
  const rows = compareBuilds(run.cases);
  const missing = uncompared(run.cases);
  if (rows.length === 0 && missing.length === 0) return [];
  const b = run.options.baseline;
  const counts = (['slower', 'faster', 'within noise'] as const).map((v) => `${rows.filter((r) => r.verdict === v).length} ${v}`).join(', ');
  const lines = [
    '## Before and after',
    '',
    `This checkout ("after") against ${b ? `\`${b.ref}\` (${b.commit})` : 'the baseline'} ("before"), each with its own daemon and CLI, their iterations interleaved in the same rounds. ` +
      `Ratio = after's median / before's median. A case is **slower** (or **faster**) only when the medians differ by more than ${NOISE_FLOOR * 100}% ` +
      'and each median lies outside the other build\'s interquartile range (p25–p75); otherwise it is within noise.',
    '',
    `Verdicts: ${counts}.`,
    '',
    '| case | after | after median (ms) | after p25–p75 | before | before median (ms) | before p25–p75 | ratio | verdict |',
    '|---|---|---:|---:|---|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const v = r.verdict === 'within noise' ? r.verdict : `**${r.verdict}**`;
    lines.push(`| ${cell(r.case)} | ${cell(r.tool)} | ${ms(r.after.median)} | ${ms(r.after.q1)}–${ms(r.after.q3)} | ${cell(r.baseline)} | ${ms(r.before.median)} | ${ms(r.before.q1)}–${ms(r.before.q3)} | ${r.ratio.toFixed(3)} | ${v} |`);
  }
  if (missing.length) {
    lines.push('', 'Not compared (a side failed):', '');
    for (const m of missing) lines.push(`- ${m.case}, ${m.tool}: ${cell(m.why)}`);
  }
  lines.push('');
  return lines;
}

/**
 * Series of cases by size (see series.ts): medians per size, the cost of one more unit, and the
 * curve's flatness (largest / smallest) against Docker's in the same run; the curves in their own SVG.
 */
function growthSection(run: BenchRun, curvesFile?: string): string[] {
  const tables = seriesTables(run.cases);
  if (tables.length === 0) return [];
  const lines = ['## Growth with size', ''];
  lines.push('Flatness = median at the largest size / median at the smallest (1.00 = no growth). ' +
    '"vs docker" = that flatness / Docker\'s over the sizes both measured (<= 1.00: at least as flat as Docker).', '');
  if (curvesFile) lines.push(`![each series' curve per tool](${curvesFile})`, '');
  for (const t of tables) {
    lines.push(`### ${t.name}`, '', `| tool | ${t.sizes.map((s) => `${s} ${t.unit}s (ms)`).join(' | ')} | per ${t.unit} (ms) | flatness | vs docker |`, `|---|${t.sizes.map(() => '---:|').join('')}---:|---:|---:|`);
    for (const r of t.rows) {
      const vs = flatnessVs(t, r);
      lines.push(`| ${cell(r.tool)} | ${t.sizes.map((s) => (r.medians.has(s) ? ms(r.medians.get(s)!) : 'failed')).join(' | ')} | ${r.perUnit !== undefined ? ms(r.perUnit) : ''} | ` +
        `${r.flatness !== undefined ? r.flatness.toFixed(2) + '×' : ''} | ${vs !== undefined ? vs.toFixed(2) : ''} |`);
    }
    lines.push('');
  }
  return lines;
}

export function renderMarkdown(run: BenchRun, chartFile: string, curvesFile?: string): string {
  const o = run.options;
  return [
    `# berth benchmark, ${run.startedAt.toISOString()}`,
    '',
    ...(o.smoke ? ['**Smoke run**: 2 iterations, no warm-up. These figures only show that the harness works.', ''] : []),
    `${o.iterations} timed iterations per tool (fewer where a case says so) after ${o.warmups} warm-up round(s); tools interleaved round by round, ` +
      `the starting tool rotating. Times are wall-clock from spawning the command to its exit. Total ${(run.durationMs / 1000).toFixed(1)} s.`,
    '',
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    ...run.machine.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`),
    '',
    ...goalsSection(run),
    ...beforeAfterSection(run),
    ...growthSection(run, curvesFile),
    '## Latency',
    '',
    ...run.cases.flatMap(caseSection),
    ...probeSection(run.probes),
    '## Chart',
    '',
    `![median ratio to the best peer](${chartFile})`,
    '',
  ].join('\n');
}

/** Write `<stamp>.md`, `<stamp>.svg` (and `<stamp>-curves.svg` when series ran) and `<stamp>.json` into the results directory; returns the Markdown path. */
export function writeReport(run: BenchRun): string {
  mkdirSync(run.options.outDir, { recursive: true });
  const stamp = run.startedAt.toISOString().replace(/[:.]/g, '-') + (run.options.smoke ? '-smoke' : '');
  const svgName = `${stamp}.svg`;
  writeFileSync(join(run.options.outDir, svgName), ratioChartSvg(run.cases));
  const tables = seriesTables(run.cases);
  const curvesName = tables.length ? `${stamp}-curves.svg` : undefined;
  if (curvesName) writeFileSync(join(run.options.outDir, curvesName), curveChartSvg(tables));
  const comparisons = compareBuilds(run.cases);
  writeFileSync(join(run.options.outDir, `${stamp}.json`), JSON.stringify(comparisons.length ? { ...run, comparisons } : run, null, 2) + '\n');
  const mdPath = join(run.options.outDir, `${stamp}.md`);
  writeFileSync(mdPath, renderMarkdown(run, `./${svgName}`, curvesName && `./${curvesName}`));
  return mdPath;
}
