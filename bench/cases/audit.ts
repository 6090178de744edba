/**
 * berth audit: the whole host audit (every CIS section, JSON out) of a daemon with 10, 50 and 100
 * running containers (`busybox sleep 3600`, started at once through the Engine API in set-up), timed
 * from a fresh CLI process to its exit. berth only: Docker Bench for Security is a shell script that
 * Debian does not package, so there is no peer here; and a baseline build older than the audit has no
 * `berth audit` to compare with.
 */
import type { Case } from '../lib/types.js';
import type { BenchContext } from '../lib/context.js';
import { enginesFor } from '../peers/engine.js';
import { api, engineTool, removeBenchContainers, startConcurrently } from './engine-tool.js';

const LONG = 600_000;

/** The audit must really have looked at every container: one 5.4 finding each. */
function checkReport(report: { findings: Array<{ id: string }> }, n: number): void {
  const seen = report.findings.filter((f) => f.id === '5.4').length;
  if (seen !== n) throw new Error(`audit reported ${seen} containers for 5.4, expected ${n}`);
}

function auditCase(n: number, smokeN: number): Case {
  return {
    name: `audit with ${n} running containers`,
    description: `\`berth audit --format json\` of a host with ${n} running \`busybox sleep 3600\` containers (${smokeN} in smoke mode), from a fresh CLI process: every check of sections 1-6, including the /proc pass for sshd.`,
    goal: n === 100 ? '< 2 s (issue 26)' : undefined,
    maxIterations: 10,
    series: (ctx: BenchContext) => ({ name: 'berth audit, running containers', size: ctx.size(n, smokeN), unit: 'container' }),
    tools: (ctx) => enginesFor(ctx).filter((k) => k === 'berth').flatMap((k) => [
      // the two tools share one daemon: the first starts the containers, both audit the same n
      engineTool(ctx, k, {
        args: ['audit', '--format', 'json'],
        async setup(e) { await startConcurrently(e, ctx.size(n, smokeN), LONG); },
        async run(e) {
          const r = await e.cli(['audit', '--format', 'json'], LONG);
          checkReport(JSON.parse(r.stdout), ctx.size(n, smokeN));
          return r.ms;
        },
        teardown: (e) => removeBenchContainers(e, LONG),
      }),
      // the same audit through the API alone: what the daemon spends, without the CLI's start-up
      engineTool(ctx, k, {
        name: (label) => `${label} API`,
        args: ['GET /berth/audit'],
        async run(e) {
          const t0 = performance.now();
          const report = await api(e, 'GET', '/berth/audit');
          const ms = performance.now() - t0;
          checkReport(report, ctx.size(n, smokeN));
          return ms;
        },
        teardown: (e) => removeBenchContainers(e, LONG),
      }),
    ]),
  };
}

export const AUDIT_CASES: Case[] = [auditCase(10, 2), auditCase(50, 3), auditCase(100, 5)];
