/**
 * The daemon side of published ports in rootless mode. The daemon runs in its own network namespace and
 * cannot bind host ports; it asks the entry process (port-forwarder.ts) to bind them and gets the bound
 * socket back. It then accepts on it and relays each connection (TCP) or datagram flow (UDP) to the
 * container's address on its bridge.
 *
 * A TCP connection reaches the container from the client's own address where the namespace allows a
 * transparent socket (transparent.ts), else from the network's gateway, as with Docker's userland proxy
 * and rootlesskit's builtin driver. UDP always comes from the gateway. See docs/rootless-network.md.
 */
import { type Socket as UdpSocket, type RemoteInfo, createSocket } from 'node:dgram';
import { connect, type Server, type Socket } from 'node:net';
import { BerthError, ConflictError, type ErrorCode } from '../../common/errors.js';
import { log } from '../../common/log.js';
import { transparentConnect } from './transparent.js';
import { spliceRelay, type SpliceRelay } from './splice-relay.js';
import { PORT_CHANNEL_ENV, PORT_CHANNEL_IPC } from '../env-names.js';
import { PortNotPermittedError, isPortReply, type PortProto, type PortReply, type PortRequest } from './port-protocol.js';

export interface PublishedPort { proto: PortProto; hostIp: string; hostPort: number; containerPort: number }

/** What a process needs of its IPC channel (process itself, in the daemon). */
export interface PortChannel {
  send?: (message: unknown, sendHandle?: undefined, options?: undefined, cb?: (e: Error | null) => void) => boolean;
  on(event: 'message', l: (m: unknown, handle?: unknown) => void): unknown;
  off(event: 'message', l: (m: unknown, handle?: unknown) => void): unknown;
}

const UDP_IDLE_MS = 60_000;

export interface Published { close(): void }

export class RootlessHostPorts {
  private nextId = 1;
  private readonly waiting = new Map<number, (r: PortReply, handle: unknown) => void>();
  private readonly byContainer = new Map<string, Published[]>();
  private readonly onMessage = (m: unknown, handle?: unknown) => {
    if (!isPortReply(m)) return;
    const w = this.waiting.get(m.id);
    if (w) { this.waiting.delete(m.id); w(m, handle); }
  };

  constructor(private readonly channel: PortChannel, private readonly timeoutMs = 10_000) {
    channel.on('message', this.onMessage);
  }

  private ask(req: Omit<PortRequest, 'id'>): Promise<{ reply: PortReply; handle: unknown }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiting.delete(id); reject(new BerthError('the rootless entry process did not answer a port request', { code: 'ERR_ROOTLESS_NET_PORT' })); }, this.timeoutMs);
      this.waiting.set(id, (reply, handle) => { clearTimeout(timer); resolve({ reply, handle }); });
      if (!this.channel.send) { clearTimeout(timer); this.waiting.delete(id); reject(new BerthError('no IPC channel to the rootless entry process', { code: 'ERR_ROOTLESS_NET_PORT' })); return; }
      this.channel.send({ ...req, id });
    });
  }

  private static failure(r: PortReply): BerthError {
    if (r.code === 'ERR_ROOTLESS_NET_PORT' && r.message?.includes('ip_unprivileged_port_start')) return new PortNotPermittedError(r.message);
    if (r.code === 'ERR_PORT_IN_USE') return new ConflictError(r.message ?? 'port is already allocated', 'ERR_PORT_IN_USE');
    return new BerthError(r.message ?? 'publishing a port failed', { code: (r.code as ErrorCode) ?? 'ERR_ROOTLESS_NET_PORT' });
  }

  /** Can the user bind this host port now? Throws when the host forbids it (a port below the sysctl's start). */
  async probe(proto: PortProto, hostIp: string, hostPort: number): Promise<boolean> {
    const { reply } = await this.ask({ berthPort: 'probe', proto, hostIp, hostPort });
    if (!reply.ok) throw RootlessHostPorts.failure(reply);
    return !reply.inUse;
  }

  /** Bind the host ports (through the entry) and relay them to `targetIp`; all or none. */
  async publish(containerId: string, ports: PublishedPort[], targetIp: string): Promise<void> {
    const done: Published[] = [];
    try {
      for (const p of ports) {
        const { reply, handle } = await this.ask({ berthPort: 'publish', proto: p.proto, hostIp: p.hostIp === '0.0.0.0' ? '' : p.hostIp, hostPort: p.hostPort });
        if (!reply.ok || !handle) throw RootlessHostPorts.failure(reply);
        done.push(p.proto === 'tcp' ? relayTcp(handle as Server, targetIp, p.containerPort) : relayUdp(handle as UdpSocket, targetIp, p.containerPort));
      }
    } catch (e) {
      for (const d of done) d.close();
      throw e;
    }
    this.byContainer.set(containerId, [...(this.byContainer.get(containerId) ?? []), ...done]);
  }

  unpublish(containerId: string): void {
    for (const p of this.byContainer.get(containerId) ?? []) p.close();
    this.byContainer.delete(containerId);
  }

  close(): void {
    for (const id of [...this.byContainer.keys()]) this.unpublish(id);
    this.channel.off('message', this.onMessage);
  }
}

