/**
 * What every command needs: the engine client (connected lazily, starting the daemon if allowed),
 * output helpers and the errors that carry exit codes.
 */
import { BerthError, UsageError } from '../common/errors.js';
import { DaemonError, type EngineClient } from '../client/engine-client.js';
import { connectingClient, resolveHost } from './host.js';

/** Exit with a code and no message (a container's exit status, a finished `wait`...). */
export class ExitError extends BerthError {
  constructor(code: number, message = '') { super(message, { code: 'ERR_EXIT', exitCode: code }); }
}

/** Several targets, some failed: each message already printed; exit 1 like Docker. */
export class PartialFailure extends BerthError {
  constructor(messages: string[]) { super(messages.join('\n'), { code: 'ERR_PARTIAL', exitCode: 1 }); }
}

export interface GlobalOptions { host?: string; logLevel?: string; /** -c/--context */ context?: string }

export class CliContext {
  private clientPromise: Promise<EngineClient> | null = null;
  /** `clientClass`: the EngineClient of another copy of src/client (see runComposeCommand) */
  constructor(readonly globals: GlobalOptions, private readonly clientClass?: typeof EngineClient) {}

  client(): Promise<EngineClient> {
    if (!this.clientPromise) {
      this.clientPromise = (async () => {
        const { socket, autostart } = resolveHost(this.globals.host, process.env, this.globals.context);
        return connectingClient(socket, autostart, this.clientClass);
      })();
    }
    return this.clientPromise;
  }

  out(s: string): void { process.stdout.write(s); }
  err(s: string): void { process.stderr.write(s); }
}

/** Collect a repeatable option's values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseIntOption(name: string) {
  return (v: string): number => {
    if (!/^-?\d+$/.test(v.trim())) throw new UsageError(`invalid argument "${v}" for "${name}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
    return Number(v);
  };
}

/** Go-style boolean flag value for `--flag=false`. */
export function parseBool(name: string) {
  return (v: string): boolean => {
    if (/^(1|t|true|T|TRUE|True)$/.test(v)) return true;
    if (/^(0|f|false|F|FALSE|False)$/.test(v)) return false;
    throw new UsageError(`invalid argument "${v}" for "${name}" flag: strconv.ParseBool: parsing "${v}": invalid syntax`);
  };
}

/** Run `fn` for every target; print each failure, then fail once (Docker's stop/rm/kill...). */
export async function forEachTarget(targets: string[], fn: (t: string) => Promise<void>): Promise<void> {
  const errors: string[] = [];
  for (const t of targets) {
    try {
      await fn(t);
    } catch (e) {
      const msg = formatError(e);
      errors.push(msg);
      process.stderr.write(msg + '\n');
    }
  }
  if (errors.length) throw new PartialFailure(errors);
}

/** The one-line text Docker prints for an error: the daemon's behind "Error response from daemon: ". */
export function formatError(e: unknown): string {
  if (e instanceof DaemonError) return `Error response from daemon: ${e.message}`;
  return (e as Error)?.message ?? String(e);
}

export function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** "Are you sure you want to continue? [y/N]" on stdin. */
export async function confirm(question: string): Promise<boolean> {
  process.stdout.write(`${question} [y/N] `);
  const line = await new Promise<string>((resolve) => {
    let buf = '';
    const onData = (c: Buffer) => {
      buf += c.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl >= 0) { cleanup(); resolve(buf.slice(0, nl)); }
    };
    const onEnd = () => { cleanup(); resolve(buf); };
    const cleanup = () => { process.stdin.off('data', onData); process.stdin.off('end', onEnd); process.stdin.pause(); };
    process.stdin.on('data', onData);
    process.stdin.on('end', onEnd);
    process.stdin.resume();
  });
  return /^y(es)?$/i.test(line.trim());
}
