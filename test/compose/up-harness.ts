/**
 * For the orchestrator's tests: a `berth serve` of the test's own, a project directory, and
 * `bin/berth -H unix://<socket> compose …` run in it (BERTH_NO_AUTOSTART=1), bounded in time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { BERTH_BIN, cleanEnv, startDaemon, type RunResult, type TestDaemon } from '../helpers/daemon.js';

export interface ComposeHarness {
  d: TestDaemon;
  dir: string;
  write(file: string, text: string): void;
  /** run `berth compose <args>` in the project directory */
  compose(args: string[], opts?: { timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: string }): Promise<RunResult>;
  /** like compose() but fails unless it exits 0 */
  ok(args: string[], opts?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<RunResult>;
  /** start `berth compose <args>` and leave it running (attached up) */
  spawn(args: string[], env?: NodeJS.ProcessEnv): { child: ChildProcess; out: () => string; err: () => string; exited: Promise<number> };
  /** the engine's containers of a project, by name */
  containers(project: string): Promise<Array<{ Id: string; Names: string[]; State: string; Status: string; Labels: Record<string, string> }>>;
  inspect(name: string): Promise<any>;
}

export async function composeHarness(t: TestContext, d?: TestDaemon): Promise<ComposeHarness> {
  const daemon = d ?? await startDaemon();
  if (!d) t.after(() => daemon.cleanup());
  const dir = mkdtempSync('/tmp/bt-compose-up-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = (extra: NodeJS.ProcessEnv = {}) => cleanEnv({ BERTH_NO_AUTOSTART: '1', COMPOSE_PROGRESS: 'plain', ...extra });
  const children: ChildProcess[] = [];
  t.after(() => { for (const c of children) if (c.exitCode === null) { try { process.kill(-c.pid!, 'SIGKILL'); } catch { /* gone */ } } });

  const compose: ComposeHarness['compose'] = (args, opts = {}) => new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(BERTH_BIN, ['-H', `unix://${daemon.socket}`, 'compose', ...args], { cwd: dir, env: env(opts.env), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
      reject(new Error(`compose ${args.join(' ')} timed out\nstdout: ${Buffer.concat(out)}\nstderr: ${Buffer.concat(err)}`));
    }, opts.timeoutMs ?? 90_000);
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      // UP_TIMING=1: each command's duration on stderr (to see where a slow test spends its time)
      if (process.env.UP_TIMING) process.stderr.write(`[${Date.now() - t0}ms] compose ${args.join(' ')}\n`);
      resolve({ code: code ?? (sig ? 128 : 1), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });

  return {
    d: daemon,
    dir,
    write: (file, text) => writeFileSync(join(dir, file), text),
    compose,
    async ok(args, opts) {
      const r = await compose(args, opts);
      if (r.code !== 0) throw new Error(`compose ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      return r;
    },
    spawn(args, extra) {
      const child = spawn(BERTH_BIN, ['-H', `unix://${daemon.socket}`, 'compose', ...args], { cwd: dir, env: env(extra), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      children.push(child);
      let out = '';
      let err = '';
      child.stdout!.on('data', (c) => { out += c; });
      child.stderr!.on('data', (c) => { err += c; });
      const exited = new Promise<number>((r) => child.on('close', (code, sig) => r(code ?? (sig ? 128 : 1))));
      return { child, out: () => out, err: () => err, exited };
    },
    async containers(project) {
      const filters = encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${project}`] }));
      const r = await daemon.api('GET', `/containers/json?all=1&filters=${filters}`);
      return (r.body as any[]).sort((a, b) => a.Names[0].localeCompare(b.Names[0]));
    },
    async inspect(name) {
      const r = await daemon.api('GET', `/containers/${name}/json`);
      if (r.status !== 200) throw new Error(`inspect ${name}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
  };
}

/** Wait for a condition, bounded. */
export async function until(fn: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
