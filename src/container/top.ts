import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { run } from '../common/exec.js';
import { InvalidArgumentError, SystemError } from '../common/errors.js';

function pidNamespace(pid: number): string | null {
  try { return readlinkSync(`/proc/${pid}/ns/pid`); } catch { return null; }
}

function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch { return 0; }
}

/**
 * Host pids of a container's processes: every process in the init process's
 * pid namespace (this includes exec'd processes, which are not descendants of
 * init). Falls back to init's descendants if the namespace is the host's.
 */
export function containerPids(initPid: number): number[] {
  const ns = pidNamespace(initPid);
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  if (ns && ns !== pidNamespace(process.pid)) return all.filter((p) => pidNamespace(p) === ns).sort((a, b) => a - b);
  const pids = new Set([initPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) if (!pids.has(p) && pids.has(parentOf(p))) { pids.add(p); grew = true; }
  }
  return [...pids].sort((a, b) => a - b);
}

/** Docker's top: run the host's ps with psArgs and keep the rows of the container's pids. */
export async function topProcesses(pids: number[], psArgs = '-ef'): Promise<{ Titles: string[]; Processes: string[][] }> {
  const args = psArgs.trim() ? psArgs.trim().split(/\s+/) : [];
  const r = await run('ps', args, { timeoutMs: 10_000 });
  if (r.code !== 0) throw new SystemError(`ps: ${(r.stderr || r.stdout).trim()}`, 'ERR_PS');
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new SystemError('ps printed nothing', 'ERR_PS');
  const titles = lines[0].trim().split(/\s+/);
  const pidIndex = titles.indexOf('PID');
  if (pidIndex < 0) throw new InvalidArgumentError("Couldn't find PID field in ps output", 'ERR_PS_NO_PID');
  const wanted = new Set(pids.map(String));
  const processes: string[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (!wanted.has(fields[pidIndex])) continue;
    const row = fields.slice(0, titles.length - 1);
    row.push(fields.slice(titles.length - 1).join(' '));
    processes.push(row);
  }
  return { Titles: titles, Processes: processes };
}
