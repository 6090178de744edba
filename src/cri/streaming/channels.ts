/**
 * The kubelet's WebSocket channel protocols (k8s.io/apimachinery's wsstream), over a `ws` socket.
 * Every message carries one channel: binary protocols prefix the payload with the channel byte, the
 * base64 ones send text of an ASCII digit ('0' + channel) and the payload in base64. v5 adds channel
 * 255 (CLOSE): its one payload byte names a channel the client has finished writing (stdin's EOF
 * without closing the socket).
 */
import type { WebSocket } from 'ws';

/** Subprotocols newest first: the server picks the first one the client offers, in this order. */
export const REMOTE_COMMAND_PROTOCOLS = [
  'v5.channel.k8s.io', 'v4.channel.k8s.io', 'v4.base64.channel.k8s.io', 'channel.k8s.io', 'base64.channel.k8s.io',
] as const;
export const PORT_FORWARD_PROTOCOLS = ['v4.channel.k8s.io', 'v4.base64.channel.k8s.io', 'portforward.k8s.io'] as const;

export const CLOSE_CHANNEL = 255;

/** Pick the server's subprotocol from the client's offer; '' when the client offered none (binary, as wsstream allows). */
export function pickProtocol(offered: Set<string>, supported: readonly string[]): string | false {
  if (offered.size === 0) return '';
  for (const p of supported) if (offered.has(p)) return p;
  return false;
}

export class ChannelConnection {
  readonly base64: boolean;
  /** v5 and later: the CLOSE channel and Status on the error channel */
  readonly version: number;
  private readonly readers = new Map<number, (data: Buffer) => void>();
  private readonly closers = new Map<number, () => void>();
  private closeCbs: Array<() => void> = [];

  constructor(readonly ws: WebSocket, readonly protocol: string) {
    this.base64 = protocol.includes('base64');
    const m = /^v(\d+)\./.exec(protocol);
    this.version = m ? Number(m[1]) : 1;
    ws.on('message', (raw) => this.receive(Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw)));
    ws.on('close', () => { for (const cb of this.closeCbs.splice(0)) cb(); });
    ws.on('error', () => undefined);
  }

  get open(): boolean { return this.ws.readyState === this.ws.OPEN; }

  /** Data for a channel from the client (channels nobody reads are ignored, as wsstream's IgnoreChannel). */
  onData(channel: number, cb: (data: Buffer) => void): void { this.readers.set(channel, cb); }

  /** v5's CLOSE of a channel by the client. */
  onChannelClose(channel: number, cb: () => void): void { this.closers.set(channel, cb); }

  onClose(cb: () => void): void {
    if (this.ws.readyState >= this.ws.CLOSING) cb(); else this.closeCbs.push(cb);
  }

  /** One message on a channel; resolves once `ws` has handed it to the socket (back-pressure for large outputs). */
  write(channel: number, data: Buffer): Promise<void> {
    if (!this.open) return Promise.resolve();
    const msg = this.base64
      ? String.fromCharCode(48 + channel) + data.toString('base64')
      : Buffer.concat([Buffer.of(channel), data]);
    return new Promise((resolve) => this.ws.send(msg, { binary: !this.base64 }, () => resolve()));
  }

  /** Close the socket normally (after the last message). */
  close(code = 1000): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code);
  }

  private receive(raw: Buffer): void {
    if (raw.length === 0) return;
    let channel = raw[0]!;
    let payload = raw.subarray(1);
    if (this.base64) {
      channel -= 48;
      payload = Buffer.from(payload.toString('latin1'), 'base64');
    }
    if (channel === CLOSE_CHANNEL && this.version >= 5 && !this.base64) {
      for (const c of payload) this.closers.get(c)?.();
      return;
    }
    this.readers.get(channel)?.(payload);
  }
}
