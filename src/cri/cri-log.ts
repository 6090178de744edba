/**
 * The kubelet's container log format (CRI "log path"): one line per output line,
 * `<RFC 3339 nano timestamp> <stdout|stderr> <F|P> <text>`, P marking a partial line that the next
 * entry continues. The engine keeps its own log (json-file); a follower per running CRI container
 * copies it into the CRI file. ReopenContainerLog closes and reopens the file (after logrotate-style
 * renames by the kubelet).
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { log } from '../common/log.js';
import type { Engine } from '../engine/engine.js';

function rfc3339Nano(d: Date, extraNanos = 0): string {
  const iso = d.toISOString(); // 2026-01-02T03:04:05.678Z
  const ms = iso.slice(20, 23);
  return `${iso.slice(0, 19)}.${ms}${String(extraNanos).padStart(6, '0')}Z`;
}

/** CRI log lines of one engine log entry (an entry may carry several lines, or end without a newline). */
export function criLogLines(stream: 'stdout' | 'stderr', data: Buffer, time: Date): string {
  const text = data.toString('utf8');
  const ts = rfc3339Nano(time);
  const parts = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const last = i === parts.length - 1;
    if (last && parts[i] === '') break; // text ended with a newline
    out.push(`${ts} ${stream} ${last ? 'P' : 'F'} ${parts[i]}\n`);
  }
  return out.join('');
}

class Follower {
  private fd: number;
  private readonly abort = new AbortController();
  readonly done: Promise<void>;
  constructor(private readonly engine: Engine, readonly id: string, readonly path: string, since: number) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a', 0o640);
    this.done = this.pump(since);
  }
  private async pump(since: number): Promise<void> {
    try {
      for await (const e of this.engine.logs(this.id, { follow: true, stdout: true, stderr: true, since, signal: this.abort.signal })) {
        writeSync(this.fd, criLogLines(e.stream, e.data, e.time));
      }
    } catch (e) {
      if (!this.abort.signal.aborted) log.warn('CRI log copy ended', { container: this.id.slice(0, 12), error: (e as Error).message });
    } finally {
      try { closeSync(this.fd); } catch { /* closed by reopen */ }
    }
  }
  reopen(): void {
    const old = this.fd;
    this.fd = openSync(this.path, 'a', 0o640);
    try { closeSync(old); } catch { /* already closed */ }
  }
  stop(): void { this.abort.abort(); }
}

export class CriLogs {
  private readonly followers = new Map<string, Follower>();
  constructor(private readonly engine: Engine) {}

  /** Copy the container's output from `since` (unix seconds; 0 = all) into `path` until it ends. */
  follow(id: string, path: string, since = 0): void {
    this.followers.get(id)?.stop();
    const f = new Follower(this.engine, id, path, since);
    this.followers.set(id, f);
    void f.done.finally(() => { if (this.followers.get(id) === f) this.followers.delete(id); });
  }

  /** Reopen the file; false when no copy runs (the container is not running). */
  reopen(id: string): boolean {
    const f = this.followers.get(id);
    if (!f) return false;
    f.reopen();
    return true;
  }

  /** Wait (bounded) until the copy of an exited container has caught up. */
  async settle(id: string, timeoutMs = 2000): Promise<void> {
    const f = this.followers.get(id);
    if (!f) return;
    await Promise.race([f.done, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  stop(id: string): void { this.followers.get(id)?.stop(); this.followers.delete(id); }
  close(): void { for (const f of this.followers.values()) f.stop(); this.followers.clear(); }
}
