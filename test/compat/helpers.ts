/**
 * Helpers for running real Docker clients (docker CLI, docker-compose, docker-py) against a
 * `berth serve` started by the test. Every client gets DOCKER_HOST pointing at the test's socket and
 * its own config directory, so nothing on the machine (~/.docker, a real dockerd) is touched.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { startDaemon, type RunResult, type TestDaemon } from '../helpers/daemon.js';

export const DOCKER = process.env.BERTH_TEST_DOCKER_CLI ?? '/usr/local/bin/docker';

export interface ClientEnv { d: TestDaemon; env: NodeJS.ProcessEnv; configDir: string }

/** A daemon plus a client environment; both cleaned up when the test ends (also on failure). */
export async function daemonForClients(t: TestContext, extraEnv: NodeJS.ProcessEnv = {}): Promise<ClientEnv> {
  const d = await startDaemon();
  const configDir = mkdtempSync('/tmp/bt-client-');
  t.after(async () => { await d.cleanup(); rmSync(configDir, { recursive: true, force: true }); });
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${d.socket}`, DOCKER_CONFIG: configDir, HOME: configDir, ...extraEnv };
  delete env.NODE_TEST_CONTEXT;
  delete env.DOCKER_API_VERSION;
  delete env.DOCKER_CONTEXT;
  return { d, env, configDir };
}

/** Run a program to its end (bounded by timeoutMs) and collect its output. */
export function runProgram(cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; input?: string | Buffer; cwd?: string; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
      reject(new Error(`${cmd} ${args.join(' ')} timed out; stdout: ${Buffer.concat(out)} stderr: ${Buffer.concat(err)}`));
    }, opts.timeoutMs ?? 60_000);
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      resolve({ code: code ?? (sig ? 128 : 1), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Run and require exit 0 (the error carries the output, so a failing client explains itself). */
export async function runOk(cmd: string, args: string[], opts: Parameters<typeof runProgram>[2]): Promise<RunResult> {
  const r = await runProgram(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

/** Poll until fn is true (bounded). */
export async function eventually(fn: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
