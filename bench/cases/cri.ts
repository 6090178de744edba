/**
 * The CRI: RunPodSandbox + CreateContainer + StartContainer for one pod (goal < 150 ms, issue 23), beside
 * the Engine API's create + start of one container on the same daemon; and the memory each pod costs
 * (daemon growth + conmons + pause and container processes) against one Engine API container, at three
 * pod counts. berth only: containerd's CRI plugin is not in Debian 12 (its containerd has no CRI
 * service configured for a kubelet, and crictl is not packaged), so there is no peer to drive.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SystemError } from '../../src/common/errors.js';
import { criClients, podConfig, writeTestCniConfig } from '../../test/helpers/cri-client.js';
import type { BenchContext } from '../lib/context.js';
import { rssKiB } from '../lib/proc.js';
import type { Case, Probe, ProbeLine, Tool } from '../lib/types.js';
import { CURRENT_BUILD } from '../peers/berth-build.js';
import { startBerth, type BerthUnderTest } from '../peers/berth.js';
import { api } from './engine-tool.js';

const BUSYBOX = 'docker.io/library/busybox:latest';
const SLEEP = ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'];

interface CriBerth { b: BerthUnderTest; cri: ReturnType<typeof criClients>; socket: string }

/** A daemon of this checkout with the CRI on, a CNI bridge config of its own (shared by the CRI cases and the probe). */
function criBerth(ctx: BenchContext): Promise<CriBerth> {
  return ctx.shared('engine:berth-cri', async () => {
    const base = mkdtempSync(join(ctx.workDir, 'cri-'));
    const cni = writeTestCniConfig({ subnet: '10.77.0.0/16', bridge: 'cni-bench0' });
    ctx.onCleanup(`remove ${cni.base}`, () => rmSync(cni.base, { recursive: true, force: true }));
    const socket = join(base, 'cri.sock');
    const b = await startBerth(CURRENT_BUILD, join(base, 'daemon'), (m) => ctx.log(m), (what, fn) => ctx.onCleanup(what, fn), ctx.options.runTimeoutMs,
      ['--cri', socket, '--cni-conf-dir', cni.confDir]);
    const cri = criClients(socket, 120_000);
    ctx.onCleanup('close the CRI clients', () => cri.close());
    // the pause image is built at the first pod; neither it nor the image pull are timed
    const first = await runPod(cri);
    await removePod(cri, first.id);
    return { b, cri, socket };
  });
}

async function runPod(cri: ReturnType<typeof criClients>): Promise<{ id: string; ms: number }> {
  const config = podConfig({ labels: { 'berth-bench': '1' } });
  const t0 = performance.now();
  const { pod_sandbox_id: id } = await cri.runtime.RunPodSandbox({ config });
  const { container_id } = await cri.runtime.CreateContainer({ pod_sandbox_id: id, sandbox_config: config,
    config: { metadata: { name: 'main' }, image: { image: BUSYBOX }, command: SLEEP, log_path: 'main.log' } });
  await cri.runtime.StartContainer({ container_id });
  return { id, ms: performance.now() - t0 };
}

async function removePod(cri: ReturnType<typeof criClients>, id: string): Promise<void> {
  await cri.runtime.StopPodSandbox({ pod_sandbox_id: id });
  await cri.runtime.RemovePodSandbox({ pod_sandbox_id: id });
}

async function removeAllPods(cri: ReturnType<typeof criClients>): Promise<void> {
  for (const p of (await cri.runtime.ListPodSandbox({})).items) await removePod(cri, p.id);
}

async function engineContainer(e: CriBerth): Promise<{ id: string; ms: number }> {
  const t0 = performance.now();
  const { Id } = await api({ socket: e.b.daemon.socket } as never, 'POST', '/containers/create', { Image: 'busybox', Cmd: SLEEP, Labels: { 'berth-bench': '1' }, HostConfig: { NetworkMode: 'none' } });
  await api({ socket: e.b.daemon.socket } as never, 'POST', `/containers/${Id}/start`);
  return { id: Id, ms: performance.now() - t0 };
}

async function removeEngineContainers(e: CriBerth): Promise<void> {
  const list = await api({ socket: e.b.daemon.socket } as never, 'GET', `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: ['berth-bench=1'] }))}`) as Array<{ Id: string }>;
  for (const c of list) await api({ socket: e.b.daemon.socket } as never, 'DELETE', `/containers/${c.Id}?force=1`);
}

