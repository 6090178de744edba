import { spawn } from 'node:child_process';
import { SystemError } from './errors.js';
import { fastRun } from './fast-spawn.js';

export interface RunResult { code: number; stdout: string; stderr: string }

/** Run a helper program to completion, with a timeout; never through a shell. */
export function run(cmd: string, args: string[], opts: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<RunResult> {
  return fastRun(cmd, args, opts) ?? new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env, cwd: opts.cwd });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => { clearTimeout(timer); reject(new SystemError(`cannot run ${cmd}: ${e.message}`, 'ERR_EXEC', e)); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on('error', () => { /* child may exit before reading */ });
    child.stdin.end(opts.input ?? '');
  });
}

/** Run and throw a SystemError carrying stderr when the program fails. */
export async function runOk(cmd: string, args: string[], opts: Parameters<typeof run>[2] = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new SystemError(`${cmd} ${args.slice(0, 3).join(' ')}: ${(r.stderr || r.stdout).trim()}`, 'ERR_EXEC');
  return r.stdout;
}
