/**
 * Pumping a hijacked attach/exec connection: output demultiplexed (or raw with a TTY) to our
 * stdout/stderr, our stdin into the socket (half-closed at EOF), the terminal in raw mode with
 * its size sent to the daemon, and the detach keys (ctrl-p ctrl-q) honoured.
 */
import type { Duplex } from 'node:stream';
import { DetachKeyFilter, FrameDemuxer, parseDetachKeys } from './stdcopy.js';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

export interface PumpOptions {
  tty: boolean;
  /** forward our stdin into the connection */
  stdin: boolean;
  detachKeys?: string;
  /** called with (rows, cols) now and when the terminal is resized */
  resize?: (h: number, w: number) => Promise<void>;
}

export interface PumpResult { detached: boolean; systemError?: string }

/** Set the terminal to raw mode; returns a function that restores it. */
function rawTerminal(): () => void {
  const stdin = process.stdin;
  if (!stdin.isTTY) return () => {};
  stdin.setRawMode(true);
  let restored = false;
  const restore = () => { if (!restored) { restored = true; try { stdin.setRawMode(false); } catch { /* stdin gone */ } } };
  process.once('exit', restore);
  return restore;
}

/** Keep the daemon's idea of the terminal size in step with ours. */
function monitorTtySize(resize: (h: number, w: number) => Promise<void>): () => void {
  if (!process.stdout.isTTY) return () => {};
  const send = () => {
    const [w, h] = process.stdout.getWindowSize();
    resize(h, w).catch(() => { /* container may be gone already */ });
  };
  send();
  process.stdout.on('resize', send);
  process.on('SIGWINCH', send);
  return () => { process.stdout.off('resize', send); process.off('SIGWINCH', send); };
}

function writeOut(stream: NodeJS.WriteStream, data: Buffer): Promise<void> | void {
  if (!stream.write(data)) return new Promise((r) => stream.once('drain', () => r()));
}

export function pumpConnection(conn: { socket: Duplex; head: Buffer; writable: boolean }, opts: PumpOptions): Promise<PumpResult> {
  const { socket } = conn;
  return new Promise((resolve, reject) => {
    let systemError: string | undefined;
    let done = false;
    const cleanups: Array<() => void> = [];
    const finish = (r: PumpResult | Error) => {
      if (done) return;
      done = true;
      for (const c of cleanups.reverse()) c();
      if (r instanceof Error) reject(r); else resolve(r);
    };

    const demux = opts.tty ? null : new FrameDemuxer((kind, payload) => {
      if (kind === 'stderr') process.stderr.write(payload);
      else if (kind === 'system') systemError = (systemError ?? '') + payload.toString('utf8');
      else process.stdout.write(payload);
    });
    const onData = (chunk: Buffer) => {
      try {
        if (demux) demux.push(chunk);
        else {
          const p = writeOut(process.stdout, chunk);
          if (p) { socket.pause(); p.then(() => socket.resume()); }
        }
      } catch (e) { finish(e as Error); socket.destroy(); }
    };
    if (conn.head.length) onData(conn.head);
    socket.on('data', onData);
    socket.on('end', () => finish({ detached: false, systemError }));
    socket.on('close', () => finish({ detached: false, systemError }));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      // the daemon closing the connection hard after the process exits is the normal end
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') finish({ detached: false, systemError });
      else finish(e);
    });

    if (opts.tty && opts.resize) cleanups.push(monitorTtySize(opts.resize));

    if (opts.stdin && conn.writable) {
      const stdin = process.stdin;
      if (opts.tty) cleanups.push(rawTerminal());
      const filter = new DetachKeyFilter(parseDetachKeys(opts.detachKeys ?? DEFAULT_DETACH_KEYS));
      const onIn = (chunk: Buffer) => {
        const { data, detach } = filter.feed(chunk);
        if (data.length) socket.write(data);
        if (detach) {
          socket.destroy();
          finish({ detached: true });
        }
      };
      const onEnd = () => { if (!done) socket.end(); };
      stdin.on('data', onIn);
      stdin.on('end', onEnd);
      cleanups.push(() => { stdin.off('data', onIn); stdin.off('end', onEnd); stdin.pause(); });
      stdin.resume();
    }
  });
}
