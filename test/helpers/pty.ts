/**
 * Programs on a real terminal: util-linux `script -qec CMD /dev/null` gives them a pty, and a
 * dialogue waits for each expected output, then types its input a moment later, as a person would.
 */
import { spawn } from 'node:child_process';

export interface Step { expect: RegExp; send?: string }

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Run argv on a pty and play the dialogue; resolves with the exit code and everything the terminal showed. */
export function inPty(argv: string[], env: NodeJS.ProcessEnv, steps: Step[], timeoutMs = 30_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', argv.map(quote).join(' '), '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...env, TERM: 'xterm' }, detached: true });
    let out = '';
    let step = 0;
    let seen = 0;
    const timer = setTimeout(() => {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
      reject(new Error(`pty dialogue timed out at step ${step}: ${JSON.stringify(out)}`));
    }, timeoutMs);
    const advance = () => {
      while (step < steps.length) {
        const m = steps[step].expect.exec(out.slice(seen));
        if (!m) return;
        seen += m.index + m[0].length;
        // typed a moment later: busybox drops keys that arrive with its cursor query's answer
        const send = steps[step].send;
        if (send !== undefined) setTimeout(() => child.stdin.write(send), 300);
        step++;
      }
    };
    child.stdout.on('data', (c: Buffer) => {
      // busybox's line editor asks the terminal where the cursor is (ESC[6n): answer as a terminal would
      if (c.includes('\x1b[6n')) child.stdin.write('\x1b[1;5R');
      out += c.toString();
      advance();
    });
    child.stderr.on('data', (c: Buffer) => { out += c.toString(); advance(); });
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (step < steps.length) reject(new Error(`exited (${code}) before step ${step} (${steps[step].expect}): ${JSON.stringify(out)}`));
      else resolve({ code, out });
    });
  });
}
