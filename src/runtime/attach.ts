import { SeqpacketSocket } from 'node-unix-socket';
import { SystemError } from '../common/errors.js';

export interface AttachStream {
  onOutput(cb: (stream: 'stdout' | 'stderr', data: Buffer) => void): void;
  onEnd(cb: () => void): void;
  write(data: Buffer): void;
  closeStdin(): void;
  close(): void;
}

// conmon prefixes each packet with the pipe it came from
const STDOUT_PIPE = 2;
const STDERR_PIPE = 3;

/** Connect to conmon's SOCK_SEQPACKET attach socket (Node's net module cannot). */
export function attachConmon(socketPath: string, opts: { timeoutMs?: number } = {}): Promise<AttachStream> {
  return new Promise((resolve, reject) => {
    const sock = new SeqpacketSocket();
    const outputCbs: Array<(s: 'stdout' | 'stderr', d: Buffer) => void> = [];
    const endCbs: Array<() => void> = [];
    let ended = false;
    let connected = false;
    const end = () => { if (!ended) { ended = true; for (const cb of endCbs) cb(); } };
    const timer = setTimeout(() => { sock.destroy(); reject(new SystemError(`attach to ${socketPath} timed out`, 'ERR_ATTACH')); }, opts.timeoutMs ?? 10_000);
    sock.on('data', (buf: Buffer) => {
      if (buf.length < 1) return;
      const id = buf[0];
      if (id !== STDOUT_PIPE && id !== STDERR_PIPE) return; // control packets
      const data = buf.subarray(1);
      for (const cb of outputCbs) cb(id === STDOUT_PIPE ? 'stdout' : 'stderr', data);
    });
    sock.on('end', end);
    sock.on('close', end);
    sock.on('error', (e: Error) => {
      if (!connected) { clearTimeout(timer); reject(new SystemError(`cannot attach to ${socketPath}: ${e.message}`, 'ERR_ATTACH', e)); }
      end();
    });
    const stream: AttachStream = {
      onOutput: (cb) => { outputCbs.push(cb); },
      onEnd: (cb) => { if (ended) cb(); else endCbs.push(cb); },
      write: (data) => { if (!ended && data.length) sock.write(data); },
      // half-close: conmon sees EOF and closes the container's stdin (unless --leave-stdin-open)
      closeStdin: () => { if (!ended) sock.end(); },
      close: () => { sock.destroy(); end(); },
    };
    try {
      sock.connect(socketPath, () => { connected = true; clearTimeout(timer); resolve(stream); });
    } catch (e) {
      clearTimeout(timer);
      reject(new SystemError(`cannot attach to ${socketPath}: ${(e as Error).message}`, 'ERR_ATTACH', e));
    }
  });
}
