/**
 * The sockets the network drivers write to: stream (tcp, tcp+tls, unix) and datagram (udp,
 * unixgram). Each keeps at most one connection; a write after a failure reconnects (the queue
 * decides when to retry). Errors are worded as Go's net package words them, since dockerd's start
 * errors carry them ("dial tcp 127.0.0.1:514: connect: connection refused").
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { decodeMultiStream } from '@msgpack/msgpack';
import { BerthError } from '../common/errors.js';

export interface Transport {
  readonly connected: boolean;
  /** ms since the connection was made, where that matters */
  readonly age?: number;
  /** Open the connection (or check the datagram target); rejects with a DialError. */
  connect(): Promise<void>;
  /**
   * Hand frames to the kernel; rejects when the connection failed (it is then closed). With acks
   * (stream only) it resolves once the target has acknowledged each id.
   */
  send(frames: Buffer[], acks?: string[]): Promise<void>;
  close(): void;
}

export type Address =
  | { proto: 'tcp'; host: string; port: number }
  | { proto: 'udp'; host: string; port: number }
  | { proto: 'tcp+tls'; host: string; port: number; tls: ConnectionOptions }
  | { proto: 'unix'; path: string }
  | { proto: 'unixgram'; path: string };

const GO_ERRNO: Record<string, string> = {
  ECONNREFUSED: 'connection refused', ENOENT: 'no such file or directory', ETIMEDOUT: 'i/o timeout',
  EHOSTUNREACH: 'no route to host', ENETUNREACH: 'network is unreachable', EACCES: 'permission denied',
  ECONNRESET: 'connection reset by peer', EPIPE: 'broken pipe', EPROTOTYPE: 'protocol wrong type for socket',
  ENOTSOCK: 'socket operation on non-socket', EADDRNOTAVAIL: 'cannot assign requested address',
};

/** A failed dial or write, in Go's words (`dial tcp 1.2.3.4:5: connect: connection refused`). */
export class DialError extends BerthError {
  constructor(message: string, cause?: unknown) { super(message, { code: 'ERR_LOG_CONNECT', status: 500, cause }); }
}

