import { watch, type FSWatcher } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { parseTime } from './human-time.js';

export interface LogEntry { stream: 'stdout' | 'stderr'; data: Buffer; time: Date }

export interface LogReadOptions {
  follow?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  since?: number;        // unix seconds (fractional allowed); 0 = from the start
  until?: number;        // unix seconds; 0 = no end
  tail?: string;         // 'all' or a number of entries
}

/**
 * One record of conmon's k8s-file log: `<RFC3339Nano> <stdout|stderr> <F|P> <data>`.
 * F ends a line (the newline was stripped by conmon), P is a partial line.
 */
export function parseK8sLogLine(line: Buffer): LogEntry | null {
  const s1 = line.indexOf(0x20);
  const s2 = s1 < 0 ? -1 : line.indexOf(0x20, s1 + 1);
  const s3 = s2 < 0 ? -1 : line.indexOf(0x20, s2 + 1);
  if (s3 < 0) {
    // "<ts> <stream> F" with empty data has no trailing space in some writers
    if (s2 < 0) return null;
  }
  const ts = line.subarray(0, s1).toString();
  const stream = line.subarray(s1 + 1, s2).toString();
  const tag = line.subarray(s2 + 1, s3 < 0 ? line.length : s3).toString();
  if (stream !== 'stdout' && stream !== 'stderr') return null;
  const ms = parseTime(ts);
  if (Number.isNaN(ms)) return null;
  const body = s3 < 0 ? Buffer.alloc(0) : line.subarray(s3 + 1);
  const partial = tag.split(':').includes('P');
  const data = partial ? Buffer.from(body) : Buffer.concat([body, Buffer.from('\n')]);
  return { stream, data, time: new Date(ms) };
}

/** Reads complete records from a growing file, remembering where it stopped. */
class LogCursor {
  private offset = 0;
  private rest = Buffer.alloc(0);
  private fh: FileHandle | null = null;

  constructor(private readonly path: string) {}

  async next(): Promise<LogEntry[]> {
    if (!this.fh) {
      try { this.fh = await open(this.path, 'r'); } catch { return []; }
    }
    const out: LogEntry[] = [];
    const buf = Buffer.alloc(256 * 1024);
    for (;;) {
      const { bytesRead } = await this.fh.read(buf, 0, buf.length, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      let chunk = Buffer.concat([this.rest, buf.subarray(0, bytesRead)]);
      let nl: number;
      while ((nl = chunk.indexOf(0x0a)) >= 0) {
        const e = parseK8sLogLine(chunk.subarray(0, nl));
        if (e) out.push(e);
        chunk = chunk.subarray(nl + 1);
      }
      this.rest = Buffer.from(chunk);
    }
    return out;
  }

  async close(): Promise<void> { await this.fh?.close(); this.fh = null; }
}

function waitForChange(path: string, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let watcher: FSWatcher | undefined;
    const done = () => { clearTimeout(timer); watcher?.close(); signal?.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    try { watcher = watch(path, done); watcher.on('error', done); } catch { /* file not there yet: the timer polls */ }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Docker's log semantics over conmon's file: stream filter, since/until, tail,
 * and follow that ends once `finished()` says the container exited and the file
 * has been drained. Works across daemon restarts because it only reads the file.
 */
export async function* readK8sLog(path: string, opts: LogReadOptions, finished: () => boolean, signal?: AbortSignal): AsyncGenerator<LogEntry> {
  const wantOut = opts.stdout !== false;
  const wantErr = opts.stderr !== false;
  const sinceMs = opts.since ? opts.since * 1000 : 0;
  const untilMs = opts.until ? opts.until * 1000 : 0;
  const keep = (e: LogEntry) => (e.stream === 'stdout' ? wantOut : wantErr)
    && (!sinceMs || e.time.getTime() >= sinceMs) && (!untilMs || e.time.getTime() <= untilMs);
  const tailN = opts.tail === undefined || opts.tail === '' || opts.tail === 'all' ? -1 : Number.parseInt(opts.tail, 10);

  const cursor = new LogCursor(path);
  try {
    let first = (await cursor.next()).filter(keep);
    if (tailN >= 0 && !Number.isNaN(tailN)) first = tailN === 0 ? [] : first.slice(-tailN);
    for (const e of first) { if (signal?.aborted) return; yield e; }
    if (!opts.follow) return;
    for (;;) {
      if (signal?.aborted) return;
      if (untilMs && Date.now() > untilMs) return;
      const wasDone = finished();
      const batch = await cursor.next();
      for (const e of batch) if (keep(e)) yield e;
      if (batch.length === 0) {
        if (wasDone) return;        // exited before this read: the file is drained
        await waitForChange(path, 250, signal);
      }
    }
  } finally {
    await cursor.close();
  }
}
