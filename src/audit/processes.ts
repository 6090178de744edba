/**
 * The host's processes, read once from /proc per audit: the pid namespace, parent and command name
 * of each. The sshd check (5.6) looks up a container's processes here instead of spawning `ps`
 * for every container, so an audit of 100 running containers costs one pass over /proc.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';

export interface HostProcess { pid: number; ppid: number; comm: string; argv0: string; pidNs: string | null }

export interface ProcessTable {
  /** the processes of a container whose init is `initPid`: its pid namespace, or init's descendants when that is the host's */
  ofContainer(initPid: number): HostProcess[];
}

/** At most this many processes are read: a bound on the cost on a very busy host. */
const MAX_PROCESSES = 100_000;

function readProcess(proc: string, pid: number): HostProcess | undefined {
  let stat: string;
  try { stat = readFileSync(`${proc}/${pid}/stat`, 'utf8'); } catch { return undefined; } // exited meanwhile
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  const comm = stat.slice(open + 1, close);
  const ppid = Number(stat.slice(close + 2).split(' ')[1]);
  let pidNs: string | null = null;
  try { pidNs = readlinkSync(`${proc}/${pid}/ns/pid`); } catch { /* a kernel thread or gone */ }
  let argv0 = '';
  try { argv0 = basename(readFileSync(`${proc}/${pid}/cmdline`, 'utf8').split('\0')[0] ?? ''); } catch { /* gone */ }
  return { pid, ppid, comm, argv0, pidNs };
}

export function readProcessTable(proc = '/proc'): ProcessTable {
  const all: HostProcess[] = [];
  const pids = readdirSync(proc).filter((d) => /^\d+$/.test(d)).slice(0, MAX_PROCESSES);
  for (const d of pids) {
    const p = readProcess(proc, Number(d));
    if (p) all.push(p);
  }
  const byPid = new Map(all.map((p) => [p.pid, p]));
  const hostNs = byPid.get(process.pid)?.pidNs ?? (() => { try { return readlinkSync(`${proc}/self/ns/pid`); } catch { return null; } })();
  const byNs = new Map<string, HostProcess[]>();
  for (const p of all) if (p.pidNs) (byNs.get(p.pidNs) ?? byNs.set(p.pidNs, []).get(p.pidNs)!).push(p);
  const children = new Map<number, HostProcess[]>();
  for (const p of all) (children.get(p.ppid) ?? children.set(p.ppid, []).get(p.ppid)!).push(p);
  return {
    ofContainer(initPid) {
      const init = byPid.get(initPid);
      if (!init) return [];
      if (init.pidNs && init.pidNs !== hostNs) return byNs.get(init.pidNs) ?? [];
      // --pid host: the container's processes are init and its descendants
      const out: HostProcess[] = [];
      const queue = [init];
      while (queue.length) {
        const p = queue.pop()!;
        out.push(p);
        queue.push(...(children.get(p.pid) ?? []));
      }
      return out;
    },
  };
}
