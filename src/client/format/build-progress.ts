/**
 * How `berth build` shows the classic builder's step log: `plain` writes it as
 * it comes; `tty` keeps a compact live view (one line per step, the running
 * step's last output lines under it) redrawn in place on a terminal, as
 * BuildKit's tty mode does; `quiet` shows nothing (the id is printed at the end).
 */
import { InvalidArgumentError } from '../../common/errors.js';

export type ProgressMode = 'plain' | 'tty' | 'quiet';

export interface ProgressSink {
  write(text: string): void;
  /** the build ended (ok or not): the last state stays on screen */
  finish(ok: boolean): void;
}

/** --progress (and -q) as Docker: auto is tty on a terminal, plain otherwise. */
export function progressMode(value: string, quiet: boolean, isTerminal: boolean): ProgressMode {
  if (!['auto', 'plain', 'tty', 'quiet'].includes(value)) throw new InvalidArgumentError(`invalid progress mode ${value}`, 'ERR_BAD_PROGRESS');
  if (quiet || value === 'quiet') return 'quiet';
  if (value === 'tty' && !isTerminal) throw new InvalidArgumentError('failed to get console: provided file is not a console', 'ERR_NO_CONSOLE');
  return value === 'plain' || !isTerminal ? 'plain' : 'tty';
}

/** Lines that arrive together are written together (one write, not one per line). */
export function plainProgress(out: (s: string) => void): ProgressSink {
  let pending = '';
  let queued = false;
  const flush = (): void => { if (pending) { out(pending); pending = ''; } queued = false; };
  return {
    write(text) { pending += text; if (!queued) { queued = true; setImmediate(flush); } },
    finish() { flush(); },
  };
}

interface StepView { title: string; start: number; end?: number; cached: boolean; tail: string[] }

const TAIL_LINES = 6;
const REDRAW_MS = 100;
const TICK_MS = 1000;
const STEP = /^Step (\d+)\/(\d+) : /;
// the classic log's bookkeeping lines: the view shows the step's state instead
const BOOKKEEPING = /^ ---> (Running in \w+|Removed intermediate container \w+|[0-9a-f]{12}|)$/;

export class TtyProgress implements ProgressSink {
  private readonly steps: StepView[] = [];
  private readonly after: string[] = []; // warnings and the Successfully lines, printed under the view
  private readonly started = Date.now();
  private total = 0;
  private partial = '';
  private drawn = 0; // lines of the last drawing, to move back over
  private timer: NodeJS.Timeout | undefined;
  private ended = false;
  private due = 0; // when the pending redraw runs

  constructor(private readonly out: (s: string) => void, private readonly size: () => { columns?: number; rows?: number }) {
    this.out('\x1b[?25l'); // no cursor blinking over the redraws
  }

  write(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop()!;
    for (const l of lines) this.line(l);
    this.schedule(REDRAW_MS);
  }

  /** Redraw soon; a quiet step still redraws now and then (its time goes on). */
  private schedule(ms: number): void {
    if (this.ended || (this.timer && this.due <= Date.now() + ms)) return;
    if (this.timer) clearTimeout(this.timer);
    this.due = Date.now() + ms;
    this.timer = setTimeout(() => { this.timer = undefined; this.draw(false); this.schedule(TICK_MS); }, ms);
    this.timer.unref();
  }

  private line(raw: string): void {
    const l = raw.replace(/\r$/, '');
    const now = Date.now();
    const cur = this.steps.at(-1);
    const m = STEP.exec(l);
    if (m) {
      if (cur && cur.end === undefined) cur.end = now;
      this.total = Number(m[2]);
      this.steps.push({ title: l, start: now, cached: false, tail: [] });
    } else if (l === ' ---> Using cache' && cur) cur.cached = true;
    else if (BOOKKEEPING.test(l)) return;
    else if (/^(Successfully |\[Warning\] )/.test(l) || !cur) this.after.push(l);
    else { cur.tail.push(l); if (cur.tail.length > TAIL_LINES) cur.tail.shift(); }
  }

  finish(ok: boolean): void {
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.partial) { this.line(this.partial); this.partial = ''; }
    const last = this.steps.at(-1);
    if (ok && last && last.end === undefined) last.end = Date.now();
    this.draw(true, ok);
    this.out(this.after.map((l) => `${l}\n`).join('') + '\x1b[?25h');
  }

  private draw(final: boolean, ok = true): void {
    const { columns, rows } = this.size();
    const width = Math.max(20, (columns || 80) - 1);
    const clip = (s: string): string => {
      const clean = s.replace(/[\x00-\x1f\x7f]/g, ' '); // output must not move the cursor under the view
      return clean.length > width ? clean.slice(0, width - 1) + '…' : clean;
    };
    const secs = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
    const now = Date.now();
    const done = this.steps.filter((s) => s.end !== undefined).length;
    const body: string[] = [];
    for (const [i, s] of this.steps.entries()) {
      const running = s.end === undefined;
      const failed = final && !ok && i === this.steps.length - 1;
      const state = failed ? 'ERROR ' : s.cached ? 'CACHED ' : '';
      const time = s.cached ? '' : ` ${secs((s.end ?? now) - s.start)}`;
      body.push(clip(` => ${state}${s.title}${time}`));
      // the running step's last lines (a failed step keeps them: they say why)
      if ((running && !final) || failed) for (const t of s.tail) body.push(clip(` => => # ${t}`));
    }
    let lines = [clip(`[+] Building ${secs(now - this.started)} (${done}/${this.total || this.steps.length})${final ? (ok ? ' FINISHED' : ' ERROR') : ''}`), ...body];
    // while live, the view fits the terminal (the oldest steps scroll off the top); the last drawing shows all
    const room = Math.max(3, (rows || 24) - 1);
    if (!final && lines.length > room) lines = [lines[0], ...lines.slice(lines.length - room + 1)];
    this.out(`${this.drawn ? `\r\x1b[${this.drawn}A` : ''}\x1b[J${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }
}
