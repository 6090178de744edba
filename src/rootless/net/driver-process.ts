/**
 * A driver process (pasta or slirp4netns) started by the entry process. It must outlive the entry: the
 * rootless namespaces are kept by a holder process across daemon restarts (src/rootless/entry.ts), and
 * the network with them. So the driver runs detached, under a keeper (bash) that ends it when the holder
 * goes (`tail --pid` waits for a process that is not its child) and ends itself when the driver dies; its
 * output goes to a log file, read back for its configuration and for error messages. slirp4netns would
 * otherwise live on forever: its open tap device keeps the namespace alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { RootlessNetError } from './driver-tools.js';

/**
 * bash, for `wait -n` on two pids. Ends with the driver's status, or 0 when the holder went first.
 * Why not the driver's own exit hooks: slirp4netns's --exit-fd needs an fd the holder keeps, and pasta
 * 2023-03 follows a namespace bound in a file, not a /proc path.
 */
const KEEPER = [
  '"$@" & d=$!',
  'tail --pid="$BERTH_NET_HOLDER" -f /dev/null & t=$!',
  "trap 'kill $d $t 2>/dev/null' TERM INT",
  'wait -n $d $t; s=$?',
  'kill $d $t 2>/dev/null',
  'exit $s',
].join('\n');

export class DriverProcess {
  readonly child: ChildProcess;
  private exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exitWaiters: Array<() => void> = [];

  constructor(readonly label: string, program: string, args: string[], readonly holderPid: number, readonly logFile: string) {
    const log = openSync(logFile, 'w', 0o600);
    try {
      this.child = spawn('bash', ['-c', KEEPER, 'berth-net-keeper', program, ...args], {
        stdio: ['ignore', log, log], detached: true, cwd: '/', env: { ...process.env, BERTH_NET_HOLDER: String(holderPid) },
      });
    } finally {
      closeSync(log);
    }
    this.child.on('exit', (code, signal) => {
      this.exited = { code, signal };
      for (const w of this.exitWaiters.splice(0)) w();
    });
    this.child.on('error', () => { /* exit follows: the keeper is bash, always there */ });
    // the entry may end before the driver: nothing of ours keeps waiting for it
    this.child.unref();
  }

  /** What it printed, less pasta's "Failed to send N bytes to syslog" noise (it has no syslog socket in a sandbox). */
  text(): string {
    let out = '';
    try { out = readFileSync(this.logFile, 'utf8').slice(0, 65_536); } catch { /* not yet */ }
    return out.split('\n').filter((l) => l.trim() && !/^Failed to send \d+ bytes to syslog/.test(l)).join('\n');
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

  /** TERM to the keeper (which ends the driver), then KILL to its whole group after 2 s. */
  async close(): Promise<void> {
    if (this.exited || this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((r) => this.exitWaiters.push(r));
    this.child.ref();
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => { try { process.kill(-this.child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 2_000);
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
