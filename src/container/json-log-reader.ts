/**
 * `docker logs` over the container's log file (json-file, or the local driver's records; rotated files
 * possibly gzipped): stream filter, since/until, tail, and follow that ends
 * once the container has exited and its log has been converted to the end.
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { log } from '../common/log.js';
import { gunzipBuffer, readGzipLogMeta } from '../logging/gzip-file.js';
import { decodeLocalFrames, type LocalEntry } from '../logging/local-format.js';
import type { LogFileFormat } from './log-config.js';
import type { LogEntry, LogReadOptions } from './log-entry.js';

/** One json-file record; null for a torn or foreign line. */
function parseJsonLogLine(line: Buffer): LogEntry | null {
  let rec: { log?: unknown; stream?: unknown; time?: unknown };
  try { rec = JSON.parse(line.toString('utf8')); } catch { return null; }
  if (typeof rec.log !== 'string' || (rec.stream !== 'stdout' && rec.stream !== 'stderr') || typeof rec.time !== 'string') return null;
  const ms = Date.parse(rec.time);
  if (Number.isNaN(ms)) return null;
  return { stream: rec.stream, data: Buffer.from(rec.log, 'utf8'), time: new Date(ms) };
}

/** One `local` record as `logs` shows it: the newline back unless it is a piece of a longer line that is not its last. */
function localToEntry(e: LocalEntry): LogEntry | null {
  if (e.source !== 'stdout' && e.source !== 'stderr') return null;
  const ended = !e.partial || e.partial.last;
  return { stream: e.source, data: ended ? Buffer.concat([e.line, NL]) : e.line, time: new Date(Number(e.timeNano / 1_000_000n)) };
}
const NL = Buffer.from('\n');

/** Parse the complete records in chunk into out; returns how many bytes were consumed. */
function parseRecords(format: LogFileFormat, chunk: Buffer, out: LogEntry[], file: string): number {
  if (format === 'local') {
    try {
      return decodeLocalFrames(chunk, 0, (e) => { const entry = localToEntry(e); if (entry) out.push(entry); });
    } catch (e) {
      // a corrupt record: what follows it in this file cannot be framed again
      log.warn('logs: corrupt local log file', { file, error: (e as Error).message });
      return chunk.length;
    }
  }
  let start = 0;
  for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
    const e = parseJsonLogLine(chunk.subarray(start, nl));
    if (e) out.push(e);
    start = nl + 1;
  }
  return start;
}

/**
 * Reads complete records from a growing log file and its rotated predecessors (`<path>.N` … `.1`,
 * oldest first, each possibly gzipped as `.N.gz`), remembering where it stopped. The converter renames
 * the file it writes when it rotates and never writes to a renamed file again, so a file whose inode is
 * no longer at `path` is finished once read to its end, and the file after it is found by inode among
 * the rotated ones (a compressed file names the inode it replaced in its gzip header).
 */
class LineCursor {
  private offset = 0;
  private rest = Buffer.alloc(0);
  private fh: FileHandle | null = null;
  private ino = -1;
  /** the content of the current file when it is compressed (read once, whole) */
  private inflated: Buffer | null = null;
  private current = '';
  private readonly buf = Buffer.alloc(256 * 1024);

  /**
   * maxFile: how many files the log keeps (1: no rotated files; the file is truncated instead).
   * sinceMs: a compressed file whose header says its last record is older is skipped unread, as dockerd does.
   */
  constructor(private readonly path: string, private readonly maxFile = 1, private readonly format: LogFileFormat = 'json', private readonly sinceMs = 0) {}

  /** The files of the log, oldest first. */
  private chain(): string[] {
    const files: string[] = [];
    for (let n = this.maxFile - 1; n >= 1; n--) files.push(`${this.path}.${n}`);
    files.push(this.path);
    return files;
  }

