/**
 * Interleaved A/B of `docker exec <ctr> true` against berth daemons built from different trees.
 *   unshare --net -- node --import tsx bench/probes/exec-ab.ts <treeA> [<treeB> ...] <rounds> <execsPerRound>
 * Each tree's test/helpers/daemon.ts starts its own `berth serve` (own root, socket, netns) with one
 * `busybox sleep 3600`; the rounds alternate the order. Per tree: daemon CPU per exec (utime+stime of
 * /proc/<pid>/stat, 10 ms ticks: a mean over the run), the docker CLI's wall per exec and the daemon's
 * span of an exec (exec create's arrival to the exec inspect's, from its debug request log). KEEP=<ms>
 * keeps the daemons up that long afterwards (pid, socket and container printed) for a trace.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
const args = process.argv.slice(2);
const perRound = Number(args.pop());
const rounds = Number(args.pop());
const repos = args;
function cpu(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) * 10; // ms (CLK_TCK 100)
}
function docker(sock: string, a: string[]): Promise<{ code: number; out: string; ms: number }> {
  return new Promise((res) => {
    const t0 = process.hrtime.bigint();
    const c = spawn('docker', a, { env: { ...process.env, DOCKER_HOST: `unix://${sock}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => out += d); c.stderr.on('data', (d) => out += d);
    const timer = setTimeout(() => c.kill('SIGKILL'), 30000);
    c.on('close', (code) => { clearTimeout(timer); res({ code: code ?? 1, out, ms: Number(process.hrtime.bigint() - t0) / 1e6 }); });
  });
}
const med = (a: number[]) => { const s = [...a].sort((x, y) => x - y); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
/** Per exec, the daemon's view: from the exec create request's arrival to the exec inspect's (debug request log). */
function execSpans(logPath: string): number[] {
  const out: number[] = [];
  let created: number | null = null;
  for (const line of readFileSync(logPath, 'utf8').split('\n')) {
    const m = / url=(\S+) status=(\d+) at=([\d.]+)/.exec(line);
    if (!m) continue;
    if (/\/exec$/.test(m[1]) && m[2] === '201') created = Number(m[3]);
    else if (/\/exec\/[0-9a-f]+\/json$/.test(m[1]) && created !== null) { out.push(Number(m[3]) - created); created = null; }
  }
  return out;
}
const ds: any[] = [];
try {
  for (const r of repos) {
    const { startDaemon } = await import(`${r}/test/helpers/daemon.ts`);
    const d = await startDaemon();
    const p = await docker(d.socket, ['pull', 'busybox']); if (p.code) throw new Error(p.out);
    const run = await docker(d.socket, ['run', '-d', '--network', 'none', 'busybox', 'sleep', '3600']); if (run.code) throw new Error(run.out);
    const id = run.out.trim().split('\n').pop()!;
    console.log(`daemon ${r} pid ${d.pid}`);
    for (let i = 0; i < 3; i++) await docker(d.socket, ['exec', id, 'true']);
    ds.push({ r, d, id, cpu: [] as number[], wall: [] as number[], span: [] as number[], allWalls: [] as number[], allSpans: [] as number[] });
  }
  for (let k = 0; k < rounds; k++) {
    const order = k % 2 ? [...ds].reverse() : ds;
    for (const x of order) {
      const c0 = cpu(x.d.pid); const walls: number[] = [];
      for (let i = 0; i < perRound; i++) { const e = await docker(x.d.socket, ['exec', x.id, 'true']); if (e.code) throw new Error('exec failed ' + e.out); walls.push(e.ms); }
      x.cpu.push((cpu(x.d.pid) - c0) / perRound); x.wall.push(med(walls)); x.allWalls.push(...walls);
      const spans = execSpans(join(dirname(x.d.root), 'daemon.log')).slice(-perRound);
      x.span.push(med(spans)); x.allSpans.push(...spans);
    }
  }
  for (const x of ds) console.log(`${x.r}: daemon CPU/exec mean ${(x.cpu.reduce((a: number, b: number) => a + b, 0) / x.cpu.length).toFixed(2)} ms over ${rounds * perRound} execs; per exec: wall median ${med(x.allWalls).toFixed(1)} ms, daemon create->inspect median ${med(x.allSpans).toFixed(1)} ms`);
  for (const x of ds) console.log(`${x.r}: daemon CPU/exec median ${med(x.cpu).toFixed(2)} ms [${Math.min(...x.cpu).toFixed(1)}-${Math.max(...x.cpu).toFixed(1)}], wall/exec median ${med(x.wall).toFixed(1)} ms [${Math.min(...x.wall).toFixed(1)}-${Math.max(...x.wall).toFixed(1)}], daemon create->inspect median ${med(x.span).toFixed(1)} ms [${Math.min(...x.span).toFixed(1)}-${Math.max(...x.span).toFixed(1)}]`);
  if (process.env.KEEP) { for (const x of ds) console.log('KEEP', x.d.pid, x.d.socket, x.id); await new Promise((r) => setTimeout(r, Number(process.env.KEEP))); }
} finally {
  for (const x of ds) await x.d.cleanup().catch((e: Error) => console.error(e));
}
