/**
 * compose v2's log consumer (cmd/formatter/logs.go): each line of a container's output prefixed with
 * `name | ` (the name without the project, padded to the longest name known plus one), in a colour per
 * container on a terminal (compose's rainbow order), with --timestamps, --no-log-prefix and --no-color.
 * Status lines (`web-1 exited with code 0`) go to stdout too.
 */

const COLORS = ['36', '33', '32', '35', '34', '36;1', '33;1', '32;1', '35;1', '34;1'];

export interface LogPrinterOptions {
  color: boolean;
  prefix: boolean;
  timestamps: boolean;
  /** the stream is a terminal: status lines clear the line first, as compose does */
  tty?: boolean;
}

interface Presenter { name: string; color: (s: string) => string; prefix: string }

export class LogPrinter {
  private readonly presenters = new Map<string, Presenter>();
  private next = 0;
  private width = 0;

  constructor(private readonly stdout: NodeJS.WritableStream, private readonly stderr: NodeJS.WritableStream, private readonly opts: LogPrinterOptions) {}

  /** Register names up front so every prefix has the same width from the first line on. */
  register(...names: string[]): void {
    for (const n of names) this.presenter(n);
  }

  private presenter(name: string): Presenter {
    let p = this.presenters.get(name);
    if (p) return p;
    const code = COLORS[this.next++ % COLORS.length];
    const color = this.opts.color && name !== '' ? (s: string) => `\x1b[${code}m${s}\x1b[0m` : (s: string) => s;
    p = { name, color, prefix: '' };
    this.presenters.set(name, p);
    this.width = Math.max(...[...this.presenters.keys()].map((n) => n.length)) + 1;
    if (this.opts.prefix) for (const q of this.presenters.values()) q.prefix = q.color(`${q.name.padEnd(this.width)} | `);
    return p;
  }

  log(container: string, message: string): void { this.write(this.stdout, container, message); }
  err(container: string, message: string): void { this.write(this.stderr, container, message); }

  private write(out: NodeJS.WritableStream, container: string, message: string): void {
    const p = this.presenter(container);
    const ts = this.opts.timestamps ? `${new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')} ` : '';
    let s = '';
    for (const line of message.split('\n')) s += `${p.prefix}${ts}${line}\n`;
    out.write(s);
  }

  status(container: string, msg: string): void {
    const p = this.presenter(container);
    this.stdout.write(p.color(`${this.opts.tty ? '\r\x1b[K' : ''}${container} ${msg}`) + '\n');
  }
}

/**
 * Splits a byte stream into lines for a callback (compose's utils.GetWriter): a partial line waits for
 * its end; `flush` hands over what is left when the stream ends.
 */
export class LineSplitter {
  private buf = '';
  constructor(private readonly onLine: (line: string) => void) {}
  push(chunk: Buffer | string): void {
    this.buf += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      this.onLine(this.buf.slice(0, nl).replace(/\r$/, ''));
      this.buf = this.buf.slice(nl + 1);
    }
  }
  flush(): void {
    if (this.buf) this.onLine(this.buf);
    this.buf = '';
  }
}
