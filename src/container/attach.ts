import { ConflictError, NotSupportedError, SystemError } from '../common/errors.js';
import { attachConmon, OutputFanout, resizeConmon, type AttachStream } from '../runtime/index.js';
import type { ContainerContext } from './context.js';
import { readJsonLog } from './json-log-reader.js';
import { logsToFile } from './log-config.js';
import type { LogEntry } from './log-entry.js';

/** A live stream to a container's or exec's stdio. */
export interface AttachIO {
  onOutput(cb: (stream: 'stdout' | 'stderr', data: Buffer) => void): void;
  write(data: Buffer): void;
  closeStdin(): void;
  onEnd(cb: () => void): void;
  close(): void;
}

export interface LogsOptions { follow?: boolean; stdout?: boolean; stderr?: boolean; since?: number; until?: number; timestamps?: boolean; tail?: string }

export function logs(ctx: ContainerContext, idOrName: string, opts: LogsOptions = {}, signal?: AbortSignal): AsyncIterable<LogEntry> {
  const rec = ctx.resolve(idOrName);
  const finished = () => {
    const cur = ctx.store.get(rec.id);
    return !cur || !(cur.state.Running || cur.state.Restarting);
  };
  // dockerd's ErrReadLogsNotSupported
  if (!logsToFile(rec.hostConfig)) throw new NotSupportedError('configured logging driver does not support reading', 'ERR_LOGS_NOT_SUPPORTED');
  const files = ctx.jsonLogFiles(rec.id, rec.hostConfig);
  const catchUp = async () => { const done = finished(); await ctx.jsonLogs.sync(rec.id, files, done).catch(() => undefined); return done; };
  return readJsonLog(files.jsonPath, opts, catchUp, signal, files.rotation?.maxFile, files.format);
}

export async function attach(ctx: ContainerContext, idOrName: string, opts: { stdin?: boolean; stdout?: boolean; stderr?: boolean } = {}): Promise<AttachIO> {
  const rec = ctx.resolve(idOrName);
  const wantOut = opts.stdout !== false;
  const wantErr = opts.stderr !== false;
  ctx.emit(rec, 'attach');
  if (rec.state.Running && !rec.state.Restarting) {
    const s = await attachConmon(ctx.monitor(rec.id).attachSocket);
    return wrapAttach(Promise.resolve(s), { stdin: !!opts.stdin && !!rec.config.OpenStdin, wantOut, wantErr });
  }
  // Attached before start (docker run): connect between conmon's create and the runtime's start, so no output is lost.
  const stream = new Promise<AttachStream>((resolve, reject) => {
    const list = ctx.pendingAttaches.get(rec.id) ?? [];
    list.push((s) => (s ? resolve(s) : reject(new SystemError('container did not start', 'ERR_NOT_STARTED'))));
    ctx.pendingAttaches.set(rec.id, list);
  });
  return wrapAttach(stream, { stdin: !!opts.stdin && !!rec.config.OpenStdin, wantOut, wantErr });
}

/** A start has created the container under conmon: the attaches made before it connect now. */
export async function connectPendingAttaches(ctx: ContainerContext, id: string, socket: string): Promise<void> {
  const list = ctx.pendingAttaches.get(id);
  if (!list?.length) return;
  ctx.pendingAttaches.delete(id);
  for (const cb of list) cb(await attachConmon(socket));
}

/** A start failed: the attaches made before it end with an error. */
export function failPendingAttaches(ctx: ContainerContext, id: string): void {
  const list = ctx.pendingAttaches.get(id) ?? [];
  ctx.pendingAttaches.delete(id);
  for (const cb of list) cb(null);
}

export async function resize(ctx: ContainerContext, idOrName: string, h: number, w: number): Promise<void> {
  const rec = ctx.resolve(idOrName);
  if (!rec.state.Running) throw new ConflictError(`Container ${rec.id} is not running`, 'ERR_NOT_RUNNING');
  // Docker accepts a resize of a non-tty container, does nothing, and still logs the event
  if (rec.config.Tty) await resizeConmon(ctx.monitor(rec.id).ctlFifo, h, w);
  ctx.emit(rec, 'resize', { height: String(h), width: String(w) });
}

/** AttachIO over a conmon attach stream that may only connect later (attach before start). */
export function wrapAttach(stream: Promise<AttachStream>, o: { stdin: boolean; wantOut: boolean; wantErr: boolean; beforeEnd?: () => Promise<void> }): AttachIO {
  const output = new OutputFanout();
  const endCbs: Array<() => void> = [];
  let ended = false;
  let closed = false;
  let ending = false;
  const end = () => {
    if (ended || ending) return;
    ending = true;
    const fire = () => { ended = true; for (const cb of endCbs.splice(0)) cb(); };
    if (o.beforeEnd && !closed) o.beforeEnd().then(fire, fire); else fire();
  };
  const pendingWrites: Array<(s: AttachStream) => void> = [];
  let live: AttachStream | null = null;
  stream.then((s) => {
    live = s;
    if (closed) { s.close(); return; }
    s.onOutput((name, data) => {
      if ((name === 'stdout' && o.wantOut) || (name === 'stderr' && o.wantErr)) output.emit(name, data);
    });
    s.onEnd(end);
    for (const w of pendingWrites.splice(0)) w(s);
  }, () => end());
  const withStream = (fn: (s: AttachStream) => void) => { if (live) fn(live); else pendingWrites.push(fn); };
  return {
    onOutput: (cb) => output.on(cb),
    onEnd: (cb) => { if (ended) cb(); else endCbs.push(cb); },
    write: (data) => { if (o.stdin) withStream((s) => s.write(data)); },
    closeStdin: () => { if (o.stdin) withStream((s) => s.closeStdin()); },
    close: () => { closed = true; if (live) live.close(); end(); },
  };
}
