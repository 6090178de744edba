/**
 * compose v2's progress output (pkg/progress): one event per resource and step (` Container p-web-1  Started`),
 * written to stderr in one of four modes. `plain` prints each event as a line, `tty` redraws a block with
 * a spinner or ✔ and a timer per resource under a `[+] Running n/m` title, `json` prints one object per
 * event, `quiet` prints nothing. `auto` is tty on a terminal, plain elsewhere.
 */

export type EventStatus = 'working' | 'done' | 'warning' | 'error';

export interface ProgressEvent {
  /** the resource: `Container p-web-1`, `Network p_default`, `Volume "p_data"`, `Image busybox` */
  id: string;
  status: EventStatus;
  /** the step: Creating, Created, Starting… (compose's StatusText) */
  statusText: string;
  /** a free text shown before the step (compose's Text; warnings use it) */
  text?: string;
  parentId?: string;
}

export type ProgressMode = 'auto' | 'tty' | 'plain' | 'quiet' | 'json';

export interface ProgressWriter {
  event(e: ProgressEvent): void;
  /** a line printed after the block (tty) or at once (plain) */
  tail(msg: string): void;
  /** stop redrawing; prints the final state */
  stop(): void;
}

type Stream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };

export const working = (id: string, statusText: string): ProgressEvent => ({ id, status: 'working', statusText });
export const done = (id: string, statusText: string): ProgressEvent => ({ id, status: 'done', statusText });
export const failed = (id: string, statusText = 'Error'): ProgressEvent => ({ id, status: 'error', statusText });
export const warning = (id: string, statusText: string): ProgressEvent => ({ id, status: 'warning', statusText });

/** The writer for a mode; `auto` looks at whether the stream is a terminal. */
export function progressWriter(out: Stream, mode: ProgressMode = 'auto', title = 'Running', ansi?: 'never' | 'always' | 'auto'): ProgressWriter {
  switch (mode) {
    case 'quiet': return { event() {}, tail() {}, stop() {} };
    case 'json': return new JsonWriter(out);
    case 'plain': return new PlainWriter(out);
    case 'tty': return new TtyWriter(out, title, ansi !== 'never');
    default: return out.isTTY ? new TtyWriter(out, title, ansi !== 'never') : new PlainWriter(out);
  }
}

/** Go's fmt.Fprintln(out, prefix, e.ID, e.Text, e.StatusText): operands joined by one space each. */
export class PlainWriter implements ProgressWriter {
  constructor(private readonly out: Stream) {}
  event(e: ProgressEvent): void { this.out.write(['', e.id, e.text ?? '', e.statusText].join(' ') + '\n'); }
  tail(msg: string): void { this.out.write(`${msg}\n`); }
  stop(): void {}
}

export class JsonWriter implements ProgressWriter {
  constructor(private readonly out: Stream) {}
  event(e: ProgressEvent): void {
    // compose's jsonMessage, omitempty fields left out, in its field order
    const m: Record<string, unknown> = {};
    m.id = e.id;
    if (e.parentId) m.parent_id = e.parentId;
    if (e.text) m.text = e.text;
    if (e.statusText) m.status = e.statusText;
    this.out.write(`${JSON.stringify(m)}\n`);
  }
  tail(msg: string): void { this.out.write(`${JSON.stringify({ tail: true, text: msg })}\n`); }
  stop(): void {}
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const esc = (code: string) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;

interface TtyLine { e: ProgressEvent; start: number; end?: number }

/** The redrawn block: cursor moved up over the previous drawing, every line written again. */
export class TtyWriter implements ProgressWriter {
  private readonly lines = new Map<string, TtyLine>();
  private readonly tails: string[] = [];
  private drawn = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | null;
  private readonly c: Record<'done' | 'timer' | 'count' | 'warn' | 'ok' | 'err', (s: string) => string>;

  constructor(private readonly out: Stream, private readonly title: string, color: boolean) {
    const id = (s: string) => s;
    this.c = color
      ? { done: esc('34'), timer: esc('34'), count: esc('33'), warn: esc('1;33'), ok: esc('32'), err: esc('1;31') }
      : { done: id, timer: id, count: id, warn: id, ok: id, err: id };
    this.timer = setInterval(() => this.draw(), 100);
    this.timer.unref();
  }

  event(e: ProgressEvent): void {
    const now = Date.now();
    const last = this.lines.get(e.id);
    if (!last) { this.lines.set(e.id, { e, start: now, end: e.status === 'working' ? undefined : now }); return; }
    if (e.status === 'working') last.end = undefined;
    else if (last.e.status !== e.status || last.end === undefined) last.end = now;
    last.e = { ...last.e, ...e };
  }

  tail(msg: string): void { this.tails.push(msg); }

  stop(): void {
    if (this.timer) { clearInterval(this.timer); this.timer = null; }
    this.draw();
    for (const t of this.tails) this.out.write(`${t}\n`);
    this.tails.length = 0;
  }

  private draw(): void {
    if (this.lines.size === 0) return;
    this.frame++;
    const width = this.out.columns ?? 80;
    let s = this.drawn > 0 ? `\x1b[${this.drawn}A\r` : '';
    s += '\x1b[?25l';
    const all = [...this.lines.values()];
    const finished = all.filter((l) => l.e.status !== 'working').length;
    let title = `[+] ${this.title} ${finished}/${all.length}`;
    if (finished === all.length) title = this.c.done(title);
    s += `${title}\x1b[K\n`;
    const pad = Math.max(...all.map((l) => `${l.e.id} ${l.e.text ?? ''}`.length));
    for (const l of all) {
      const spin = l.e.status === 'done' ? this.c.ok('✔') : l.e.status === 'warning' ? this.c.warn('!') : l.e.status === 'error' ? this.c.err('✘') : this.c.count(SPINNER[this.frame % SPINNER.length]);
      const txt = `${l.e.id} ${l.e.text ?? ''}`;
      const status = l.e.status === 'warning' ? this.c.warn(l.e.statusText) : l.e.status === 'error' ? this.c.err(l.e.statusText) : l.e.statusText;
      const left = ` ${spin} ${txt}${' '.repeat(Math.max(0, pad - txt.length))} ${status}`;
      const secs = (((l.end ?? Date.now()) - l.start) / 1000).toFixed(1);
      const right = `${secs}s `;
      const gap = Math.max(1, width - visibleLength(left) - right.length);
      s += `${left}${' '.repeat(gap)}${this.c.timer(right)}\x1b[K\n`;
    }
    s += '\x1b[?25h';
    this.drawn = all.length + 1;
    this.out.write(s);
  }
}

function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return [...s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')].length;
}

/** compose's logrus warnings on stderr. */
export function warnLine(out: NodeJS.WritableStream, msg: string): void {
  out.write(`WARN[0000] ${msg}\n`);
}