  /** Open a file of the chain: the plain one, else its compressed form (a plain `.N` is there until its `.N.gz` is whole). */
  private async openAt(p: string, rotated: boolean): Promise<boolean> {
    let fh: FileHandle | null = await open(p, 'r').catch(() => null);
    let inflated: Buffer | null = null;
    if (!fh && rotated) {
      fh = await open(`${p}.gz`, 'r').catch(() => null);
      const last = fh && this.sinceMs ? Date.parse((await readGzipLogMeta(`${p}.gz`))?.lastTime ?? '') : Number.NaN;
      // Go's zero time (no header): unknown, read it
      if (fh && last > 0 && last < this.sinceMs) {
        inflated = Buffer.alloc(0);
      } else if (fh) {
        try { inflated = await gunzipBuffer(await fh.readFile()); } catch (e) {
          log.warn('logs: unreadable compressed log file', { file: `${p}.gz`, error: (e as Error).message });
          inflated = Buffer.alloc(0);
        }
      }
    }
    if (!fh) return false;
    await this.fh?.close();
    this.fh = fh;
    this.ino = (await fh.stat()).ino;
    this.inflated = inflated;
    this.current = inflated ? `${p}.gz` : p;
    this.offset = 0;
    this.rest = Buffer.alloc(0);
    return true;
  }

  /** Open the first existing file of the chain from index `from` on. */
  private async openFrom(from: number): Promise<boolean> {
    const files = this.chain();
    for (let i = Math.max(0, from); i < files.length; i++) if (await this.openAt(files[i], i < files.length - 1)) return true;
    return false;
  }

  /** Where the file read so far sits in the chain now (-1: rotated out of it). */
  private async indexOfCurrent(): Promise<number> {
    const files = this.chain();
    for (let i = files.length - 1; i >= 0; i--) {
      const st = await stat(files[i]).catch(() => null);
      if (st?.ino === this.ino) return i;
      if (i === files.length - 1) continue;
      const gz = await stat(`${files[i]}.gz`).catch(() => null);
      if (!gz) continue;
      if (gz.ino === this.ino || (await readGzipLogMeta(`${files[i]}.gz`))?.ino === this.ino) return i;
    }
    return -1;
  }

  private async drain(out: LogEntry[]): Promise<void> {
    if (this.inflated) {
      const n = parseRecords(this.format, this.inflated, out, this.current);
      if (n < this.inflated.length) log.warn('logs: compressed log file ends amid a record', { file: this.current });
      this.inflated = Buffer.alloc(0);
      return;
    }
    const fh = this.fh!;
    for (;;) {
      const { bytesRead } = await fh.read(this.buf, 0, this.buf.length, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      const chunk = this.rest.length ? Buffer.concat([this.rest, this.buf.subarray(0, bytesRead)]) : this.buf.subarray(0, bytesRead);
      const used = parseRecords(this.format, chunk, out, this.current);
      this.rest = Buffer.from(chunk.subarray(used));
    }
  }

  async next(): Promise<LogEntry[]> {
    if (!this.fh && !(await this.openFrom(0))) return [];
    const out: LogEntry[] = [];
    // bounded: one hop per file of the chain, plus a truncation
    for (let hop = 0; hop <= this.maxFile + 1; hop++) {
      await this.drain(out);
      const live = await stat(this.path).catch(() => null);
      if (!live) break;
      if (live.ino === this.ino) {
        // max-file 1: the converter truncated the file; what follows starts at 0
        if (live.size < this.offset) { this.offset = 0; this.rest = Buffer.alloc(0); continue; }
        break;
      }
      // rotated (or an older file read to its end): finish it, then the file after it
      await this.drain(out);
      const at = await this.indexOfCurrent();
      if (!(await this.openFrom(at + 1))) break;
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
export async function* readJsonLog(path: string, opts: LogReadOptions, catchUp: () => Promise<boolean>, signal?: AbortSignal, maxFile = 1, format: LogFileFormat = 'json'): AsyncGenerator<LogEntry> {
  const wantOut = opts.stdout !== false;
  const wantErr = opts.stderr !== false;
  const sinceMs = opts.since ? opts.since * 1000 : 0;
  const untilMs = opts.until ? opts.until * 1000 : 0;
  const keep = (e: LogEntry) => (e.stream === 'stdout' ? wantOut : wantErr)
    && (!sinceMs || e.time.getTime() >= sinceMs) && (!untilMs || e.time.getTime() <= untilMs);
  const tailN = opts.tail === undefined || opts.tail === '' || opts.tail === 'all' ? -1 : Number.parseInt(opts.tail, 10);

  const cursor = new LineCursor(path, maxFile, format, sinceMs);
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
