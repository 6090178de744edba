/**
 * The embedded DNS of user-defined networks: a UDP responder on each network's
 * gateway address. Names, aliases and short ids of the containers on that
 * network answer with their addresses; every other question is forwarded to
 * the host's resolvers as is. Packets are parsed with dns-packet. The same
 * answers are given over TCP (RFC 7766: two-byte length prefix per message),
 * which resolvers use after a truncated UDP reply; forwarded TCP questions go
 * to the host's resolvers over TCP too.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, connect, type Server, type Socket as TcpSocket } from 'node:net';
import { readFileSync } from 'node:fs';
import dnsPacket from 'dns-packet';
import { log } from '../common/log.js';

/** A network's addresses for a name: IPv4 (A) and, on IPv6 networks, IPv6 (AAAA). */
export type NameLookup = (networkId: string, name: string) => { a: string[]; aaaa: string[] };

const FORWARD_TIMEOUT_MS = 4000;
const TCP_IDLE_MS = 10_000;
const MAX_TCP_BUFFER = 64 * 1024 + 2;

type Reply = (msg: Buffer) => void;

/** Split a TCP stream into DNS messages (each prefixed with its 16-bit length). */
function onTcpMessages(conn: TcpSocket, each: (msg: Buffer) => void): void {
  let buf = Buffer.alloc(0);
  conn.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    if (buf.length > MAX_TCP_BUFFER) { conn.destroy(); return; }
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const len = buf.readUInt16BE(0);
      each(buf.subarray(2, 2 + len));
      buf = buf.subarray(2 + len);
    }
  });
}

function frame(msg: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(msg.length);
  return Buffer.concat([len, msg]);
}

function hostResolvers(): string[] {
  try {
    return readFileSync('/etc/resolv.conf', 'utf8').split('\n').filter((l) => /^\s*nameserver\s/.test(l)).map((l) => l.trim().split(/\s+/)[1]).filter((s) => /^[\d.]+$/.test(s));
  } catch { return []; }
}

export class EmbeddedDns {
  private readonly sockets = new Map<string, Socket>(); // network id -> socket on its gateway
  private readonly servers = new Map<string, Server>(); // network id -> TCP listener on its gateway

  constructor(private readonly lookup: NameLookup) {}

  async listen(networkId: string, address: string): Promise<void> {
    if (this.sockets.has(networkId)) return;
    const sock = createSocket({ type: 'udp4', reuseAddr: true });
    sock.on('message', (msg, rinfo) => { this.answer(networkId, msg, (r) => sock.send(r, rinfo.port, rinfo.address), false); });
    sock.on('error', (e) => log.warn('dns socket error', { network: networkId.slice(0, 12), error: e.message }));
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(53, address, () => { sock.off('error', reject); resolve(); });
    });
    this.sockets.set(networkId, sock);
    try {
      await this.listenTcp(networkId, address);
    } catch (e) { this.close(networkId); throw e; }
  }

  private async listenTcp(networkId: string, address: string): Promise<void> {
    const conns = new Set<TcpSocket>();
    const server = createServer((conn) => {
      conns.add(conn);
      conn.setTimeout(TCP_IDLE_MS, () => conn.destroy());
      conn.on('error', () => conn.destroy());
      conn.on('close', () => conns.delete(conn));
      onTcpMessages(conn, (msg) => this.answer(networkId, msg, (r) => { if (!conn.destroyed) conn.write(frame(r)); }, true));
    });
    // a removed network must not wait for its clients' idle connections
    server.on('close', () => { for (const c of conns) c.destroy(); });
    server.on('error', (e) => log.warn('dns tcp listener error', { network: networkId.slice(0, 12), error: e.message }));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: 53, host: address, exclusive: true }, () => { server.off('error', reject); resolve(); });
    });
    this.servers.set(networkId, server);
  }

  close(networkId: string): void {
    this.sockets.get(networkId)?.close();
    this.sockets.delete(networkId);
    this.servers.get(networkId)?.close();
    this.servers.delete(networkId);
  }

  closeAll(): void { for (const id of new Set([...this.sockets.keys(), ...this.servers.keys()])) this.close(id); }

  private answer(networkId: string, msg: Buffer, send: Reply, tcp: boolean): void {
    let q: dnsPacket.Packet;
    try { q = dnsPacket.decode(msg); } catch { return; }
    const question = q.questions?.[0];
    if (!question) return;
    const name = question.name.replace(/\.$/, '').toLowerCase();
    // a container's name (also with the network's name as domain, as compose users write it)
    const found = this.lookup(networkId, name);
    if (found.a.length || found.aaaa.length) {
      // a known name without addresses of the asked type: NOERROR with no answers (NODATA)
      const answers = question.type === 'A' ? found.a.map((ip) => ({ type: 'A' as const, name: question.name, ttl: 600, class: 'IN' as const, data: ip }))
        : question.type === 'AAAA' ? found.aaaa.map((ip) => ({ type: 'AAAA' as const, name: question.name, ttl: 600, class: 'IN' as const, data: ip })) : [];
      const flags = dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | dnsPacket.AUTHORITATIVE_ANSWER;
      const reply = dnsPacket.encode({ id: q.id, type: 'response', flags, questions: q.questions, answers });
      // classic UDP DNS carries 512 bytes: a longer answer says "truncated" and the client asks again over TCP
      if (!tcp && reply.length > 512) send(dnsPacket.encode({ id: q.id, type: 'response', flags: flags | dnsPacket.TRUNCATED_RESPONSE, questions: q.questions }));
      else send(reply);
      return;
    }
    if (!name.includes('.')) {
      // a bare name that is no container here: NXDOMAIN at once (the host's resolvers know no bare names)
      send(dnsPacket.encode({ id: q.id, type: 'response', flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | 3 /* NXDOMAIN */, questions: q.questions }));
      return;
    }
    (tcp ? this.forwardTcp : this.forward).call(this, msg, send, () => {
      const fail = dnsPacket.encode({ id: q.id, type: 'response', flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | 2 /* SERVFAIL */, questions: q.questions });
      send(fail);
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

  /** TCP questions go upstream over TCP (they are usually the retry of a truncated UDP answer). */
  private forwardTcp(msg: Buffer, done: Reply, fail: () => void): void {
    const upstream = hostResolvers();
    if (upstream.length === 0) { fail(); return; }
    let finished = false;
    const conn = connect({ host: upstream[0], port: 53 });
    const finish = (reply?: Buffer) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      conn.destroy();
      if (reply) done(reply); else fail();
    };
    const timer = setTimeout(() => finish(), FORWARD_TIMEOUT_MS);
    conn.on('connect', () => conn.write(frame(msg)));
    conn.on('error', () => finish());
    conn.on('close', () => finish());
    onTcpMessages(conn, (reply) => finish(Buffer.from(reply)));
  }
}