export function addressText(a: Address): string {
  return 'path' in a ? a.path : a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

function goError(a: Address, op: 'dial' | 'write', e: unknown): DialError {
  const err = e as NodeJS.ErrnoException;
  const proto = a.proto === 'tcp+tls' ? 'tcp' : a.proto;
  if (err?.code === 'ENOTFOUND' || err?.code === 'EAI_AGAIN') {
    return new DialError(`dial ${proto} ${addressText(a)}: lookup ${'host' in a ? a.host : ''}: no such host`, e);
  }
  const unknownCa = ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'];
  if (err?.code && unknownCa.includes(err.code)) return new DialError(`tls: failed to verify certificate: x509: certificate signed by unknown authority`, e);
  const text = (err?.code && GO_ERRNO[err.code]) ?? err?.message ?? String(e);
  const syscall = op === 'dial' ? (err?.code && GO_ERRNO[err.code] ? 'connect: ' : '') : '';
  return new DialError(`${op} ${proto} ${addressText(a)}: ${syscall}${text}`, e);
}

const CONNECT_TIMEOUT_MS = 5000;
/** fluent-logger waits for an ack for ever without a read timeout; berth gives up after this (then reconnects and sends again) */
const ACK_TIMEOUT_MS = 30_000;

/** tcp, tcp+tls and unix stream sockets. */
export class StreamTransport implements Transport {
  private sock: Socket | null = null;
  private failure: Error | null = null;
  private connectedAt = 0;
  /** acks awaited, by id (fluentd-request-ack) */
  private readonly acks = new Map<string, () => void>();
  /** readTimeoutMs: how long to wait for acks */
  constructor(private readonly addr: Address, private readonly timeoutMs = CONNECT_TIMEOUT_MS, private readonly writeTimeoutMs = 0,
    private readonly readTimeoutMs = ACK_TIMEOUT_MS) {}

  /** ms since the connection was made (0: none) */
  get age(): number { return this.sock ? Date.now() - this.connectedAt : 0; }

  get connected(): boolean { return !!this.sock && !this.failure; }

  connect(): Promise<void> {
    this.close();
    const a = this.addr;
    return new Promise((resolve, reject) => {
      const sock = a.proto === 'unix' ? netConnect({ path: a.path })
        : a.proto === 'tcp+tls' ? tlsConnect({ host: a.host, port: a.port, servername: isIp(a.host) ? undefined : a.host, ...a.tls })
          : netConnect({ host: (a as { host: string }).host, port: (a as { port: number }).port }); // tcp (udp has its own transport)
      const ready = a.proto === 'tcp+tls' ? 'secureConnect' : 'connect';
      const timer = setTimeout(() => sock.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })), this.timeoutMs);
      const fail = (e: Error) => { clearTimeout(timer); sock.destroy(); reject(goError(a, 'dial', e)); };
      sock.once('error', fail);
      sock.once(ready, () => {
        clearTimeout(timer);
        (sock as import('node:net').Socket).off('error', fail);
        sock.setNoDelay(true);
        this.sock = sock;
        this.connectedAt = Date.now();
        this.failure = null;
        sock.on('error', (e) => { this.failure ??= e; });
        sock.on('close', () => { this.failure ??= new Error('connection closed'); });
        // only fluentd answers, with {ack: id} maps when acks are asked for; anything else is drained
        void (async () => {
          try {
            for await (const v of decodeMultiStream(sock as AsyncIterable<Uint8Array>)) {
              const id = (v as { ack?: unknown } | null)?.ack;
              if (typeof id === 'string') { this.acks.get(id)?.(); this.acks.delete(id); }
            }
          } catch { /* not msgpack, or the connection ended: its sends fail on their own */ }
        })();
        resolve();
      });
    });
  }

  send(frames: Buffer[], acks?: string[]): Promise<void> {
    const sock = this.sock;
    if (!sock || this.failure) return Promise.reject(goError(this.addr, 'write', this.failure ?? new Error('not connected')));
    const data = frames.length === 1 ? frames[0] : Buffer.concat(frames);
    const acked = acks?.length ? this.awaitAcks(sock, acks) : undefined;
    const written = new Promise<void>((resolve, reject) => {
      // a target that stops reading would hold the write for ever: fluentd-write-timeout gives up on it
      const timer = this.writeTimeoutMs > 0
        ? setTimeout(() => sock.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })), this.writeTimeoutMs) : undefined;
      sock.write(data, (e) => {
        clearTimeout(timer);
        if (e || this.failure) { const err = goError(this.addr, 'write', e ?? this.failure); this.close(); reject(err); } else resolve();
      });
    });
    return acked ? Promise.all([written, acked]).then(() => undefined) : written;
  }

  private awaitAcks(sock: Socket, ids: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      let left = ids.length;
      const timer = setTimeout(() => {
        for (const id of ids) this.acks.delete(id);
        if (this.sock === sock) this.close();
        reject(new DialError(`read ${addressText(this.addr)}: i/o timeout (no ack)`));
      }, this.readTimeoutMs);
      const closed = () => { clearTimeout(timer); reject(goError(this.addr, 'write', new Error('connection closed before the ack'))); };
      sock.once('close', closed);
      for (const id of ids) {
        this.acks.set(id, () => { if (--left === 0) { clearTimeout(timer); sock.off('close', closed); resolve(); } });
      }
    });
  }

  close(): void {
    this.sock?.destroy();
    this.sock = null;
  }
}

function isIp(h: string): boolean { return /^[\d.]+$/.test(h) || h.includes(':'); }

/** udp: a connected datagram socket (the kernel reports a refused port on a later send). */
export class UdpTransport implements Transport {
  private sock: UdpSocket | null = null;
  constructor(private readonly addr: Extract<Address, { proto: 'udp' }>) {}

  get connected(): boolean { return !!this.sock; }