/**
 * Serve a bound TCP server by relaying each connection to ip:port: with the splice relay (bytes moved on its
 * worker thread) where it runs, else by piping in JavaScript (`relay` null). Exported for the tests.
 */
export function relayTcp(server: Server, ip: string, port: number, splice: SpliceRelay | null = spliceRelay()): Published {
  const relay = splice?.prepare() ? splice : null;
  const open = new Set<Socket>();
  const spliced = new Set<number>();
  let closed = false;
  const srv = server as Server & { allowHalfOpen: boolean; pauseOnConnect: boolean };
  // a client that half-closes (sends its request, then FIN) still gets the whole answer
  srv.allowHalfOpen = true;
  // nothing reads the client before the relay has its upstream: the splice relay takes the descriptor unread
  srv.pauseOnConnect = true;
  server.on('connection', (client) => {
    open.add(client);
    let upstream: Socket | null = null;
    const end = () => { client.destroy(); upstream?.destroy(); open.delete(client); };
    client.on('error', end);
    client.on('close', end);
    const from = `${client.remoteAddress}:${client.remotePort}`;
    // the client's own address where the namespace allows a transparent socket, else the gateway's
    void transparentConnect(client.remoteAddress, ip, port).then((t) => {
      if (client.destroyed || closed) { t?.destroy(); end(); return; }
      const up = t ?? connect({ host: ip, port, allowHalfOpen: true });
      upstream = up;
      up.on('error', end);
      up.on('close', end);
      const start = () => {
        log.debug('rootless port: connection', { from, to: `${ip}:${port}`, transparent: !!t, splice: !!relay });
        if (!relay) {
          client.pipe(up);
          up.pipe(client);
          client.resume();
          return;
        }
        // the sockets' descriptors go to the splice relay's worker; these Sockets are destroyed
        open.delete(client);
        client.off('close', end);
        up.off('close', end);
        const { id, done } = relay.relaySockets(client, up);
        spliced.add(id);
        void done.then((r) => {
          spliced.delete(id);
          if (r.error) log.debug('rootless port: connection ended', { from, error: r.error, bytes: r.bytes });
        });
      };
      if (t) start();
      else up.once('connect', start);
    });
  });
  server.on('error', (e) => log.warn('rootless published port failed', { error: e.message }));
  return {
    close: () => {
      closed = true;
      server.close();
      for (const s of open) s.destroy();
      open.clear();
      for (const id of spliced) relay?.drop(id);
    },
  };
}

/** One upstream socket per client address and port, dropped after a minute of silence (as conntrack does). */
function relayUdp(sock: UdpSocket, ip: string, port: number): Published {
  const flows = new Map<string, { up: UdpSocket; timer: NodeJS.Timeout; queue: Buffer[] | null }>();
  const drop = (key: string) => { const f = flows.get(key); if (f) { clearTimeout(f.timer); f.up.close(); flows.delete(key); } };
  sock.on('message', (msg: Buffer, from: RemoteInfo) => {
    const key = `${from.address}:${from.port}`;
    let f = flows.get(key);
    if (!f) {
      const up = createSocket('udp4');
      const flow = { up, timer: setTimeout(() => drop(key), UDP_IDLE_MS), queue: [] as Buffer[] | null };
      up.on('message', (back: Buffer) => sock.send(back, from.port, from.address));
      up.on('error', () => drop(key));
      // datagrams that arrive before connect() completes wait for it
      up.connect(port, ip, () => { for (const m of flow.queue ?? []) up.send(m); flow.queue = null; });
      flows.set(key, flow);
      f = flow;
    }
    f.timer.refresh();
    if (f.queue) f.queue.push(msg);
    else f.up.send(msg);
  });
  sock.on('error', (e) => log.warn('rootless published port failed', { error: e.message }));
  return { close: () => { for (const k of [...flows.keys()]) drop(k); sock.close(); } };
}

let fromEnv: RootlessHostPorts | null | undefined;

/** The daemon's port channel when its entry process serves one (rootless mode), else null. */
export function rootlessHostPorts(): RootlessHostPorts | null {
  if (fromEnv !== undefined) return fromEnv;
  fromEnv = process.env[PORT_CHANNEL_ENV] === PORT_CHANNEL_IPC && typeof process.send === 'function'
    ? new RootlessHostPorts(process as unknown as PortChannel)
    : null;
  return fromEnv;
}
