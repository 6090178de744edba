/**
 * compose v2's progress output for pull, push and build (pkg/progress): one event per service or
 * image. `plain` prints each event as a line (" web Pulled "), `json` as a JSON object, `quiet`
 * nothing, and `tty` (auto on a terminal) redraws a block headed "[+] Pulling 1/2" with a mark, the
 * text and the elapsed time per line. Everything goes to stderr, as compose writes it.
 */
import type { ComposeContext } from '../context.js';

export type ProgressStatus = 'working' | 'done' | 'warning' | 'error';

export interface ProgressEvent { id: string; status: ProgressStatus; text: string; statusText?: string }

export interface ProgressWriter {
  event(e: ProgressEvent): void;
  /** a message after the block (compose's TailMsgf) */
  tail(msg: string): void;
  /** the final draw */
  stop(): void;
}

const MARK: Record<ProgressStatus, string> = { working: '⠿', done: '\x1b[32m✔\x1b[0m', warning: '\x1b[33m!\x1b[0m', error: '\x1b[31m✘\x1b[0m' };

export function progressWriter(ctx: ComposeContext, title: string, forceQuiet = false): ProgressWriter {
  const err = ctx.io.stderr as NodeJS.WriteStream;
  let mode = forceQuiet ? 'quiet' : ctx.options.progress ?? 'auto';
  if (mode === 'auto') mode = err.isTTY && ctx.options.ansi !== 'never' ? 'tty' : 'plain';
  if (mode === 'quiet') return { event() {}, tail() {}, stop() {} };
  if (mode === 'json') {
    return {
      event: (e) => ctx.err(`${JSON.stringify({ id: e.id || undefined, text: e.text || undefined, status: e.statusText || undefined })}\n`),
      tail: (msg) => ctx.err(`${JSON.stringify({ tail: true, text: msg })}\n`),
      stop() {},
    };
  }
  if (mode === 'plain') {
    return { event: (e) => ctx.err(` ${e.id} ${e.text} ${e.statusText ?? ''}\n`), tail: (msg) => ctx.err(`${msg}\n`), stop() {} };
  }
  return new TtyProgress((s) => ctx.err(s), title, () => err.columns || 80);
}

class TtyProgress implements ProgressWriter {
  private readonly events = new Map<string, ProgressEvent & { start: number; end?: number }>();
  private readonly tails: string[] = [];
  private drawn = 0;
  private timer: NodeJS.Timeout | null = null;
  constructor(private readonly write: (s: string) => void, private readonly title: string, private readonly width: () => number) {}

  event(e: ProgressEvent): void {
    const old = this.events.get(e.id);
    const now = Date.now();
    this.events.set(e.id, { ...e, start: old?.start ?? now, end: e.status === 'working' ? undefined : now });
    this.timer ??= setInterval(() => this.draw(), 100);
    this.timer.unref();
    this.draw();
  }

  tail(msg: string): void { this.tails.push(msg); }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.events.size) this.draw();
    for (const t of this.tails) this.write(`${t}\n`);
  }

  private draw(): void {
    const width = this.width();
    const list = [...this.events.values()];
    const done = list.filter((e) => e.status !== 'working').length;
    const pad = Math.max(...list.map((e) => e.id.length + e.text.length + 1)) + 1;
    let out = this.drawn ? `\x1b[${this.drawn}A` : '';
    out += `\x1b[2K[+] ${this.title} ${done}/${list.length}\n`;
    for (const e of list) {
      const left = ` ${MARK[e.status]} ${e.id} ${e.text}${' '.repeat(Math.max(0, pad - e.id.length - e.text.length - 1))}${e.statusText ?? ''}`;
      const timer = `${(((e.end ?? Date.now()) - e.start) / 1000).toFixed(1)}s `;
      const visible = left.replace(/\x1b\[[0-9;]*m/g, '').length;
      out += `\x1b[2K${left}${' '.repeat(Math.max(1, width - visible - timer.length))}${timer}\n`;
    }
    this.drawn = list.length + 1;
    this.write(out);
  }
}
