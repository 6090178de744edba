/**
 * An exec's attach stream that loses nothing at the end. A client's stdin arriving just as a short
 * process exits reaches conmon while it closes; the kernel then resets our end of the attach socket and
 * output conmon had already sent is dropped with it. conmon writes every byte to the exec's log before
 * sending it, so when the stream ends on an error the part not delivered is taken from there.
 */
import { readFile } from 'node:fs/promises';
import { OutputFanout, type AttachStream } from '../runtime/attach.js';
import { parseK8sRecord } from './json-log-format.js';

const MAX_RECOVERY_BYTES = 16 * 1024 * 1024;

/** The output of a conmon k8s-file log (`<time> <stream> <P|F> <text>` lines), per stream. */
export function parseK8sLog(text: Buffer): { stdout: Buffer; stderr: Buffer } {
  const parts: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
  let start = 0;
  while (start < text.length) {
    let nl = text.indexOf(10, start);
    if (nl < 0) nl = text.length;
    const rec = parseK8sRecord(text.subarray(start, nl));
    start = nl + 1;
    if (!rec) continue;
    parts[rec.stream].push(rec.data);
    if (!rec.partial) parts[rec.stream].push(Buffer.from('\n'));
  }
  return { stdout: Buffer.concat(parts.stdout), stderr: Buffer.concat(parts.stderr) };
}

export function withLogRecovery(s: AttachStream, logPath: string): AttachStream {
  const out = new OutputFanout();
  const delivered = { stdout: 0, stderr: 0 };
  const endCbs: Array<() => void> = [];
  let ended = false;
  let closed = false;
  s.onOutput((name, data) => { delivered[name] += data.length; out.emit(name, data); });
  s.onEnd(() => {
    const fire = () => { ended = true; for (const cb of endCbs.splice(0)) cb(); };
    if (!s.failed || closed) { fire(); return; }
    readFile(logPath).then((buf) => {
      if (buf.length > MAX_RECOVERY_BYTES) return;
      const all = parseK8sLog(buf);
      for (const name of ['stdout', 'stderr'] as const) {
        if (all[name].length > delivered[name]) out.emit(name, all[name].subarray(delivered[name]));
      }
    }).catch(() => undefined).finally(fire);
  });
  return {
    onOutput: (cb) => out.on(cb),
    onEnd: (cb) => { if (ended) cb(); else endCbs.push(cb); },
    write: (data) => s.write(data),
    closeStdin: () => s.closeStdin(),
    close: () => { closed = true; s.close(); },
  };
}
