/**
 * The embedded DNS of user-defined networks: a UDP responder on each network's
 * gateway address. Names, aliases and short ids of the containers on that
 * network answer with their addresses; every other question is forwarded to
 * the host's resolvers as is. Packets are parsed with dns-packet.
 */
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import dnsPacket from 'dns-packet';
import { log } from '../common/log.js';

export type NameLookup = (networkId: string, name: string) => string[];

const FORWARD_TIMEOUT_MS = 4000;

function hostResolvers(): string[] {
  try {
    return readFileSync('/etc/resolv.conf', 'utf8').split('\n').filter((l) => /^\s*nameserver\s/.test(l)).map((l) => l.trim().split(/\s+/)[1]).filter((s) => /^[\d.]+$/.test(s));
  } catch { return []; }
}

export class EmbeddedDns {
  private readonly sockets = new Map<string, Socket>(); // network id -> socket on its gateway

  constructor(private readonly lookup: NameLookup) {}

  async listen(networkId: string, address: string): Promise<void> {
    if (this.sockets.has(networkId)) return;
    const sock = createSocket({ type: 'udp4', reuseAddr: true });
    sock.on('message', (msg, rinfo) => { this.answer(networkId, sock, msg, rinfo.address, rinfo.port); });
    sock.on('error', (e) => log.warn('dns socket error', { network: networkId.slice(0, 12), error: e.message }));
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(53, address, () => { sock.off('error', reject); resolve(); });
    });
    this.sockets.set(networkId, sock);
  }

  close(networkId: string): void {
    this.sockets.get(networkId)?.close();
    this.sockets.delete(networkId);
  }

  closeAll(): void { for (const id of [...this.sockets.keys()]) this.close(id); }

  private answer(networkId: string, sock: Socket, msg: Buffer, addr: string, port: number): void {
    let q: dnsPacket.Packet;
    try { q = dnsPacket.decode(msg); } catch { return; }
    const question = q.questions?.[0];
    if (!question) return;
    const name = question.name.replace(/\.$/, '').toLowerCase();
    // a container's name (also with the network's name as domain, as compose users write it)
    const ips = this.lookup(networkId, name);
    if (ips.length) {
      const answers = question.type === 'A' ? ips.map((ip) => ({ type: 'A' as const, name: question.name, ttl: 600, class: 'IN' as const, data: ip })) : [];
      const reply = dnsPacket.encode({ id: q.id, type: 'response', flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | dnsPacket.AUTHORITATIVE_ANSWER, questions: q.questions, answers });
      sock.send(reply, port, addr);
      return;
    }
    if (!name.includes('.')) {
      // a bare name that is no container here: NXDOMAIN at once (the host's resolvers know no bare names)
      sock.send(dnsPacket.encode({ id: q.id, type: 'response', flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | 3 /* NXDOMAIN */, questions: q.questions }), port, addr);
      return;
    }
    this.forward(msg, (reply) => sock.send(reply, port, addr), () => {
      const fail = dnsPacket.encode({ id: q.id, type: 'response', flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | 2 /* SERVFAIL */, questions: q.questions });
      sock.send(fail, port, addr);
    });
  }

  private forward(msg: Buffer, done: (reply: Buffer) => void, fail: () => void): void {
    const upstream = hostResolvers();
    if (upstream.length === 0) { fail(); return; }
    const out = createSocket('udp4');
    let finished = false;
    const finish = (reply?: Buffer) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      out.close();
      if (reply) done(reply); else fail();
    };
    const timer = setTimeout(() => finish(), FORWARD_TIMEOUT_MS);
    out.on('message', (reply) => finish(reply));
    out.on('error', () => finish());
    for (const ns of upstream) out.send(msg, 53, ns);
  }
}
