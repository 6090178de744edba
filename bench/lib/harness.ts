/**
 * Runs cases with interleaved tools (A, B, A, B, ...; the starting tool rotates every round) so slow
 * drift of the machine hits every tool alike, discards warm-up rounds, and summarizes the rest.
 */
import type { BenchContext } from './context.js';
import { summarize, type Summary } from './stats.js';
import type { Case, CaseSeries, Probe, ProbeLine, Tool, ToolRole } from './types.js';

export interface ToolResult {
  name: string;
  role: ToolRole;
  command: string;
  /** for a baseline build's tool: this checkout's tool it is compared with */
  baselineOf?: string;
  samples: number[];
  summary?: Summary;
  /** median divided by the best peer's median */
  ratio?: number;
  /** MB/s at the median, for cases that move a known amount of data */
  mbPerSecond?: number;
  error?: string;
}

export interface CaseResult {
  name: string;
  description: string;
  goalRatio?: number;
  goal?: string;
  bestPeer?: string;
  /** timed iterations actually asked for (a case may cap them) */
  iterations?: number;
  series?: CaseSeries;
  tools: ToolResult[];
}

export interface ProbeResult { name: string; lines: ProbeLine[]; error?: string }

function message(e: unknown): string { return e instanceof Error ? e.message : String(e); }

export async function runCase(ctx: BenchContext, c: Case): Promise<CaseResult> {
  const iterations = Math.min(ctx.options.iterations, c.maxIterations ?? Infinity);
  const warmups = Math.min(ctx.options.warmups, c.maxIterations !== undefined ? 1 : Infinity);
  const tools: Tool[] = c.tools(ctx);
  const results = new Map<Tool, ToolResult>(tools.map((t) => [t, { name: t.name, role: t.role, command: t.command, ...(t.baselineOf ? { baselineOf: t.baselineOf } : {}), samples: [] }]));
  if (c.oneToolAtATime) {
    for (const t of tools) await runTools(ctx, c, [t], results, warmups, iterations);
  } else {
    await runTools(ctx, c, tools, results, warmups, iterations);
  }
  const out: ToolResult[] = [...results.values()];
  for (const r of out) if (!r.error && r.samples.length) r.summary = summarize(r.samples);
  const peers = out.filter((r) => r.role === 'peer' && r.summary).sort((a, b) => a.summary!.median - b.summary!.median);
  const best = peers[0];
  if (best) for (const r of out) if (r.summary) r.ratio = r.summary.median / best.summary!.median;
  const bytes = c.bytesPerIteration?.(ctx);
  if (bytes) for (const r of out) if (r.summary) r.mbPerSecond = bytes / 1e6 / (r.summary.median / 1000);
  const series = c.series?.(ctx);
  return { name: c.name, description: c.description, goalRatio: c.goalRatio, goal: c.goal, bestPeer: best?.name, iterations, ...(series ? { series } : {}), tools: out };
}

/** Set up `tools`, run their rounds interleaved (the starting tool rotating), tear them down. */
async function runTools(ctx: BenchContext, c: Case, tools: Tool[], results: Map<Tool, ToolResult>, warmups: number, iterations: number): Promise<void> {
  const ready: Tool[] = [];
  for (const t of tools) {
    ctx.log(`${c.name}: setting up ${t.name}`);
    try { await t.setup(); ready.push(t); } catch (e) {
      results.get(t)!.error = `setup failed: ${message(e)}`;
      ctx.log(`${c.name}: ${t.name} setup failed: ${message(e)}`);
      await t.teardown().catch(() => {});
    }
  }
  try {
    const live = new Set(ready);
    for (let round = 0; round < warmups + iterations && live.size > 0; round++) {
      const order = ready.map((_, i) => ready[(i + round) % ready.length]).filter((t) => live.has(t));
      for (const t of order) {
        const started = process.hrtime.bigint();
        let measured: number | void;
        try {
          measured = await t.run(round);
        } catch (e) {
          results.get(t)!.error = `iteration ${round + 1} failed: ${message(e)}`;
          ctx.log(`${c.name}: ${t.name} failed: ${message(e)}`);
          live.delete(t);
          continue;
        }
        const ms = typeof measured === 'number' ? measured : Number(process.hrtime.bigint() - started) / 1e6;
        if (round >= warmups) results.get(t)!.samples.push(ms);
      }
      if (round === warmups - 1) ctx.log(`${c.name}: warm-up done`);
    }
  } finally {
    for (const t of ready) await t.teardown().catch((e) => ctx.log(`${c.name}: ${t.name} teardown failed: ${message(e)}`));
  }
}

export async function runProbe(ctx: BenchContext, p: Probe): Promise<ProbeResult> {
  ctx.log(`probe: ${p.name}`);
  try { return { name: p.name, lines: await p.measure(ctx) }; } catch (e) {
    ctx.log(`probe ${p.name} failed: ${message(e)}`);
    return { name: p.name, lines: [], error: message(e) };
  }
}
