/**
 * Port-forward over WebSocket as the kubelet serves it (pkg/kubelet/cri/streaming/portforward/
 * websocket.go, subprotocols v4.channel.k8s.io, v4.base64.channel.k8s.io, portforward.k8s.io or none):
 * two channels per port, data 2i and error 2i+1; the server's first message on each is the port as a
 * little-endian uint16. Each port is one TCP connection to localhost:port in the pod's network
 * namespace, made at once; a failure is written as text on the port's error channel. The socket
 * closes once every port's connection has ended.
 */
import type { Socket } from 'node:net';
import type { ChannelConnection } from './channels.js';
import { dialInNetns } from './netns-dial.js';

export function portPrefix(port: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(port);
  return b;
}

export async function servePortForward(conn: ChannelConnection, sandboxId: string, netnsPath: string | undefined, ports: number[]): Promise<void> {
  for (let i = 0; i < ports.length; i++) {
    void conn.write(2 * i, portPrefix(ports[i]!));
    void conn.write(2 * i + 1, portPrefix(ports[i]!));
  }
  const sockets: Socket[] = [];
  conn.onClose(() => { for (const s of sockets) s.destroy(); });
  await Promise.all(ports.map(async (port, i) => {
    const pending: Buffer[] = [];
    let socket: Socket | undefined;
    conn.onData(2 * i, (data) => { if (socket) socket.write(data); else pending.push(data); });
    try {
      socket = await dialInNetns(netnsPath, port);
    } catch (e) {
      await conn.write(2 * i + 1, Buffer.from(`error forwarding port ${port} to pod ${sandboxId}, uid : failed to connect to localhost:${port} inside namespace "${sandboxId}": ${(e as Error).message}`));
      return;
    }
    const s = socket;
    sockets.push(s);
    if (!conn.open) { s.destroy(); return; }
    for (const d of pending.splice(0)) s.write(d);
    s.on('data', (d: Buffer) => {
      // back-pressure: a slow client pauses the pod's socket
      s.pause();
      void conn.write(2 * i, d).then(() => s.resume());
    });
    await new Promise<void>((resolve) => {
      s.on('error', (e) => { void conn.write(2 * i + 1, Buffer.from(`error forwarding port ${port} to pod ${sandboxId}: ${e.message}`)); });
      s.on('close', () => resolve());
      s.on('end', () => s.end());
    });
  }));
  conn.close();
}
