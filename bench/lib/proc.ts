/** Spawning timed commands and reading process memory from /proc. */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { SystemError } from '../../src/common/errors.js';
import { BenchError } from './errors.js';

export interface TimedResult { code: number; ms: number; stdout: string; stderr: string }

/** Environment for child processes: the user's, minus what would redirect or confuse them. */
export function benchEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.DOCKER_HOST;
  delete env.BERTH_HOST;
  delete env.NODE_TEST_CONTEXT; // a child node must not think it is a test runner
  return env;
}

/**
 * Run a command to completion and measure spawn-to-exit wall time, as a shell user would see it.
 * The clock stops at the process's exit, not when its pipes drain.
 */
export function timedSpawn(cmd: string, args: string[], opts: { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<TimedResult> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    let ended = 0n;
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? benchEnv() });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('exit', () => { ended = process.hrtime.bigint(); });
    child.on('error', (e) => { clearTimeout(timer); reject(new SystemError(`cannot run ${cmd}: ${e.message}`, 'ERR_EXEC', e)); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (timedOut) { reject(new SystemError(`${cmd} ${args.join(' ')} took longer than ${opts.timeoutMs} ms`, 'ERR_TIMEOUT')); return; }
      const ms = Number((ended || process.hrtime.bigint()) - started) / 1e6;
      resolve({ code: code ?? (signal ? 128 : 1), ms, stdout, stderr });
    });
  });
}

/** Like timedSpawn, but a non-zero exit is an error carrying the command's output. */
export async function timedSpawnOk(cmd: string, args: string[], opts: { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<TimedResult> {
  const r = await timedSpawn(cmd, args, opts);
  if (r.code !== 0) {
    throw new SystemError(`\`${[cmd, ...args].join(' ')}\` exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(0, 2000)}`, 'ERR_EXEC');
  }
  return r;
}

/** Resident set size of a process in kilobytes (VmRSS), or undefined when it is gone. */
export function rssKiB(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch { return undefined; }
}

/**
 * A process's resident memory split by kind, in KiB. VmRSS counts the file-backed pages it touched
 * (for a Node daemon ~57 MiB of the node binary's clean, shared pages), so the private part is
 * RssAnon (heap, stacks, malloc) and Pss charges shared pages to each sharer by its share.
 */
export interface MemoryBreakdown { vmRss: number; rssAnon: number; rssFile: number; rssShmem: number; pss: number }

/** The breakdown from /proc/<pid>/status and /proc/<pid>/smaps_rollup, or undefined when it is gone. */
export function memoryBreakdown(pid: number): MemoryBreakdown | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const field = (text: string, name: string): number => {
      const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
      if (!m) throw new BenchError(`/proc/${pid} has no ${name} line`, 'ERR_PROC_FORMAT');
      return Number(m[1]);
    };
    return { vmRss: field(status, 'VmRSS'), rssAnon: field(status, 'RssAnon'), rssFile: field(status, 'RssFile'), rssShmem: field(status, 'RssShmem'), pss: field(rollup, 'Pss') };
  } catch (e) {
    if (e instanceof BenchError) throw e;
    return undefined;
  }
}

/** The breakdowns of several processes added up (the ones that are gone count nothing). */
export function memoryBreakdownSum(pids: number[]): MemoryBreakdown {
  const total: MemoryBreakdown = { vmRss: 0, rssAnon: 0, rssFile: 0, rssShmem: 0, pss: 0 };
  for (const pid of pids) {
    const b = memoryBreakdown(pid);
    if (!b) continue;
    for (const k of Object.keys(total) as (keyof MemoryBreakdown)[]) total[k] += b[k];
  }
  return total;
}

/** PIDs of processes whose executable name is `comm` and whose command line contains `needle`. */
export function pidsOf(comm: string, needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== comm) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmdline.includes(needle)) pids.push(Number(entry));
    } catch { /* exited while we looked */ }
  }
  return pids;
}
