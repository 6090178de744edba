/** The harness's pure parts: statistics, the Markdown report, the SVG chart and the before/after verdicts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { quantile, summarize } from '../../bench/lib/stats.js';
import { curveChartSvg, ratioChartSvg } from '../../bench/lib/chart.js';
import { flatnessVs, seriesTables } from '../../bench/lib/series.js';
import { runCase } from '../../bench/lib/harness.js';
import { BenchContext } from '../../bench/lib/context.js';
import type { Tool } from '../../bench/lib/types.js';
import { renderMarkdown, writeReport, type BenchRun } from '../../bench/lib/report.js';
import type { CaseResult } from '../../bench/lib/harness.js';
import { compareBuilds, verdict } from '../../bench/lib/compare.js';

test('summarize gives median, p95, quartiles and extremes with linear interpolation', () => {
  const s = summarize([5, 1, 4, 2, 3]);
  assert.deepEqual([s.n, s.median, s.min, s.max, s.q1, s.q3, s.mean], [5, 3, 1, 5, 2, 4, 3]);
  assert.equal(s.p95, 4.8);
  assert.equal(quantile([10, 20], 0.5), 15);
  assert.ok(Number.isNaN(summarize([]).median));
});

const sample: CaseResult = {
  name: 'run --rm busybox true', description: 'd', goalRatio: 5, bestPeer: 'crun',
  tools: [
    { name: 'berth', role: 'berth', command: 'berth run --rm busybox true', samples: [60, 80], summary: summarize([60, 80]), ratio: 3.5 },
    { name: 'crun <x>', role: 'peer', command: 'crun run', samples: [20], summary: summarize([20]), ratio: 1 },
    { name: 'broken', role: 'peer', command: 'x', samples: [], error: 'setup failed: no | pipe' },
  ],
};

test('the Markdown report has the machine facts, a row per tool and the failures', () => {
  const run: BenchRun = {
    startedAt: new Date('2030-01-02T03:04:05Z'), durationMs: 1234,
    options: { iterations: 2, warmups: 0, smoke: true, outDir: '/nonexistent', runTimeoutMs: 1000 },
    machine: [['kernel', '6.1.0']], cases: [sample],
    probes: [{ name: 'memory', lines: [{ name: 'berth daemon idle RSS', value: 42.25, unit: 'MiB', goal: '< 60 MB' }] }],
  };
  const md = renderMarkdown(run, './chart.svg');
  assert.match(md, /Smoke run/);
  assert.match(md, /^\| kernel \| 6\.1\.0 \|$/m);
  assert.match(md, /^\| berth \| 70\.0 \| 79\.0 \| 60\.0 \| 65\.0–75\.0 \| 80\.0 \| 2 \| 3\.50× \|$/m);
  assert.match(md, /^\| crun <x> \| 20\.0 \|/m);
  assert.match(md, /^\| broken \| failed \|/m);
  assert.match(md, /- broken: setup failed: no \\\| pipe/);
  assert.match(md, /^\| berth daemon idle RSS \| 42\.3 MiB \| < 60 MB \|$/m);
  assert.match(md, /!\[median ratio to the best peer\]\(\.\/chart\.svg\)/);
});

test('the chart has a bar per measured tool, escapes names and marks the goal', () => {
  const svg = ratioChartSvg([sample]);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal((svg.match(/<rect x=/g) ?? []).length, 2);
  assert.match(svg, /crun &lt;x&gt;/);
  assert.match(svg, /goal 5×/);
  assert.match(svg, /3\.50× \(70\.0 ms\)/);
});

test('writeReport writes the Markdown, the chart it links and the JSON', (t) => {
  const dir = mkdtempSync('/tmp/bench-report-test-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const md = writeReport({
    startedAt: new Date('2030-01-02T03:04:05Z'), durationMs: 1, machine: [], cases: [sample], probes: [],
    options: { iterations: 2, warmups: 0, smoke: false, outDir: dir, runTimeoutMs: 1000 },
  });
  assert.deepEqual(readdirSync(dir).sort(), ['2030-01-02T03-04-05-000Z.json', '2030-01-02T03-04-05-000Z.md', '2030-01-02T03-04-05-000Z.svg']);
  assert.match(readFileSync(md, 'utf8'), /\(\.\/2030-01-02T03-04-05-000Z\.svg\)/);
  assert.equal(JSON.parse(readFileSync(join(dir, '2030-01-02T03-04-05-000Z.json'), 'utf8')).cases[0].tools[0].samples.length, 2);
});

const summaryOf = (samples: number[]) => summarize(samples);

test('verdict: a change counts only when over 5% and beyond both interquartile ranges', () => {
  const before = summaryOf([100, 101, 102, 103, 104]); // median 102, IQR 101–103
  // 10% slower and clear of the baseline's spread
  assert.equal(verdict(before, summaryOf([110, 111, 112, 113, 114])), 'slower');
  assert.equal(verdict(before, summaryOf([90, 91, 92, 93, 94])), 'faster');
  // 3% slower, outside the IQRs, but under the 5% floor
  assert.equal(verdict(before, summaryOf([104.5, 104.8, 105, 105.2, 105.5])), 'within noise');
  // 10% slower at the median, but the samples scatter over the baseline's median
  assert.equal(verdict(before, summaryOf([60, 95, 112, 130, 160])), 'within noise');
  // identical samples, zero-width ranges
  assert.equal(verdict(summaryOf([5, 5]), summaryOf([5, 5])), 'within noise');
  assert.equal(verdict(summaryOf([]), summaryOf([5])), 'within noise');
});

test('compareBuilds pairs each baseline tool with its checkout tool; the report gets a before/after table', () => {
  const c: CaseResult = {
    name: 'exec true', description: 'd',
    tools: [
      { name: 'berth', role: 'berth', command: 'berth exec', samples: [110, 111, 112, 113, 114], summary: summaryOf([110, 111, 112, 113, 114]) },
      { name: 'berth@abc1234', role: 'berth', command: 'berth@abc1234 exec', baselineOf: 'berth', samples: [100, 101, 102, 103, 104], summary: summaryOf([100, 101, 102, 103, 104]) },
    ],
  };
  const failed: CaseResult = {
    name: 'ps', description: 'd',
    tools: [
      { name: 'berth CLI', role: 'berth', command: 'x', samples: [1], summary: summaryOf([1]) },
      { name: 'berth@abc1234 CLI', role: 'berth', command: 'y', baselineOf: 'berth CLI', samples: [], error: 'setup failed: no build' },
    ],
  };
  const rows = compareBuilds([c, failed, sample]);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].tool, 'berth');
  assert.equal(rows[0].baseline, 'berth@abc1234');
  assert.equal(rows[0].ratio.toFixed(3), '1.098');
  assert.equal(rows[0].verdict, 'slower');
  const md = renderMarkdown({
    startedAt: new Date('2030-01-02T03:04:05Z'), durationMs: 1, machine: [], cases: [c, failed], probes: [],
    options: { iterations: 5, warmups: 0, smoke: false, outDir: '/nonexistent', runTimeoutMs: 1000, baseline: { ref: 'HEAD~1', commit: 'abc1234'.padEnd(40, '0'), short: 'abc1234' } },
  }, './c.svg');
  assert.match(md, /^## Before and after$/m);
  assert.match(md, /Verdicts: 1 slower, 0 faster, 0 within noise\./);
  assert.match(md, /^\| exec true \| berth \| 112\.0 \| 111\.0–113\.0 \| berth@abc1234 \| 102\.0 \| 101\.0–103\.0 \| 1\.098 \| \*\*slower\*\* \|$/m);
  assert.match(md, /^- ps, berth@abc1234 CLI: setup failed: no build$/m);
  // without a baseline there is no such section
  assert.doesNotMatch(renderMarkdown({ startedAt: new Date(0), durationMs: 1, machine: [], cases: [sample], probes: [], options: { iterations: 1, warmups: 0, smoke: false, outDir: '/x', runTimeoutMs: 1 } }, './c.svg'), /Before and after/);
});

test('a series of cases by size: medians per size and the cost of one more unit, in the report', () => {
  const sized = (n: number, berth: number, peer?: number): CaseResult => ({
    name: `compose up, ${n}`, description: 'd', series: { name: 'compose up', size: n, unit: 'service' },
    tools: [
      { name: 'berth', role: 'berth', command: 'c', samples: [berth], summary: summarize([berth]) },
      peer === undefined
        ? { name: 'v1', role: 'peer', command: 'c', samples: [], error: 'failed' }
        : { name: 'v1', role: 'peer', command: 'c', samples: [peer], summary: summarize([peer]) },
    ],
  });
  const run: BenchRun = {
    startedAt: new Date('2030-01-02T03:04:05Z'), durationMs: 1,
    options: { iterations: 1, warmups: 0, smoke: false, outDir: '/nonexistent', runTimeoutMs: 1000 },
    machine: [], cases: [sized(2, 100, 1000), sized(5, 160), sized(10, 260, 5000), sample], probes: [],
  };
  const md = renderMarkdown(run, './chart.svg');
  assert.match(md, /^## Growth with size$/m);
  assert.match(md, /^\| tool \| 2 services \(ms\) \| 5 services \(ms\) \| 10 services \(ms\) \| per service \(ms\) \| flatness \| vs docker \|$/m);
  // no docker in this series: no flatness against it
  assert.match(md, /^\| berth \| 100\.0 \| 160\.0 \| 260\.0 \| 20\.0 \| 2\.60× \|  \|$/m);
  // a size where the tool failed is shown as such; the slope uses the sizes it measured
  assert.match(md, /^\| v1 \| 1000\.0 \| failed \| 5000\.0 \| 500\.0 \| 5\.00× \|  \|$/m);
  // without a series (or with one size only) there is no such section
  assert.doesNotMatch(renderMarkdown({ ...run, cases: [sample, sized(2, 1, 1)] }, './c.svg'), /Growth with size/);
});

test('scale curves: flatness per tool, against Docker over the sizes both measured, and a curves SVG next to the report', (t) => {
  const sized = (n: number, berth: number, docker?: number): CaseResult => ({
    name: `scale ${n}`, description: 'd', series: { name: 'start with N running', size: n, unit: 'running container' },
    tools: [
      { name: 'berth', role: 'berth', command: 'c', samples: [berth], summary: summarize([berth]) },
      docker === undefined
        ? { name: 'docker', role: 'peer', command: 'c', samples: [], error: 'iteration 1 failed: timeout' }
        : { name: 'docker', role: 'peer', command: 'c', samples: [docker], summary: summarize([docker]) },
    ],
  });
  // docker failed at 1,000: the comparison uses 10..100, where berth grew 1.1x and docker 2x
  const cases = [sized(10, 100, 100), sized(100, 110, 200), sized(1000, 130)];
  const [table] = seriesTables(cases);
  const berth = table.rows.find((r) => r.tool === 'berth')!;
  const docker = table.rows.find((r) => r.tool === 'docker')!;
  assert.equal(berth.flatness, 1.3);
  assert.equal(docker.flatness, 2);
  assert.equal(flatnessVs(table, berth)!.toFixed(2), '0.55');
  assert.equal(flatnessVs(table, docker), undefined);

  const svg = curveChartSvg([table]);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal((svg.match(/<polyline /g) ?? []).length, 2);
  assert.equal((svg.match(/<circle /g) ?? []).length, 5);
  assert.match(svg, />berth ×1\.30</);
  // the x axis is logarithmic: 100 sits halfway between 10 and 1,000
  const xs = [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" text-anchor="middle" font-size="10">(10|100|1000)</g)].map((m) => Number(m[1]));
  assert.equal(xs.length, 3);
  assert.ok(Math.abs((xs[0] + xs[2]) / 2 - xs[1]) < 0.2, `x positions ${xs.join(', ')}`);

  const dir = mkdtempSync('/tmp/bench-report-test-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const md = readFileSync(writeReport({
    startedAt: new Date('2030-01-02T03:04:05Z'), durationMs: 1, machine: [], cases, probes: [],
    options: { iterations: 1, warmups: 0, smoke: false, outDir: dir, runTimeoutMs: 1000 },
  }), 'utf8');
  assert.ok(readdirSync(dir).includes('2030-01-02T03-04-05-000Z-curves.svg'));
  assert.match(md, /!\[[^\]]*\]\(\.\/2030-01-02T03-04-05-000Z-curves\.svg\)/);
  assert.match(md, /^\| berth \| 100\.0 \| 110\.0 \| 130\.0 \| 0\.0 \| 1\.30× \| 0\.55 \|$/m);
});

test('a one-tool-at-a-time case sets up, runs and tears down each tool before the next one starts', async (t) => {
  const ctx = new BenchContext({ iterations: 2, warmups: 1, smoke: true, outDir: '/nonexistent', runTimeoutMs: 1000 });
  t.after(() => ctx.cleanup());
  const steps: string[] = [];
  const tool = (name: string): Tool => ({
    name, role: name === 'berth' ? 'berth' : 'peer', command: name,
    async setup() { steps.push(`${name} setup`); },
    async run() { steps.push(`${name} run`); return 1; },
    async teardown() { steps.push(`${name} teardown`); },
  });
  const base = { name: 'c', description: 'd', tools: () => [tool('berth'), tool('docker')] };
  const r = await runCase(ctx, { ...base, oneToolAtATime: true });
  assert.deepEqual(steps, ['berth setup', 'berth run', 'berth run', 'berth run', 'berth teardown', 'docker setup', 'docker run', 'docker run', 'docker run', 'docker teardown']);
  assert.deepEqual(r.tools.map((x) => x.samples.length), [2, 2]);
  assert.equal(r.tools[0].ratio, 1);
  // the default interleaves the rounds
  steps.length = 0;
  await runCase(ctx, base);
  assert.deepEqual(steps.slice(0, 4), ['berth setup', 'docker setup', 'berth run', 'docker run']);
});
