/**
 * The host's processes, as the sshd check (5.6) needs them: the processes of a container, from /proc,
 * without spawning `ps` per container. One audit reads every process's pid-namespace link once (cheap)
 * and the command names only of the processes in the namespaces asked about; a container that shares the
 * host's pid namespace (--pid host) is its init's descendants, which needs every process's parent.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface HostProcess { pid: number; ppid: number; comm: string }

export interface ProcessTable {
  /** the processes of a container whose init is `initPid` (empty when it is gone) */
  ofContainer(initPid: number): HostProcess[];
}

/** At most this many processes are read: a bound on the cost on a very busy host. */
const MAX_PROCESSES = 100_000;

export function readProcessTable(proc = '/proc'): ProcessTable {
  const nsOf = (pid: number | 'self'): string | null => { try { return readlinkSync(`${proc}/${pid}/ns/pid`); } catch { return null; } };
  const stats = new Map<number, HostProcess | null>();
  const statOf = (pid: number): HostProcess | null => {
    if (stats.has(pid)) return stats.get(pid)!;
    let p: HostProcess | null = null;
    try {
      const stat = readFileSync(`${proc}/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      p = { pid, comm: stat.slice(stat.indexOf('(') + 1, close), ppid: Number(stat.slice(close + 2).split(' ')[1]) };
    } catch { /* exited meanwhile */ }
    stats.set(pid, p);
    return p;
  };
  let pids: number[] | undefined;
  const allPids = () => (pids ??= readdirSync(proc).filter((d) => /^\d+$/.test(d)).slice(0, MAX_PROCESSES).map(Number));
  let byNs: Map<string, number[]> | undefined;
  const nsIndex = () => {
    if (byNs) return byNs;
    byNs = new Map();
    for (const pid of allPids()) {
      const ns = nsOf(pid);
      if (ns) (byNs.get(ns) ?? byNs.set(ns, []).get(ns)!).push(pid);
    }
    return byNs;
  };
  let children: Map<number, number[]> | undefined;
  const childIndex = () => {
    if (children) return children;
    children = new Map();
    for (const pid of allPids()) {
      const p = statOf(pid);
      if (p) (children.get(p.ppid) ?? children.set(p.ppid, []).get(p.ppid)!).push(pid);
    }
    return children;
  };
  const hostNs = nsOf('self');
  return {
    ofContainer(initPid) {
      const ns = nsOf(initPid);
      if (!ns) return [];
      if (ns !== hostNs) return (nsIndex().get(ns) ?? []).map(statOf).filter((p): p is HostProcess => p !== null);
      // --pid host: init and its descendants
      const out: HostProcess[] = [];
      const queue = [initPid];
      const seen = new Set<number>();
      while (queue.length) {
        const pid = queue.pop()!;
        if (seen.has(pid)) continue;
        seen.add(pid);
        const p = statOf(pid);
        if (p) out.push(p);
        queue.push(...(childIndex().get(pid) ?? []));
      }
      return out;
    },
  };
}
