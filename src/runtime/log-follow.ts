/**
 * Following conmon's k8s-file log while it grows: new bytes are read from where the last read
 * stopped, whenever inotify reports a change in the log's directory (the file may not exist yet
 * when the watch starts), and every complete record is handed on once, in order.
 */
import { closeSync, openSync, readSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { parseLogLine, type LogLine } from './logfile.js';

const CHUNK = 64 * 1024;

export class LogFollower {
  private fd: number | undefined;
  private offset = 0;
  private rest = '';
  private readonly decoder = new StringDecoder('utf8');
  private watcher: FSWatcher | undefined;
  private closed = false;

  constructor(private readonly path: string, private readonly onRecord: (line: LogLine) => void) {}

  /** Watch the log and read what is in it already. */
  start(): void {
    try {
      this.watcher = watch(dirname(this.path), () => this.flush());
      this.watcher.on('error', () => { /* the dir went away: the last flush reads the rest */ });
      this.watcher.unref();
    } catch { /* no dir yet: flush() still reads on demand */ }
    this.flush();
  }

  /** Read to the end of the log now (at exit: everything conmon wrote). */
  flush(): void {
    if (this.closed) return;
    if (this.fd === undefined) {
      try { this.fd = openSync(this.path, 'r'); } catch { return; }
    }
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      let n: number;
      try { n = readSync(this.fd, buf, 0, CHUNK, this.offset); } catch { return; }
      if (n <= 0) break;
      this.offset += n;
      // a record cut by the chunk's end (or a character cut in two) waits for the next read
      const lines = (this.rest + this.decoder.write(buf.subarray(0, n))).split('\n');
      this.rest = lines.pop()!;
      for (const line of lines) {
        const rec = line ? parseLogLine(line) : null;
        if (rec) this.onRecord(rec);
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watcher?.close();
    if (this.fd !== undefined) { try { closeSync(this.fd); } catch { /* closed */ } }
  }
}
