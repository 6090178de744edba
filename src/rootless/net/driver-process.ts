/**
 * A driver process (pasta or slirp4netns) started by the entry process: its output kept for error
 * messages, its readiness awaited with a deadline, and a close that ends it (TERM, then KILL).
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { RootlessNetError } from './driver-tools.js';

export class DriverProcess {
  readonly child: ChildProcess;
  private output = '';
  private exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exitWaiters: Array<() => void> = [];

  constructor(readonly label: string, program: string, args: string[], stdio: StdioOptions = ['ignore', 'pipe', 'pipe']) {
    this.child = spawn(program, args, { stdio, env: process.env });
    const keep = (d: Buffer) => { if (this.output.length < 16_384) this.output += d.toString(); };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.child.on('error', (e) => { this.output += e.message; });
    this.child.on('exit', (code, signal) => {
      this.exited = { code, signal };
      for (const w of this.exitWaiters.splice(0)) w();
    });
  }

  /** What it printed, less pasta's "Failed to send N bytes to syslog" noise (it has no syslog socket in a sandbox). */
  text(): string {
    return this.output.split('\n').filter((l) => l.trim() && !/^Failed to send \d+ bytes to syslog/.test(l)).join('\n');
  }

  get hasExited(): boolean { return this.exited !== null; }

  /** A readiness failure: the driver's own words, and whether it died. */
  failure(what: string): RootlessNetError {
    const how = this.exited ? ` (${this.label} exited ${this.exited.signal ?? `with status ${this.exited.code}`})` : '';
    const said = this.text().trim().split('\n').slice(-6).join('; ');
    return new RootlessNetError(`rootless network: ${what}${how}${said ? `: ${said}` : ''}`, 'ERR_ROOTLESS_NET_DRIVER_FAILED');
  }

  /** Poll `ready()` every 20 ms until it holds, the driver exits, or `timeoutMs` passes. */
  async waitUntil(ready: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      if (this.exited) throw this.failure(what);
      if (Date.now() > deadline) { await this.close(); throw this.failure(`${what}: timed out after ${timeoutMs} ms`); }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** TERM, then KILL after 2 s; resolves once it is gone. */
  async close(): Promise<void> {
    if (this.exited || this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((r) => this.exitWaiters.push(r));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2_000);
    await gone;
    clearTimeout(timer);
  }
}

/** Does the network namespace of `pid` have an IPv4 default route on `iface` (the driver configured it)? */
export function hasDefaultRoute(pid: number, iface: string): boolean {
  let text: string;
  try { text = readFileSync(`/proc/${pid}/net/route`, 'utf8'); } catch { return false; }
  return text.split('\n').slice(1).some((l) => {
    const f = l.trim().split(/\s+/);
    return f[0] === iface && f[1] === '00000000';
  });
}
