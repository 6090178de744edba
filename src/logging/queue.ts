/**
 * The bounded queue between the daemon's log tailer and a network target, one per container's
 * driver. log() never waits: a message goes into the queue, or, when the queue holds its byte
 * budget already, is dropped and counted (Docker's ring buffer of mode=non-blocking drops the same
 * way). One pump per queue sends batches; when the target is down it reconnects with back-off while
 * the container runs on, and what cannot wait in the budget meanwhile is lost and counted.
 */
import { log as daemonLog } from '../common/log.js';
import { logStats, type LogDriver, type LogMessage } from './driver.js';
import type { Transport } from './transport.js';

export interface RetryPolicy {
  /** first wait after a failed connect or write */
  initialMs: number;
  factor: number;
  maxMs: number;
  /** failed attempts after which the batch at the head is dropped (Infinity: keep it) */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialMs: 100, factor: 2, maxMs: 5000, maxAttempts: Infinity };

const BATCH_MESSAGES = 512;
const BATCH_BYTES = 256 * 1024;
const CLOSE_WAIT_MS = 3000;
/** per-message overhead counted against the budget (the record around the line) */
const OVERHEAD = 64;

/** A message whose receipt the target confirms (fluentd-request-ack): its frames and the id the ack names. */
export interface Acked { frames: Buffer[]; ack: string }

export interface QueuedDriverOptions {
  name: string;
  transport: Transport;
  /** the frames of one message (empty: nothing to send, e.g. an empty line) */
  encode(msg: LogMessage): Buffer[] | Acked;
  maxBytes: number;
  retry?: RetryPolicy;
  closeWaitMs?: number;
  /** connect anew after this long (fluentd-async-reconnect-interval: an address that resolves to several hosts); 0: never */
  reconnectEveryMs?: number;
}

export class QueuedDriver implements LogDriver {
  private readonly items: LogMessage[] = [];
  private head = 0;
  private bytes = 0;
  private pumping: Promise<void> | null = null;
  private closing = false;
  private stopped = false;
  private wake: (() => void) | null = null;
  /** failed connects and sends since the last delivery */
  private attempts = 0;
  private readonly retry: RetryPolicy;

  constructor(private readonly o: QueuedDriverOptions) {
    this.retry = o.retry ?? DEFAULT_RETRY;
  }

  get queued(): number { return this.items.length - this.head; }

  log(msg: LogMessage): void {
    const size = msg.line.length + OVERHEAD;
    if (this.closing || (this.bytes + size > this.o.maxBytes && this.queued > 0)) {
      logStats.count(logStats.dropped, this.o.name);
      return;
    }
    this.items.push(msg);
    this.bytes += size;
    this.startPump();
  }

  private startPump(): void {
    // a message that came between the pump's last look and its end starts it again
    this.pumping ??= this.pump().finally(() => { this.pumping = null; if (this.queued > 0 && !this.closing) this.startPump(); });
  }

  async close(): Promise<void> {
    this.closing = true;
    // a pump waiting out a back-off tries once more now instead of holding the close
    this.wake?.();
    const waitMs = this.o.closeWaitMs ?? CLOSE_WAIT_MS;
    if (this.pumping) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.pumping, new Promise<void>((r) => { timer = setTimeout(r, waitMs); })]);
      clearTimeout(timer);
    }
    this.stopped = true;
    this.wake?.();
    if (this.queued > 0) logStats.count(logStats.dropped, this.o.name, this.queued);
    this.items.length = 0;
    this.head = 0;
    this.bytes = 0;
    this.o.transport.close();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.wake = null; resolve(); }, ms);
      t.unref();
      this.wake = () => { clearTimeout(t); this.wake = null; resolve(); };
    });
  }

  private take(): LogMessage[] {
    const batch: LogMessage[] = [];
    let bytes = 0;
    for (let i = this.head; i < this.items.length && batch.length < BATCH_MESSAGES && bytes < BATCH_BYTES; i++) {
      batch.push(this.items[i]);
      bytes += this.items[i].line.length;
    }
    return batch;
  }

  private shift(n: number): void {
    for (let i = 0; i < n; i++) this.bytes -= this.items[this.head + i].line.length + OVERHEAD;
    this.head += n;
    // compact now and then, not at every batch
    if (this.head > 4096 && this.head * 2 > this.items.length) { this.items.splice(0, this.head); this.head = 0; }
    if (this.head === this.items.length) { this.items.length = 0; this.head = 0; }
  }

  private async pump(): Promise<void> {
    const { transport, name } = this.o;
    let wait = this.retry.initialMs;
    while (this.queued > 0 && !this.stopped) {
      if (!transport.connected) {
        try {
          await transport.connect();
          wait = this.retry.initialMs;
        } catch (e) {
          if (!this.failed(e)) { wait = this.retry.initialMs; continue; }
          // back off; a close gives up waiting at once
          if (this.closing) return;
          await this.sleep(wait);
          wait = Math.min(this.retry.maxMs, wait * this.retry.factor);
          continue;
        }
      }
      if (this.o.reconnectEveryMs && (transport.age ?? 0) > this.o.reconnectEveryMs) { transport.close(); continue; }
      const batch = this.take();
      const frames: Buffer[] = [];
      const acks: string[] = [];
      let bad = 0;
      for (const m of batch) {
        try {
          const enc = this.o.encode(m);
          if (Array.isArray(enc)) frames.push(...enc); else { frames.push(...enc.frames); acks.push(enc.ack); }
        } catch (e) {
          bad++;
          daemonLog.debug('log message not sendable', { driver: name, error: (e as Error).message });
        }
      }
      try {
        if (frames.length) await transport.send(frames, acks.length ? acks : undefined);
        this.shift(batch.length);
        if (batch.length > bad) logStats.count(logStats.delivered, name, batch.length - bad);
        if (bad) logStats.count(logStats.dropped, name, bad);
        this.attempts = 0;
      } catch (e) {
        // written in part at most; the batch is sent again on the next connection (at-least-once)
        transport.close();
        if (!this.failed(e)) { wait = this.retry.initialMs; continue; }
        if (this.closing) continue;
        await this.sleep(wait);
        wait = Math.min(this.retry.maxMs, wait * this.retry.factor);
      }
    }
  }

  /** A failed connect or send: true to wait and retry; past maxAttempts the head batch is dropped. */
  private failed(e: unknown): boolean {
    const attempts = ++this.attempts;
    if (attempts === 1) daemonLog.warn('log target unreachable, retrying', { driver: this.o.name, error: (e as Error).message });
    if (attempts > this.retry.maxAttempts) {
      const n = this.take().length;
      this.shift(n);
      this.attempts = 0;
      logStats.count(logStats.dropped, this.o.name, n);
      return false;
    }
    return true;
  }
}