  connect(): Promise<void> {
    this.close();
    const a = this.addr;
    const sock = createSocket(a.host.includes(':') ? 'udp6' : 'udp4');
    return new Promise((resolve, reject) => {
      const fail = (e: Error) => { sock.close(); reject(goError(a, 'dial', e)); };
      sock.once('error', fail);
      sock.connect(a.port, a.host, () => {
        sock.off('error', fail);
        sock.on('error', () => undefined);
        this.sock = sock;
        resolve();
      });
    });
  }

  async send(frames: Buffer[]): Promise<void> {
    const sock = this.sock;
    if (!sock) throw goError(this.addr, 'write', new Error('not connected'));
    for (const f of frames) {
      await new Promise<void>((resolve, reject) => sock.send(f, (e) => (e ? reject(goError(this.addr, 'write', e)) : resolve())));
    }
  }

  close(): void {
    try { this.sock?.close(); } catch { /* closed already */ }
    this.sock = null;
  }
}

interface DgramWrap {
  init(self: object): void;
  startRecv(): void;
  sendTo(buf: Buffer, offset: number, length: number, path: string, cb: (e?: Error) => void): void;
  close(): void;
}
let dgramBinding: { DgramSocketWrap: new (events: object) => DgramWrap } | undefined;

/**
 * unixgram: Node has no unix datagram sockets; the N-API binding of node-unix-socket (already used
 * for conmon's seqpacket attach socket) sends them. Each frame goes to the path with sendto(2).
 */
export class UnixgramTransport implements Transport {
  private wrap: DgramWrap | null = null;
  /** the binding calls back into this object: held here so it lives as long as the socket */
  private readonly events = { emit: () => undefined };
  constructor(private readonly addr: Extract<Address, { proto: 'unixgram' }>) {}

  get connected(): boolean { return !!this.wrap; }

  async connect(): Promise<void> {
    this.close();
    // Go's dial connect(2)s the datagram socket; the binding has only sendto: a socket must be at the path
    try {
      if (!statSync(this.addr.path).isSocket()) throw Object.assign(new Error('not a socket'), { code: 'ECONNREFUSED' });
    } catch (e) { throw goError(this.addr, 'dial', e); }
    dgramBinding ??= createRequire(import.meta.url)('node-unix-socket-linux-x64-gnu') as NonNullable<typeof dgramBinding>;
    const wrap = new dgramBinding.DgramSocketWrap(this.events);
    wrap.init(wrap);
    // the binding's close() crashes the process on a socket that never started receiving (0.2.7)
    wrap.startRecv();
    this.wrap = wrap;
  }

  async send(frames: Buffer[]): Promise<void> {
    const wrap = this.wrap;
    if (!wrap) throw goError(this.addr, 'write', new Error('not connected'));
    for (const f of frames) {
      await new Promise<void>((resolve, reject) => {
        try {
          wrap.sendTo(f, 0, f.length, this.addr.path, (e) => (e ? reject(goError(this.addr, 'write', errnoOf(e))) : resolve()));
        } catch (e) { reject(goError(this.addr, 'write', errnoOf(e))); }
      });
    }
  }

  close(): void {
    try { this.wrap?.close(); } catch { /* closed already */ }
    this.wrap = null;
  }
}

/** The binding reports errno text ("No such file or directory (os error 2)"): give it Node's code. */
function errnoOf(e: unknown): NodeJS.ErrnoException {
  const msg = (e as Error)?.message ?? String(e);
  const n = /os error (\d+)/.exec(msg)?.[1];
  const codes: Record<string, string> = { 2: 'ENOENT', 111: 'ECONNREFUSED', 13: 'EACCES', 91: 'EPROTOTYPE', 88: 'ENOTSOCK' };
  return Object.assign(new Error(msg), { code: n ? codes[n] : undefined });
}

export function transportFor(a: Address): Transport {
  if (a.proto === 'udp') return new UdpTransport(a);
  if (a.proto === 'unixgram') return new UnixgramTransport(a);
  return new StreamTransport(a);
}
