import { SeqpacketSocket } from './seqpacket-socket.js';
import { SystemError } from '../common/errors.js';

export interface AttachStream {
  onOutput(cb: (stream: 'stdout' | 'stderr', data: Buffer) => void): void;
  onEnd(cb: () => void): void;
  write(data: Buffer): void;
  closeStdin(): void;
  close(): void;
  /** the stream ended on a socket error (output conmon sent may not all have been read) */
  readonly failed?: boolean;
}

type OutputCb = (stream: 'stdout' | 'stderr', data: Buffer) => void;

/**
 * Output callbacks that lose nothing sent before the first one is registered: a process that
 * writes and exits at once (`exec -it ... tty`) can be done before the API has wired the client
 * up. The backlog is capped (a client that never subscribes cannot grow it without end).
 */
export class OutputFanout {
  private readonly cbs: OutputCb[] = [];
  private backlog: Array<['stdout' | 'stderr', Buffer]> | null = [];
  private backlogBytes = 0;
  static readonly MAX_BACKLOG = 4 * 1024 * 1024;

  emit(stream: 'stdout' | 'stderr', data: Buffer): void {
    if (this.backlog) {
      if (this.backlogBytes + data.length <= OutputFanout.MAX_BACKLOG) { this.backlog.push([stream, data]); this.backlogBytes += data.length; }
      return;
    }
    for (const cb of this.cbs) cb(stream, data);
  }

  on(cb: OutputCb): void {
    this.cbs.push(cb);
    const held = this.backlog;
    if (!held) return;
    this.backlog = null;
    this.backlogBytes = 0;
    for (const [name, data] of held) cb(name, data);
  }
}

// conmon prefixes each packet with the pipe it came from
const STDOUT_PIPE = 2;
const STDERR_PIPE = 3;

/** Connect to conmon's SOCK_SEQPACKET attach socket (Node's net module cannot). */
export function attachConmon(socketPath: string, opts: { timeoutMs?: number } = {}): Promise<AttachStream> {
  return new Promise((resolve, reject) => {
    const sock = new SeqpacketSocket();
    const output = new OutputFanout();
    const endCbs: Array<() => void> = [];
    let ended = false;
    let connected = false;
    // once the output ended nothing is written either (write and closeStdin check `ended`): the socket is
    // closed here, or it stayed open until a half-close that a run without stdin never makes
    const end = () => { if (!ended) { ended = true; for (const cb of endCbs) cb(); sock.destroy(); } };
    const timer = setTimeout(() => { sock.destroy(); reject(new SystemError(`attach to ${socketPath} timed out`, 'ERR_ATTACH')); }, opts.timeoutMs ?? 10_000);
    sock.on('data', (buf: Buffer) => {
      if (buf.length < 1) return;
      const id = buf[0];
      if (id !== STDOUT_PIPE && id !== STDERR_PIPE) return; // control packets
      const data = buf.subarray(1);
      output.emit(id === STDOUT_PIPE ? 'stdout' : 'stderr', data);
    });
    sock.on('end', end);
    sock.on('close', end);
    let failed = false;
    sock.on('error', (e: Error) => {
      if (!connected) { clearTimeout(timer); reject(new SystemError(`cannot attach to ${socketPath}: ${e.message}`, 'ERR_ATTACH', e)); }
      failed = true;
      end();
    });
    const stream: AttachStream = {
      onOutput: (cb) => output.on(cb),
      onEnd: (cb) => { if (ended) cb(); else endCbs.push(cb); },
      write: (data) => { if (!ended && data.length) sock.write(data); },
      // half-close: conmon sees EOF and closes the container's stdin (unless --leave-stdin-open)
      closeStdin: () => { if (!ended) sock.end(); },
      close: () => { sock.destroy(); end(); },
      get failed() { return failed; },
    };
    try {
      sock.once('connect', () => { connected = true; clearTimeout(timer); resolve(stream); });
      sock.connect(socketPath);
    } catch (e) {
      clearTimeout(timer);
      reject(new SystemError(`cannot attach to ${socketPath}: ${(e as Error).message}`, 'ERR_ATTACH', e));
    }
  });
}
