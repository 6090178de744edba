/**
 * What the streaming and stats tests share: an Engine in a temporary root and the CRI server of
 * `berth serve --cri` started in-process on it (so the streaming server's loopback port is the test's
 * own: these tests run in their own network namespace under `unshare --net`), pods on a CNI bridge whose
 * config and IPAM state live in a temp dir, the promise client of test/helpers/cri-client.ts, and a
 * WebSocket client that speaks the kubelet's channel protocol.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Engine } from '../../src/engine/engine.js';
import { startCriServer, type CriServer } from '../../src/cri/server.js';
import { criClients, podConfig, writeTestCniConfig, type CriClient } from '../helpers/cri-client.js';
import { ensureLoopback } from '../registry/helpers.js';

export const BUSYBOX = 'docker.io/library/busybox:latest';

export interface CriTestEnv {
  engine: Engine;
  dir: string;
  cri: CriServer;
  rt: CriClient;
  close(): Promise<void>;
}

export async function criTestEnv(): Promise<CriTestEnv> {
  ensureLoopback(); // the test's own network namespace (unshare --net) starts with lo down
  const dir = mkdtempSync('/tmp/berth-cri-stream-');
  const cni = writeTestCniConfig({ subnet: '10.89.0.0/16', bridge: 'cni-berth9' });
  const engine = await Engine.open({ root: join(dir, 'root'), runRoot: join(dir, 'run'), fixCgroups: true });
  let cri: CriServer;
  try {
    await engine.bootstrap('busybox');
    cri = await startCriServer({ engine, runRoot: join(dir, 'run') }, { socket: join(dir, 'cri.sock'), cniConfDir: cni.confDir });
  } catch (e) {
    // nothing half-started stays behind (the engine's mounts, the temp dirs)
    await engine.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    rmSync(cni.base, { recursive: true, force: true });
    throw e;
  }
  const { runtime: rt, close } = criClients(join(dir, 'cri.sock'));
  return {
    engine, dir, cri, rt,
    async close() {
      for (const s of cri.services.store.sandboxes.items.values()) {
        await rt.StopPodSandbox({ pod_sandbox_id: s.id }).catch(() => undefined);
        await rt.RemovePodSandbox({ pod_sandbox_id: s.id }).catch(() => undefined);
      }
      close();
      await cri.close();
      for (const c of engine.containers.list({ all: true })) await engine.rm(c.Id, { force: true }).catch(() => undefined);
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(cni.base, { recursive: true, force: true });
    },
  };
}

export interface Pod { id: string; config: any }

export async function runPod(env: CriTestEnv, over: Record<string, any> = {}): Promise<Pod> {
  const config = podConfig({ log_directory: join(env.dir, 'logs'), ...over });
  const r = await env.rt.RunPodSandbox({ config });
  return { id: r.pod_sandbox_id, config };
}

/** A running busybox container in the pod. */
export async function runContainer(env: CriTestEnv, pod: Pod, name: string, command: string[], over: Record<string, any> = {}): Promise<string> {
  const config = { metadata: { name, attempt: 0 }, image: { image: BUSYBOX }, command, log_path: `${name}.log`, linux: {}, ...over };
  const { container_id } = await env.rt.CreateContainer({ pod_sandbox_id: pod.id, config, sandbox_config: pod.config });
  await env.rt.StartContainer({ container_id });
  return container_id;
}

export const IDLE = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'];

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
