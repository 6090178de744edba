/**
 * Container output for `logs` and attached `up`: the logs endpoint (or an attach before start), the
 * stream framing taken apart (src/client/stdcopy.ts) unless the container has a TTY, cut into lines
 * for the log printer under the container's name without the project (`web-1`).
 */
import type { Duplex, Readable } from 'node:stream';
import type { EngineClient } from '../../client/engine-client.js';
import { FrameDemuxer } from '../../client/stdcopy.js';
import { BerthError } from '../../common/errors.js';
import { tryGoDurationNs } from '../../common/go-duration.js';
import type { ContainerInspectResponse, ContainerSummary } from '../../common/engine-api/types.js';
import { LABELS } from '../model.js';
import { LineSplitter, type LogPrinter } from '../output/log-printer.js';
import { nameOf } from './state.js';

/** compose's getContainerNameWithoutProject: `web-1` for `proj-web-1`; a custom container_name as it is. */
export function shortName(c: ContainerSummary): string {
  const name = nameOf(c);
  const project = c.Labels?.[LABELS.project] ?? '';
  const def = `${project}-${c.Labels?.[LABELS.service] ?? ''}-${c.Labels?.[LABELS.containerNumber] ?? ''}`;
  return name === def ? name.slice(project.length + 1) : name;
}

/**
 * --since/--until as the Engine API takes them (Unix seconds): a Go duration is relative to now, a
 * timestamp is parsed, a number passes (the docker CLI's GetTimestamp does this on the client side too).
 */
export function apiTimestamp(value: string | undefined, now = Date.now()): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^-?\d+(\.\d+)?$/.test(value)) return value;
  const ns = tryGoDurationNs(value);
  if (ns !== undefined) return ((now - ns / 1e6) / 1000).toFixed(9);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new BerthError(`invalid value for "since": failed to parse value as time or duration: "${value}"`, { code: 'ERR_BAD_TIME', status: 400, exitCode: 1 });
  return (t / 1000).toFixed(9);
}

export interface LogStreamOptions {
  follow?: boolean;
  since?: string;
  until?: string;
  tail?: string;
  timestamps?: boolean;
}

/** Pipe a framed (or raw) stream to the printer, line by line; resolves at its end. */
export function pumpLines(stream: Readable | Duplex, head: Buffer, tty: boolean, onLine: (kind: 'stdout' | 'stderr', line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = new LineSplitter((l) => onLine('stdout', l));
    const err = new LineSplitter((l) => onLine('stderr', l));
    const demux = tty ? null : new FrameDemuxer((kind, payload) => { if (kind === 'stderr') err.push(payload); else if (kind === 'stdout') out.push(payload); });
    const feed = (chunk: Buffer) => { try { if (demux) demux.push(chunk); else out.push(chunk); } catch (e) { reject(e); } };
    if (head.length) feed(head);
    let ended = false;
    const end = () => { if (ended) return; ended = true; out.flush(); err.flush(); resolve(); };
    stream.on('data', feed);
    stream.once('end', end);
    stream.once('close', end);
    stream.once('error', (e: NodeJS.ErrnoException) => { if (e.code === 'ECONNRESET' || e.code === 'EPIPE' || e.name === 'AbortError') end(); else reject(e); });
  });
}

/** One container's logs to the printer (compose's doLogContainer: stdout and stderr both as log lines). */
export async function containerLogs(client: EngineClient, c: ContainerSummary, printer: LogPrinter, opts: LogStreamOptions, signal?: AbortSignal, name = shortName(c)): Promise<void> {
  const info = await client.json<ContainerInspectResponse>('GET', `/containers/${c.Id}/json`);
  const res = await client.request('GET', `/containers/${c.Id}/logs`, {
    query: {
      stdout: true, stderr: true, follow: opts.follow ?? false,
      since: apiTimestamp(opts.since), until: apiTimestamp(opts.until),
      tail: opts.tail ?? 'all', timestamps: opts.timestamps ?? false,
    },
    signal,
  });
  await pumpLines(res, Buffer.alloc(0), Boolean(info.Config?.Tty), (_kind, line) => printer.log(name, line));
}

/**
 * Attach to a container's output (before it starts, so nothing is missed) and print it; resolves when
 * the container's streams end. compose prints stderr lines to stderr when attached.
 */
export async function attachContainer(client: EngineClient, c: ContainerSummary, printer: LogPrinter, name = shortName(c)): Promise<{ done: Promise<void>; close: () => void }> {
  const info = await client.json<ContainerInspectResponse>('GET', `/containers/${c.Id}/json`);
  const conn = await client.hijack('POST', `/containers/${c.Id}/attach`, { query: { stream: true, stdout: true, stderr: true } });
  const done = pumpLines(conn.socket, conn.head, Boolean(info.Config?.Tty), (kind, line) => (kind === 'stderr' ? printer.err(name, line) : printer.log(name, line)));
  return { done, close: () => conn.socket.destroy() };
}
