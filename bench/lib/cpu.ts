/**
 * CPU time of a set of processes from /proc/<pid>/stat: their own (utime + stime) and what they
 * reaped from children (cutime + cstime). The reaped part matters for health checks: berth's daemon
 * reaps each `crun exec`, a containerd-shim reaps each `runc exec` and the checked process.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface CpuTimes { selfMs: number; childrenMs: number }

let tickMs: number | undefined;

/** Milliseconds per clock tick (USER_HZ; 100 on every Linux this runs on, asked once to be sure). */
function msPerTick(): number {
  if (tickMs === undefined) {
    const hz = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim());
    tickMs = 1000 / (Number.isFinite(hz) && hz > 0 ? hz : 100);
  }
  return tickMs;
}

/** One process's CPU times, or undefined when it is gone. */
export function cpuTimes(pid: number): CpuTimes | undefined {
  let stat: string;
  try { stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { return undefined; }
  // fields after the command name, which may hold spaces and parentheses: state is field 3
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const t = msPerTick();
  const [utime, stime, cutime, cstime] = [f[11], f[12], f[13], f[14]].map(Number);
  return { selfMs: (utime + stime) * t, childrenMs: (cutime + cstime) * t };
}

/** CPU times of each PID now (PIDs that are gone are left out). */
export function snapshotCpu(pids: number[]): Map<number, CpuTimes> {
  const m = new Map<number, CpuTimes>();
  for (const p of pids) { const c = cpuTimes(p); if (c) m.set(p, c); }
  return m;
}

/**
 * CPU used between two snapshots, summed over the PIDs present in both (a process that exited in
 * between takes its time with it; the probes keep their process sets fixed during a window).
 */
export function cpuUsed(before: Map<number, CpuTimes>, after: Map<number, CpuTimes>): CpuTimes {
  let selfMs = 0;
  let childrenMs = 0;
  for (const [pid, a] of after) {
    const b = before.get(pid);
    if (!b) continue;
    selfMs += a.selfMs - b.selfMs;
    childrenMs += a.childrenMs - b.childrenMs;
  }
  return { selfMs, childrenMs };
}

export const totalMs = (c: CpuTimes) => c.selfMs + c.childrenMs;
