/**
 * Run one health check inside a container: `<runtime> exec --process` straight
 * from the daemon (no conmon, no attach socket), output captured up to Docker's
 * 4 KiB, killed at the timeout.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { OciRuntimeInfo } from '../runtime/oci-runtime.js';
import { specToJson } from '../runtime/spec.js';
import type { ProbeResult } from './health.js';

const MAX_CAPTURE = 8192;

function humanTimeout(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export async function runProbe(rt: OciRuntimeInfo, id: string, proc: any, timeoutMs: number, tmpDir: string): Promise<ProbeResult> {
  await mkdir(tmpDir, { recursive: true });
  const tag = randomBytes(6).toString('hex');
  const procFile = join(tmpDir, `health-${tag}.json`);
  const pidFile = join(tmpDir, `health-${tag}.pid`);
  await writeFile(procFile, specToJson({ ...proc, terminal: false }));
  try {
    return await new Promise<ProbeResult>((resolve) => {
      const child = spawn(rt.path, ['--root', rt.root, 'exec', '--process', procFile, '--pid-file', pidFile, id], { stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      let size = 0;
      const take = (d: Buffer) => { if (size < MAX_CAPTURE) { chunks.push(d); size += d.length; } };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        // the checked process first (it lives in the container), then the runtime waiting for it
        try { const pid = Number(readFileSync(pidFile, 'utf8').trim()); if (pid > 0) process.kill(pid, 'SIGKILL'); } catch { /* not started or gone */ }
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('error', (e) => { clearTimeout(timer); resolve({ exitCode: -1, output: `cannot run the health check: ${e.message}` }); });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const output = Buffer.concat(chunks).toString('utf8');
        if (timedOut) resolve({ exitCode: -1, output: `Health check exceeded timeout (${humanTimeout(timeoutMs)})` });
        else resolve({ exitCode: code ?? (signal ? 128 : -1), output });
      });
    });
  } finally {
    await rm(procFile, { force: true }).catch(() => undefined);
    await rm(pidFile, { force: true }).catch(() => undefined);
  }
}
