/**
 * Logging drivers under load: 10, 25 and 50 running containers (2, 3, 5 in smoke mode), each
 * printing 2,000 numbered lines at about 1,000 lines/s (a busybox loop: 100 lines, then 0.1 s of
 * sleep), per driver: json-file, syslog over udp, gelf over udp (gzip) and fluentd over tcp, each to
 * a receiver in the engine's namespace (test/logging/receiver.ts counting messages). The measure of an
 * iteration is the daemon's CPU time (utime + stime from /proc/<pid>/stat, conmon and the
 * containers not included) from the starts until the receiver has everything (or nothing more comes
 * for 2 s); lines lost at the receiver are logged per iteration. json-file also runs against dockerd
 * (dockerd + containerd CPU), whose copier does the same work in-process.
 */
import type { Case, Tool } from '../lib/types.js';
import type { BenchContext } from '../lib/context.js';
import { cpuUsed, snapshotCpu, totalMs } from '../lib/cpu.js';
import { enginesFor, type Engine } from '../peers/engine.js';
import { api, createRetryingNameConflicts, engineTool, mapLimit, removeBenchContainers } from './engine-tool.js';
import { startReceiver, type Receiver } from '../../test/logging/helpers.js';

const LONG = 600_000;
const LINES = 2000;
const SMOKE_LINES = 300;

interface DriverSpec { name: string; kind?: string; port?: number; logConfig(port: number): { Type: string; Config: Record<string, string> } }

const DRIVERS: DriverSpec[] = [
  { name: 'json-file', logConfig: () => ({ Type: 'json-file', Config: {} }) },
  { name: 'syslog udp', kind: 'syslog-udp', port: 15514, logConfig: (p) => ({ Type: 'syslog', Config: { 'syslog-address': `udp://127.0.0.1:${p}`, 'syslog-format': 'rfc5424' } }) },
  { name: 'gelf udp', kind: 'gelf-udp', port: 12211, logConfig: (p) => ({ Type: 'gelf', Config: { 'gelf-address': `udp://127.0.0.1:${p}` } }) },
  { name: 'fluentd tcp', kind: 'fluentd', port: 24250, logConfig: (p) => ({ Type: 'fluentd', Config: { 'fluentd-address': `127.0.0.1:${p}` } }) },
];

const script = (lines: number) =>
  `i=0; while [ $i -lt ${lines} ]; do j=0; while [ $j -lt 100 ]; do echo "bench line $i"; i=$((i+1)); j=$((j+1)); done; sleep 0.1; done`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Lines a container's log holds, from the logs endpoint (json-file: berth's file or dockerd's). */
async function loggedLines(e: Engine, id: string): Promise<number> {
  const { apiRequest } = await import('../../test/helpers/daemon.js');
  const r = await apiRequest(e.socket!, 'GET', `/containers/${id}/logs?stdout=1`);
  return String(r.body ?? '').split('bench line').length - 1;
}

function loggingTool(ctx: BenchContext, kind: 'berth' | 'docker', n: number, drv: DriverSpec): Tool {
  let rcv: Receiver | undefined;
  const lines = ctx.options.smoke ? SMOKE_LINES : LINES;
  return engineTool(ctx, kind, {
    name: (label) => `${label} ${drv.name}`,
    args: ['run', '-d', '--log-driver', drv.logConfig(drv.port ?? 0).Type, '...', 'busybox', 'sh', '-c', `'<${lines} lines at ~1000/s>'`],
    async setup(e) { if (drv.kind) rcv = await startReceiver(e.netns, drv.kind, String(drv.port), [], { count: true }); },
    async run(e) {
      const count = () => (rcv?.messages.at(-1)?.count as number | undefined) ?? 0;
      const before = count();
      const pids = e.daemonPids();
      const cpu0 = snapshotCpu(pids);
      const ids: string[] = [];
      await mapLimit(Array.from({ length: n }, (_, i) => i), 8, async () => {
        const c = await createRetryingNameConflicts(e, {
          Image: 'busybox', Cmd: ['sh', '-c', script(lines)], Labels: { 'berth-bench': '1' },
          HostConfig: { NetworkMode: 'none', LogConfig: drv.logConfig(drv.port ?? 0) },
        });
        await api(e, 'POST', `/containers/${c.Id}/start`);
        ids.push(c.Id);
      });
      await Promise.all(ids.map((id) => api(e, 'POST', `/containers/${id}/wait`)));
      const expected = n * lines;
      let got = 0;
      if (rcv) {
        // until everything arrived, or nothing more came for 2 s
        let last = -1;
        let still = Date.now();
        for (let guard = 0; guard < 600; guard++) {
          got = count() - before;
          if (got >= expected) break;
          if (got !== last) { last = got; still = Date.now(); } else if (Date.now() - still > 2000) break;
          await sleep(100);
        }
      }
      const cpu = totalMs(cpuUsed(cpu0, snapshotCpu(pids)));
      if (!rcv) got = (await Promise.all(ids.map((id) => loggedLines(e, id)))).reduce((a, b) => a + b, 0);
      ctx.log(`${kind} ${drv.name} x${n}: ${got}/${expected} lines arrived, ${expected - got} lost, daemon CPU ${cpu.toFixed(0)} ms`);
      await removeBenchContainers(e, LONG);
      return cpu;
    },
    async teardown(e) { await removeBenchContainers(e, LONG); await rcv?.stop(); },
  });
}

function loggingCase(n: number, smokeN: number): Case {
  return {
    name: `logging drivers with ${n} containers at 1000 lines/s`,
    description: `daemon CPU time (ms, not wall time) while ${n} containers (${smokeN} in smoke mode) each print ${LINES} lines at ~1000 lines/s, per driver; lost lines are logged per iteration. json-file also on dockerd.`,
    maxIterations: 3,
    series: (ctx: BenchContext) => ({ name: 'logging drivers, containers at 1000 lines/s', size: ctx.size(n, smokeN), unit: 'container' }),
    tools: (ctx) => enginesFor(ctx, ['berth', 'docker']).flatMap((k): Tool[] => {
      if (k === 'berth') return DRIVERS.map((drv) => loggingTool(ctx, 'berth', ctx.size(n, smokeN), drv));
      if (k === 'docker') return [loggingTool(ctx, 'docker', ctx.size(n, smokeN), DRIVERS[0])];
      return [];
    }),
  };
}

export const LOGGING_CASES: Case[] = [loggingCase(10, 2), loggingCase(25, 3), loggingCase(50, 5)];
