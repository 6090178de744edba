/**
 * The CRI's ExecSync (cri-streaming helper): its latency against the Engine API's exec (create, start
 * attached, inspect for the exit code) on the same berth daemon and against dockerd's Engine API exec
 * in the same run, and its output throughput at three sizes (`head -c N /dev/zero`).
 *
 * berth runs a daemon of its own with `--cri` (the shared bench daemon has no CRI socket), started with
 * the test helper in a namespace it creates; the CRI objects are one host-network pod (no CNI set-up in
 * the timing) with one busybox container. The gRPC client is built from the same pinned proto. The
 * streaming exec (WebSocket) is not timed here: its server listens on the daemon namespace's loopback.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { Case, Tool } from '../lib/types.js';
import type { BenchContext } from '../lib/context.js';
import { apiRequest, startDaemon, type TestDaemon } from '../../test/helpers/daemon.js';
import { engine, enginesFor, type Engine } from '../peers/engine.js';

const PROTO = new URL('../../src/cri/proto/api.proto', import.meta.url).pathname;
const LONG = 180_000;

interface CriBench { d: TestDaemon; client: any; containerId: string }
let criBench: Promise<CriBench> | undefined;

function unaryCall<T = any>(client: any, method: string, req: object, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    client[method](req, { deadline: Date.now() + timeoutMs }, (e: Error | null, res: T) => (e ? reject(e) : resolve(res)));
  });
}

/** A berth daemon with --cri, a host-network pod and a running busybox container in it (shared by the cases). */
function criDaemon(ctx: BenchContext): Promise<CriBench> {
  criBench ??= (async () => {
    const dir = mkdtempSync('/tmp/berth-bench-cri-');
    const socket = join(dir, 'cri.sock');
    ctx.onCleanup(`cri bench directory ${dir}`, async () => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'daemon'));
    const d = await startDaemon({ base: join(dir, 'daemon'), extraArgs: ['--cri', socket] });
    const def = protoLoader.loadSync(PROTO, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
    const pkg = grpc.loadPackageDefinition(def) as any;
    // the kubelet's message limit (16 MiB; grpc's default is 4)
    const client = new pkg.runtime.v1.RuntimeService(`unix://${socket}`, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 16 << 20 });
    const images = new pkg.runtime.v1.ImageService(`unix://${socket}`, grpc.credentials.createInsecure());
    ctx.onCleanup(`cri bench daemon ${d.pid}`, async () => { client.close(); images.close(); await d.cleanup(); criBench = undefined; });
    // busybox, bootstrapped through the Engine API's CLI (never timed)
    await d.ok(['run', '--rm', 'busybox', 'true'], { timeoutMs: LONG });
    const podConfig = {
      metadata: { name: 'bench', uid: 'bench-uid', namespace: 'default', attempt: 0 },
      log_directory: join(dir, 'logs'),
      linux: { security_context: { namespace_options: { network: 'NODE' } } },
    };
    const { pod_sandbox_id } = await unaryCall(client, 'RunPodSandbox', { config: podConfig }, LONG);
    const { container_id } = await unaryCall(client, 'CreateContainer', {
      pod_sandbox_id, sandbox_config: podConfig,
      config: { metadata: { name: 'app', attempt: 0 }, image: { image: 'busybox' }, command: ['sleep', '3600'], log_path: 'app.log' },
    }, LONG);
    await unaryCall(client, 'StartContainer', { container_id }, LONG);
    return { d, client, containerId: container_id };
  })();
  return criBench;
}

/** The Engine API's exec: create, start attached (the multiplexed stream read to its end), inspect. */
async function apiExec(socket: string, id: string, cmd: string[]): Promise<{ bytes: number; exitCode: number }> {
  const created = await apiRequest(socket, 'POST', `/containers/${id}/exec`, { Cmd: cmd, AttachStdout: true, AttachStderr: true });
  if (created.status !== 201) throw new Error(`exec create answered ${created.status}: ${JSON.stringify(created.body)}`);
  const execId = created.body.Id as string;
  const bytes = await new Promise<number>((resolve, reject) => {
    const body = JSON.stringify({ Detach: false, Tty: false });
    const req = request({ socketPath: socket, method: 'POST', path: `/exec/${execId}/start`, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let n = 0;
      res.on('data', (d: Buffer) => { n += d.length; });
      res.on('end', () => resolve(n));
      res.on('error', reject);
    });
    req.setTimeout(60_000, () => req.destroy(new Error('exec start timed out')));
    req.on('error', reject);
    req.end(body);
  });
  const ins = await apiRequest(socket, 'GET', `/exec/${execId}/json`);
  return { bytes, exitCode: ins.body.ExitCode };
}

