/**
 * The entry side of published ports, as rootlesskit's builtin port driver does it: the entry process,
 * which stays in the host's network namespace as the user, binds each host port the daemon asks for and
 * hands the bound socket to the daemon over Node's IPC channel (SCM_RIGHTS underneath). From then on the
 * daemon accepts on it itself, so a connection costs no round trip through the entry.
 *
 * Why not pasta's own forwarding: pasta 2023-03 takes its port list once, at start (-t), and its `auto`
 * mode only follows sockets bound inside the namespace, once a second; neither can add a port when a
 * container starts, nor say why a bind failed. Binding here gives the daemon the real error (a port in use,
 * a port below net.ipv4.ip_unprivileged_port_start) before the container starts.
 */
import type { ChildProcess } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { portNotPermitted, unprivilegedPortStart, isPortRequest, type PortReply, type PortRequest } from './port-protocol.js';

export class PortForwarder {
  private readonly onMessage = (m: unknown) => { if (isPortRequest(m)) void this.handle(m); };

  constructor(private readonly child: ChildProcess, private readonly uid: number = process.getuid?.() ?? 0) {
    child.on('message', this.onMessage);
  }

  /** Stop serving requests (the sockets already handed over belong to the daemon). */
  close(): void { this.child.off('message', this.onMessage); }

  private reply(r: Omit<PortReply, 'berthPort'>, handle?: Server | UdpSocket): Promise<void> {
    return new Promise((resolve) => {
      if (!this.child.connected) { resolve(); return; }
      this.child.send({ berthPort: 'reply', ...r }, handle as Server | undefined, {}, () => resolve());
    });
  }

  private async handle(req: PortRequest): Promise<void> {
    const start = unprivilegedPortStart();
    if (this.uid !== 0 && req.hostPort > 0 && req.hostPort < start) {
      const e = portNotPermitted(req.proto, req.hostIp, req.hostPort, start, this.uid);
      await this.reply({ id: req.id, ok: false, code: e.code, message: e.message });
      return;
    }
    let bound: Server | UdpSocket;
    try {
      bound = await bind(req.proto, req.hostIp, req.hostPort);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && req.berthPort === 'probe') { await this.reply({ id: req.id, ok: true, inUse: true }); return; }
      if (code === 'EACCES') {
        const err = portNotPermitted(req.proto, req.hostIp, req.hostPort, start, this.uid);
        await this.reply({ id: req.id, ok: false, code: err.code, message: err.message });
        return;
      }
      await this.reply({ id: req.id, ok: false, code: code === 'EADDRINUSE' ? 'ERR_PORT_IN_USE' : 'ERR_ROOTLESS_NET_PORT',
        message: `listen ${req.proto} ${req.hostIp || '0.0.0.0'}:${req.hostPort}: ${(e as Error).message}` });
      return;
    }
    if (req.berthPort === 'probe') {
      await closeBound(bound);
      await this.reply({ id: req.id, ok: true, inUse: false });
      return;
    }
    await this.reply({ id: req.id, ok: true }, bound);
    // the daemon holds its own descriptor now; ours must not accept connections nobody serves
    await closeBound(bound);
  }
}

function bind(proto: 'tcp' | 'udp', hostIp: string, port: number): Promise<Server | UdpSocket> {
  const host = hostIp || '0.0.0.0';
  return new Promise((resolve, reject) => {
    if (proto === 'tcp') {
      const s = createServer();
      s.once('error', reject);
      s.listen({ host, port, exclusive: true, backlog: 511 }, () => { s.off('error', reject); resolve(s); });
    } else {
      const s = createSocket({ type: 'udp4' });
      s.once('error', (e) => { s.close(); reject(e); });
      s.bind({ address: host, port, exclusive: true }, () => resolve(s));
    }
  });
}

function closeBound(b: Server | UdpSocket): Promise<void> {
  return new Promise((resolve) => {
    if ('listen' in b) b.close(() => resolve());
    else b.close(() => resolve());
  });
}
