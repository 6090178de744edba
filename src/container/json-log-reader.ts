/**
 * `docker logs` over the json-file log: stream filter, since/until, tail, and follow that ends
 * once the container has exited and its log has been converted to the end.
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { log } from '../common/log.js';
import type { LogEntry, LogReadOptions } from './log-entry.js';

/** One json-file record; null for a torn or foreign line. */
export function parseJsonLogLine(line: Buffer): LogEntry | null {
  let rec: { log?: unknown; stream?: unknown; time?: unknown };
  try { rec = JSON.parse(line.toString('utf8')); } catch { return null; }
  if (typeof rec.log !== 'string' || (rec.stream !== 'stdout' && rec.stream !== 'stderr') || typeof rec.time !== 'string') return null;
  const ms = Date.parse(rec.time);
  if (Number.isNaN(ms)) return null;
  return { stream: rec.stream, data: Buffer.from(rec.log, 'utf8'), time: new Date(ms) };
}

/** Reads complete lines from a growing file, remembering where it stopped. */
class LineCursor {
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
      let chunk = this.rest.length ? Buffer.concat([this.rest, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      let start = 0;
      for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
        const e = parseJsonLogLine(chunk.subarray(start, nl));
        if (e) out.push(e);
        start = nl + 1;
      }
      chunk = chunk.subarray(start);
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
    try { watcher = watch(path, done); watcher.on('error', done); } catch { /* not there yet: the timer polls */ }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * `catchUp()` brings the json file up to date and says whether the container has exited (then the
 * file is complete). It is called before the first read and whenever a follow finds nothing new.
 */
export async function* readJsonLog(path: string, opts: LogReadOptions, catchUp: () => Promise<boolean>, signal?: AbortSignal): AsyncGenerator<LogEntry> {
  const wantOut = opts.stdout !== false;
  const wantErr = opts.stderr !== false;
  const sinceMs = opts.since ? opts.since * 1000 : 0;
  const untilMs = opts.until ? opts.until * 1000 : 0;
  const keep = (e: LogEntry) => (e.stream === 'stdout' ? wantOut : wantErr)
    && (!sinceMs || e.time.getTime() >= sinceMs) && (!untilMs || e.time.getTime() <= untilMs);
  const tailN = opts.tail === undefined || opts.tail === '' || opts.tail === 'all' ? -1 : Number.parseInt(opts.tail, 10);

  const cursor = new LineCursor(path);
  try {
    await catchUp();
    let first = (await cursor.next()).filter(keep);
    if (tailN >= 0 && !Number.isNaN(tailN)) first = tailN === 0 ? [] : first.slice(-tailN);
    for (const e of first) { if (signal?.aborted) return; yield e; }
    if (!opts.follow) return;
    for (;;) {
      if (signal?.aborted) return;
      if (untilMs && Date.now() > untilMs) return;
      const batch = await cursor.next();
      for (const e of batch) if (keep(e)) yield e;
      if (batch.length === 0) {
        const exited = await catchUp();
        log.debug('logs follow: caught up', { path, exited });
        const more = await cursor.next();
        for (const e of more) if (keep(e)) yield e;
        if (exited) return;           // converted to the end after the exit: nothing more will come
        if (more.length === 0) await waitForChange(path, 250, signal);
      }
    }
  } finally {
    log.debug('logs: reader done', { path });
    await cursor.close();
  }
}
