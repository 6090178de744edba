/**
 * `npm run bench`: runs every case and probe, writes the report to bench/results/, cleans up.
 *
 *   --smoke | BENCH_SMOKE=1         2 iterations, no warm-up (what the test suite runs)
 *   --iterations N | BENCH_ITERATIONS   timed iterations per tool (default 30)
 *   --warmups N | BENCH_WARMUPS     discarded rounds before timing (default 3)
 *   --out DIR | BENCH_RESULTS_DIR   where the report goes (default bench/results)
 *   --tools a,b                     only these tools (by name, e.g. crun)
 *   --peers a,b | BENCH_PEERS       only these peers (crun, docker, podman, buildah, skopeo, registry, docker-cli)
 *   --no-install                    do not apt-get install missing peers (smoke mode never installs)
 *   --no-probes                     skip the memory probes
 *   --only a,b | BENCH_ONLY         only the cases and probes whose names contain one of these (any case)
 *   --baseline REF | BENCH_BASELINE_REF   every case with a berth tool also measures that commit's build
 *                                   (temporary worktree, its own daemon and CLI); the report compares the two
 *
 * Exits 0 when everything measured, 1 when a tool or probe failed (the report is written anyway).
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BenchContext } from './lib/context.js';
import { runCase, runProbe, type CaseResult, type ProbeResult } from './lib/harness.js';
import { machineFacts } from './lib/machine.js';
import { installPeers } from './lib/install-peers.js';
import { writeReport } from './lib/report.js';
import type { BenchOptions, Case } from './lib/types.js';
import { CASES, PROBES } from './cases/index.js';
import { resolveBaselineRef } from './peers/berth-build.js';
import { compareBuilds } from './lib/compare.js';
import { flatnessVs, seriesTables } from './lib/series.js';

const DEFAULT_OUT = fileURLToPath(new URL('./results/', import.meta.url));

function positiveInt(v: string | undefined, fallback: number, what: string): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a whole number, got "${v}"`);
  return n;
}

function parseOptions(argv: string[]): { options: BenchOptions; tools?: string[]; probes: boolean; only?: string[] } {
  const { values } = parseArgs({
    args: argv,
    options: {
      smoke: { type: 'boolean' },
      iterations: { type: 'string' },
      warmups: { type: 'string' },
      out: { type: 'string' },
      tools: { type: 'string' },
      peers: { type: 'string' },
      'no-install': { type: 'boolean' },
      'no-probes': { type: 'boolean' },
      only: { type: 'string' },
      baseline: { type: 'string' },
    },
  });
  const smoke = !!values.smoke || ['1', 'true', 'yes'].includes(process.env.BENCH_SMOKE ?? '');
  const iterations = smoke ? 2 : positiveInt(values.iterations ?? process.env.BENCH_ITERATIONS, 30, 'iterations');
  const warmups = smoke ? 0 : positiveInt(values.warmups ?? process.env.BENCH_WARMUPS, 3, 'warm-ups');
  if (iterations < 1) throw new Error('iterations must be at least 1');
  const baselineRef = (values.baseline ?? process.env.BENCH_BASELINE_REF)?.trim();
  return {
    options: {
      smoke, iterations, warmups, outDir: values.out ?? process.env.BENCH_RESULTS_DIR ?? DEFAULT_OUT, runTimeoutMs: 60_000,
      peers: (values.peers ?? process.env.BENCH_PEERS)?.split(',').map((s) => s.trim()).filter(Boolean),
      installPeers: !smoke && !values['no-install'],
      ...(baselineRef ? { baseline: resolveBaselineRef(baselineRef) } : {}),
    },
    tools: values.tools?.split(',').map((s) => s.trim()).filter(Boolean),
    probes: !values['no-probes'],
    only: (values.only ?? process.env.BENCH_ONLY)?.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean),
  };
}

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) throw new Error('the benchmark runs containers and network namespaces: run it as root');
  const { options, tools, probes, only } = parseOptions(process.argv.slice(2));
  const chosen = (name: string) => !only?.length || only.some((o) => name.toLowerCase().includes(o));
  if (options.installPeers) {
    const r = installPeers((m) => process.stderr.write(`[bench] ${m}\n`));
    if (r.strayDaemons.length) process.stderr.write(`[bench] WARNING: the package install started ${r.strayDaemons.join(', ')} outside any benchmark namespace; stopped\n`);
  }
  const ctx = new BenchContext(options);
  // after a signal no further case or probe starts: the cleanup runs alone, and the process exits when it ends
  let stopping = false;
  const onSignal = (sig: NodeJS.Signals) => {
    stopping = true;
    ctx.log(`${sig}: cleaning up`);
    void ctx.cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const startedAt = new Date();
  const t0 = Date.now();
  const cases: CaseResult[] = [];
  const probeResults: ProbeResult[] = [];
  try {
    for (const c of CASES.filter((x) => chosen(x.name))) {
      if (stopping) break;
      const selected: Case = tools ? { ...c, tools: (cx) => c.tools(cx).filter((t) => tools.includes(t.name)) } : c;
      cases.push(await runCase(ctx, selected));
    }
    if (probes) for (const p of PROBES.filter((x) => chosen(x.name))) { if (stopping) break; probeResults.push(await runProbe(ctx, p)); }
  } finally {
    ctx.log('cleaning up');
    await ctx.cleanup();
  }
  const path = writeReport({ startedAt, durationMs: Date.now() - t0, options, machine: machineFacts(), cases, probes: probeResults });
  for (const c of cases) {
    for (const t of c.tools) {
      const fig = t.summary ? `median ${t.summary.median.toFixed(1)} ms, p95 ${t.summary.p95.toFixed(1)} ms${t.ratio !== undefined ? `, ${t.ratio.toFixed(2)}× ${c.bestPeer}` : ''}` : `FAILED: ${t.error}`;
      process.stdout.write(`${c.name} | ${t.name}: ${fig}\n`);
    }
  }
  for (const p of probeResults) {
    for (const l of p.lines) process.stdout.write(`${l.name}: ${l.value.toFixed(1)} ${l.unit}${l.goal ? ` (goal ${l.goal})` : ''}\n`);
    if (p.error) process.stdout.write(`${p.name}: FAILED: ${p.error}\n`);
  }
  for (const t of seriesTables(cases)) {
    for (const r of t.rows) {
      if (r.perUnit === undefined) continue;
      const vs = flatnessVs(t, r);
      const flat = r.flatness !== undefined ? `, flatness ${r.flatness.toFixed(2)}×${vs !== undefined ? ` (${vs.toFixed(2)} of Docker's)` : ''}` : '';
      process.stdout.write(`growth | ${t.name} | ${r.tool}: ${r.perUnit.toFixed(1)} ms per ${t.unit}${flat} (${[...r.medians].map(([n, m]) => `${n}: ${m.toFixed(0)} ms`).join(', ')})\n`);
    }
  }
  for (const r of compareBuilds(cases)) {
    process.stdout.write(`before/after | ${r.case} | ${r.tool} ${r.after.median.toFixed(1)} ms vs ${r.baseline} ${r.before.median.toFixed(1)} ms: ${r.ratio.toFixed(3)}×, ${r.verdict}\n`);
  }
  process.stdout.write(`report: ${path}\n`);
  const failed = cases.some((c) => c.tools.some((t) => t.error)) || probeResults.some((p) => p.error);
  return failed ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (e) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