function criTool(ctx: BenchContext): Tool {
  let e: CriBerth | undefined;
  let last: string | undefined;
  return {
    name: 'berth CRI', role: 'berth',
    command: 'gRPC RunPodSandbox + CreateContainer + StartContainer (busybox, CNI bridge)',
    async setup() { e = await criBerth(ctx); },
    async run() {
      if (last) await removePod(e!.cri, last); // the previous iteration's pod, outside the timing
      const r = await runPod(e!.cri);
      last = r.id;
      return r.ms;
    },
    async teardown() { if (e) await removeAllPods(e.cri); last = undefined; },
  };
}

function engineApiTool(ctx: BenchContext): Tool {
  let e: CriBerth | undefined;
  let last: string | undefined;
  return {
    name: 'berth Engine API', role: 'berth',
    command: 'POST /containers/create + /start (busybox, --network none), same daemon',
    async setup() { e = await criBerth(ctx); },
    async run() {
      if (last) await api({ socket: e!.b.daemon.socket } as never, 'DELETE', `/containers/${last}?force=1`);
      const r = await engineContainer(e!);
      last = r.id;
      return r.ms;
    },
    async teardown() { if (e) await removeEngineContainers(e); last = undefined; },
  };
}

export const CRI_CASES: Case[] = [{
  name: 'CRI pod start',
  description: 'RunPodSandbox (pause process, CNI bridge + host-local + portmap) + CreateContainer + StartContainer of one busybox container, over gRPC on the CRI socket; beside it the Engine API\'s create + start of one container on the same daemon.',
  goal: '< 150 ms (issue 23)',
  maxIterations: 30,
  tools: (ctx) => [criTool(ctx), engineApiTool(ctx)],
}];

/** RSS (KiB) of the daemon plus every process under its run root's conmons (conmon, and its container's processes). */
function totalRssKiB(e: CriBerth): number {
  const runRoot = e.b.daemon.runRoot;
  const stats = new Map<number, { ppid: number; cmd: string }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      stats.set(Number(d), { ppid, cmd: readFileSync(`/proc/${d}/cmdline`, 'utf8') });
    } catch { /* gone */ }
  }
  const roots = [...stats].filter(([, s]) => s.cmd.startsWith('conmon') || s.cmd.includes('/conmon\0')).filter(([, s]) => s.cmd.includes(runRoot)).map(([p]) => p);
  const seen = new Set<number>([e.b.daemon.pid, ...roots]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, s] of stats) if (!seen.has(p) && seen.has(s.ppid) && s.ppid !== e.b.daemon.pid) { seen.add(p); grew = true; }
  }
  let sum = 0;
  for (const p of seen) sum += rssKiB(p) ?? 0;
  return sum;
}

async function settle(ms: number): Promise<void> { await new Promise((r) => setTimeout(r, ms)); }

/** Memory per pod (CRI) and per container (Engine API), at three counts, on the same daemon. */
export const criMemoryProbe: Probe = {
  name: 'CRI memory per pod',
  async measure(ctx: BenchContext): Promise<ProbeLine[]> {
    const e = await criBerth(ctx);
    const lines: ProbeLine[] = [];
    for (const n of ctx.options.smoke ? [1, 2, 3] : [5, 10, 20]) {
      await settle(500);
      const before = totalRssKiB(e);
      const pods: string[] = [];
      try {
        for (let i = 0; i < n; i++) pods.push((await runPod(e.cri)).id);
        await settle(1000);
        const perPod = (totalRssKiB(e) - before) / n / 1024;
        lines.push({ name: `CRI: memory per pod (${n} pods, pause + 1 container)`, value: Number(perPod.toFixed(2)), unit: 'MiB' });
      } finally { for (const p of pods) await removePod(e.cri, p); }
      await settle(500);
      const before2 = totalRssKiB(e);
      try {
        for (let i = 0; i < n; i++) await engineContainer(e);
        await settle(1000);
        const perContainer = (totalRssKiB(e) - before2) / n / 1024;
        lines.push({ name: `Engine API: memory per container (${n} containers)`, value: Number(perContainer.toFixed(2)), unit: 'MiB' });
      } finally { await removeEngineContainers(e); }
    }
    if (!lines.length) throw new SystemError('no CRI memory measured', 'ERR_CRI_INVALID');
    return lines;
  },
};
