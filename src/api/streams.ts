import type { Duplex } from 'node:stream';
import type { ServerResponse } from 'node:http';
import type { Ctx } from './router.js';
import type { AttachIO } from '../container/manager.js';
import { DEFAULT_DETACH_KEYS, DetachKeyFilter, parseDetachKeys } from '../common/detach-keys.js';

/** The detach keys of an attach or exec: the client's (`detachKeys`), else Docker's ctrl-p ctrl-q. Invalid keys are a 400. */
export function detachKeysOf(spec: string | undefined | null): number[] {
  return parseDetachKeys(spec || DEFAULT_DETACH_KEYS);
}

/** Docker's multiplexed stream frame: [stream, 0, 0, 0, size(be32)] + payload. */
export function frame(stream: 0 | 1 | 2, data: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(data.length, 4);
  return Buffer.concat([h, data]);
}

function streamId(s: 'stdin' | 'stdout' | 'stderr'): 0 | 1 | 2 {
  return s === 'stdout' ? 1 : s === 'stderr' ? 2 : 0;
}

/**
 * Take over the connection for a raw stream (attach, exec start). With
 * `Upgrade: tcp` Docker answers 101; old clients get 200 and the raw stream.
 */
export function hijack(ctx: Ctx, tty: boolean): Duplex {
  const contentType = tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream';
  if (ctx.upgrade) {
    const sock = ctx.upgrade.socket;
    sock.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
    if (ctx.upgrade.head.length) sock.unshift(ctx.upgrade.head);
    return sock;
  }
  const res = ctx.res as ServerResponse & { detachSocket?: (s: unknown) => void };
  const sock = ctx.req.socket;
  // Hand the socket over: from here on the bytes are ours, not Node's HTTP writer's.
  res.detachSocket?.(sock);
  sock.write(`HTTP/1.1 200 OK\r\nContent-Type: ${contentType}\r\nConnection: close\r\n\r\n`);
  return sock;
}

/**
 * Wire a container/exec stdio session to a hijacked socket. On a TTY, as dockerd: the detach keys in
 * stdin end the attach (the process keeps running, its stdin stays open: `onDetach` is told), and the
 * client's EOF never closes the process's stdin; output keeps flowing until the process ends.
 */
export function pipeAttach(io: AttachIO, sock: Duplex, opts: { tty: boolean; stdin: boolean; stdout?: boolean; stderr?: boolean; detachKeys?: number[]; onDetach?: () => void }): void {
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    sock.end();
  };
  io.onOutput((stream, data) => {
    if (ended) return;
    if (stream === 'stdout' && opts.stdout === false) return;
    if (stream === 'stderr' && opts.stderr === false) return;
    sock.write(opts.tty ? data : frame(streamId(stream), data));
  });
  io.onEnd(finish);
  if (opts.stdin) {
    const filter = opts.tty && opts.detachKeys?.length ? new DetachKeyFilter(opts.detachKeys) : undefined;
    sock.on('data', (d: Buffer) => {
      if (ended) return;
      if (!filter) { io.write(d); return; }
      const { data, detach } = filter.feed(d);
      if (data.length) io.write(data);
      if (detach) {
        ended = true;
        io.close();
        opts.onDetach?.();
        sock.end();
      }
    });
    sock.on('end', () => { if (!opts.tty) io.closeStdin(); });
    sock.resume(); // the caller may have paused it while the process was starting
  } else {
    sock.resume();
  }
  sock.on('error', () => io.close());
  sock.on('close', () => { if (!ended) io.close(); ended = true; });
}
