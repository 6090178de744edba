/**
 * Long-running peer processes (containerd, dockerd, docker-registry) started by the benchmark inside
 * a network namespace it created, logging to a file, stopped by their PID at the end.
 */
import { spawn, spawnSync } from 'node:child_process';
import { openSync, closeSync, readFileSync, readdirSync, rmdirSync, existsSync } from 'node:fs';
import { BenchError } from './errors.js';
import { benchEnv } from './proc.js';

export interface PeerProcess { pid: number; name: string; log: string }

export function startInNetns(netns: string, name: string, cmd: string, args: string[], log: string, env?: NodeJS.ProcessEnv): PeerProcess {
  const fd = openSync(log, 'a');
  try {
    const child = spawn('nsenter', [`--net=/run/netns/${netns}`, cmd, ...args], { stdio: ['ignore', fd, fd], detached: true, env: env ?? benchEnv() });
    child.unref();
    if (!child.pid) throw new BenchError(`cannot start ${name}`, 'ERR_PEER_START');
    // nsenter execs the command, so this PID is the daemon's own
    return { pid: child.pid, name, log };
  } finally { closeSync(fd); }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch { return false; }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll `ready` until it is true; fails early when the process died, with its log's tail. */
export async function waitReady(p: PeerProcess, ready: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ready()) return;
    if (!alive(p.pid)) throw new BenchError(`${p.name} exited during start: ${logTail(p.log)}`, 'ERR_PEER_START');
    await sleep(100);
  }
  throw new BenchError(`${p.name} not ready after ${timeoutMs} ms: ${logTail(p.log)}`, 'ERR_PEER_START');
}

export function logTail(log: string): string {
  try { return readFileSync(log, 'utf8').trim().split('\n').slice(-8).join('\n'); } catch { return '(no log)'; }
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL; only the given PID. */
export async function stopPid(pid: number, graceMs = 10_000): Promise<void> {
  if (!alive(pid)) return;
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && alive(pid)) await sleep(100);
  if (alive(pid)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
}

/** PIDs whose command line contains `needle` (e.g. a temporary root only our peers use). */
export function pidsWithArg(needle: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try { if (readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').join(' ').includes(needle)) out.push(Number(e)); } catch { /* gone */ }
  }
  return out;
}

/** Unmount everything mounted under `dir`, deepest first (lazily, so a busy mount cannot hang us). */
export function unmountUnder(dir: string): void {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((m) => m && (m === dir || m.startsWith(dir + '/')));
  for (const m of mounts.sort((a, b) => b.length - a.length)) spawnSync('umount', ['-l', m]);
}

/** Remove a cgroup directory (and its empty children) from every v1 hierarchy and the unified one. */
export function removeCgroupDirs(name: string): void {
  const base = '/sys/fs/cgroup';
  let hierarchies: string[] = [];
  try { hierarchies = readdirSync(base); } catch { return; }
  const rmTree = (dir: string) => {
    let kids: string[] = [];
    try { kids = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name); } catch { return; }
    for (const k of kids) rmTree(`${dir}/${k}`);
    try { rmdirSync(dir); } catch { /* busy or gone */ }
  };
  for (const h of hierarchies) {
    const d = `${base}/${h}/${name}`;
    if (existsSync(d)) rmTree(d);
  }
}
