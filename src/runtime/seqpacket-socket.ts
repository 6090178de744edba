/**
 * A SOCK_SEQPACKET client for conmon's attach socket (Node's net module cannot open one: libuv
 * only adopts stream sockets). It drives the N-API binding of node-unix-socket directly, for the
 * one platform berth ships on (linux-x64, glibc): the package's JS loader lists optional packages
 * for other platforms that the registry does not serve, which left `npm ci` unable to use the lock.
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';

interface SeqpacketWrap {
  init(self: object): void;
  connect(path: string): void;
  startRecv(): void;
  write(buf: Buffer, offset: number, length: number, cb?: () => void): void;
  shutdownWhenFlushed(): void;
  close(): void;
}
interface Binding { SeqpacketSocketWrap: new (events: object, fd?: number) => SeqpacketWrap }

let binding: Binding | undefined;
export function loadSeqpacketBinding(): Binding {
  binding ??= createRequire(import.meta.url)('node-unix-socket-linux-x64-gnu') as Binding;
  return binding;
}

/**
 * Events: 'connect', 'data' (one Buffer per packet: boundaries are kept), 'end' (the peer closed),
 * 'error', 'close' (after destroy). The binding reports through emit() with its own event names.
 */
export class SeqpacketSocket extends EventEmitter {
  private readonly wrap: SeqpacketWrap;
  /** what the binding emits into; it keeps a strong reference to it for good (see destroy) */
  private readonly events = new EventEmitter();
  private destroyed = false;
  private readEnded = false;
  private writeShut = false;

  constructor() {
    super();
    const { SeqpacketSocketWrap } = loadSeqpacketBinding();
    const events = this.events;
    events.on('_connect', () => { this.wrap.startRecv(); this.emit('connect'); });
    events.on('_data', (buf: Buffer) => this.emit('data', buf));
    events.on('end', () => { this.readEnded = true; this.emit('end'); this.closeIfDone(); });
    events.on('_shutdown', () => { this.writeShut = true; this.closeIfDone(); });
    events.on('_error', (e: Error) => process.nextTick(() => { this.emit('error', e); this.destroy(); }));
    this.wrap = new SeqpacketSocketWrap({ emit: events.emit.bind(events) });
    this.wrap.init(this.wrap);
  }

  connect(path: string): void { this.wrap.connect(path); }

  write(data: Buffer): void { if (!this.destroyed) this.wrap.write(data, 0, data.length); }

  /** Half-close once queued packets are sent: the peer reads EOF. */
  end(): void { if (!this.destroyed) this.wrap.shutdownWhenFlushed(); }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.wrap.close();
    this.emit('close');
    // The binding holds its emit function in a persistent handle that close() does not release, and
    // these listeners reach this socket and through the 'close'/'end' listeners the whole attach
    // (its HTTP request and response, the output fan-out): without this, every attach stayed in the
    // heap for the daemon's life (~15 KB per `run --rm`). Anything the binding still reports goes nowhere.
    this.events.removeAllListeners();
  }

  private closeIfDone(): void { if (this.readEnded && this.writeShut) this.destroy(); }
}
