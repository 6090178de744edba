/**
 * What the streaming and stats tests share until the CRI server of cri-core is merged in: an Engine in
 * a temporary root (inside the test's network namespace), a gRPC server carrying only the handler sets
 * under test, a client built from the same pinned proto, and a WebSocket client that speaks the
 * kubelet's channel protocol.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import WebSocket from 'ws';
import { Engine } from '../../src/engine/engine.js';
import type { GrpcHandlers } from '../../src/cri/context.js';
import { ensureLoopback } from '../registry/helpers.js';

export const PROTO = fileURLToPath(new URL('../../src/cri/proto/api.proto', import.meta.url));

export interface CriTestEnv {
  engine: Engine;
  dir: string;
  socket: string;
  client: any;
  /** a unary call as a promise */
  call<T = any>(method: string, req: object): Promise<T>;
  close(): Promise<void>;
}

export async function criTestEnv(handlers: (engine: Engine) => Promise<GrpcHandlers> | GrpcHandlers): Promise<CriTestEnv> {
  ensureLoopback(); // the test's own network namespace (unshare --net) starts with lo down
  const dir = mkdtempSync('/tmp/berth-cri-stream-');
  const engine = await Engine.open({ root: join(dir, 'root'), runRoot: join(dir, 'run'), fixCgroups: true });
  await engine.bootstrap('busybox');
  const def = protoLoader.loadSync(PROTO, { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
  const pkg = grpc.loadPackageDefinition(def) as any;
  const server = new grpc.Server();
  server.addService(pkg.runtime.v1.RuntimeService.service, await handlers(engine) as grpc.UntypedServiceImplementation);
  const socket = join(dir, 'cri.sock');
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
  const client = new pkg.runtime.v1.RuntimeService(`unix://${socket}`, grpc.credentials.createInsecure());
  const call = <T>(method: string, req: object) => new Promise<T>((resolve, reject) => {
    client[method](req, { deadline: Date.now() + 60_000 }, (e: Error | null, res: T) => (e ? reject(e) : resolve(res)));
  });
  return {
    engine, dir, socket, client, call,
    async close() {
      client.close();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      for (const c of engine.containers.list({ all: true })) await engine.rm(c.Id, { force: true }).catch(() => undefined);
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A running busybox container (network none: its own namespace with loopback only). */
export async function runBusybox(engine: Engine, cmd: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const { Id } = await engine.create({ Image: 'busybox', Cmd: cmd, HostConfig: { NetworkMode: 'none' }, ...extra });
  await engine.start(Id);
  return Id;
}

export interface StreamResult {
  protocol: string;
  /** every message as [channel, payload] in order */
  frames: Array<[number, Buffer]>;
  text(channel: number): string;
  closeCode: number;
}

/**
 * Open a streaming URL as a WebSocket with `protocols`, run `drive` once it is open, and collect the
 * frames until the server closes (bounded by `timeoutMs`).
 */
export function stream(url: string, protocols: string[], drive: (ws: WebSocket, frames: Array<[number, Buffer]>) => void = () => undefined, timeoutMs = 20_000): Promise<StreamResult> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), protocols);
    const frames: Array<[number, Buffer]> = [];
    const timer = setTimeout(() => { ws.terminate(); reject(new Error(`stream ${url} timed out; frames: ${JSON.stringify(frames.map(([c, d]) => [c, d.toString()]))}`)); }, timeoutMs);
    ws.on('open', () => drive(ws, frames));
    ws.on('message', (data: Buffer) => frames.push([data[0]!, data.subarray(1)]));
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}: ${body}`), { status: res.statusCode })));
    });
    ws.on('error', (e) => { clearTimeout(timer); reject(e); });
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        protocol: ws.protocol, frames, closeCode: code,
        text: (ch) => Buffer.concat(frames.filter(([c]) => c === ch).map(([, d]) => d)).toString(),
      });
    });
  });
}

/** A frame for a channel (binary protocols). */
export function frame(channel: number, data: string | Buffer): Buffer {
  return Buffer.concat([Buffer.of(channel), Buffer.from(data)]);
}

/** Wait until a condition holds, bounded. */
export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