function criTool(ctx: BenchContext, cmd: string[], expectBytes: number): Tool {
  let b: CriBench | undefined;
  return {
    name: 'berth CRI ExecSync', role: 'berth', command: `crictl exec --sync <container> ${cmd.join(' ')}`,
    async setup() { b = await criDaemon(ctx); },
    async run() {
      const t0 = performance.now();
      const r = await unaryCall(b!.client, 'ExecSync', { container_id: b!.containerId, cmd, timeout: 60 });
      const ms = performance.now() - t0;
      if (r.exit_code !== 0 || Buffer.from(r.stdout).length !== expectBytes) throw new Error(`ExecSync gave exit ${r.exit_code}, ${Buffer.from(r.stdout).length} bytes`);
      return ms;
    },
    async teardown() { /* the shared daemon is removed by the cleanup */ },
  };
}

function apiTool(ctx: BenchContext, label: string, role: 'berth' | 'peer', target: () => Promise<{ socket: string; id: string }>, cmd: string[], expectBytes: number): Tool {
  let t: { socket: string; id: string } | undefined;
  return {
    name: `${label} Engine API exec`, role, command: `${label} exec <container> ${cmd.join(' ')} (POST /containers/{id}/exec, /exec/{id}/start, GET /exec/{id}/json)`,
    async setup() { t = await target(); },
    async run() {
      const t0 = performance.now();
      const r = await apiExec(t!.socket, t!.id, cmd);
      const ms = performance.now() - t0;
      // 8 bytes of stream header per frame: at least the output itself came through
      if (r.exitCode !== 0 || r.bytes < expectBytes) throw new Error(`exec gave exit ${r.exitCode}, ${r.bytes} bytes`);
      return ms;
    },
    async teardown() { /* containers go with their daemons */ },
  };
}

/** A running busybox container on dockerd (created once, removed with the daemon). */
function dockerTarget(ctx: BenchContext): () => Promise<{ socket: string; id: string }> {
  return () => ctx.shared('cri-streaming:docker-target', async () => {
    const e: Engine = await engine(ctx, 'docker');
    await e.cli(['rm', '-f', 'bench-exec-target'], LONG).catch(() => undefined);
    await e.cli(['run', '-d', '--name', 'bench-exec-target', '--network', 'none', '--label', 'berth-bench=1', 'busybox', 'sleep', '3600'], LONG);
    const id = (await e.cli(['inspect', '-f', '{{.Id}}', 'bench-exec-target'])).stdout.trim();
    ctx.onCleanup('docker exec target', async () => { await e.cli(['rm', '-f', 'bench-exec-target'], LONG).catch(() => undefined); });
    return { socket: e.socket!, id };
  });
}

function execCase(name: string, description: string, cmd: string[], bytes: number, goal?: string): Case {
  return {
    name, description, goal,
    bytesPerIteration: () => bytes,
    tools: (ctx) => [
      criTool(ctx, cmd, bytes),
      apiTool(ctx, 'berth', 'berth', async () => { const b = await criDaemon(ctx); return { socket: b.d.socket, id: b.containerId }; }, cmd, bytes),
      ...(enginesFor(ctx, ['docker']).includes('docker') ? [apiTool(ctx, 'docker', 'peer', dockerTarget(ctx), cmd, bytes)] : []),
    ],
  };
}

const SIZES: Array<[string, number]> = [['64 KiB', 64 << 10], ['1 MiB', 1 << 20], ['8 MiB', 8 << 20]];

export const CRI_STREAMING_CASES: Case[] = [
  execCase('CRI ExecSync latency (true)',
    'ExecSync of `true` in a running busybox container of a CRI pod, against the Engine API exec of the same container on the same daemon and dockerd\'s Engine API exec (create, start attached, inspect).',
    ['true'], 0, 'a few ms over the engine\'s own exec'),
  ...SIZES.map(([label, n]) => execCase(`CRI ExecSync output ${label}`,
    `ExecSync of \`head -c ${n} /dev/zero\` (${label} of stdout in one response), against the Engine API exec of the same command.`,
    ['head', '-c', String(n), '/dev/zero'], n)),
];
