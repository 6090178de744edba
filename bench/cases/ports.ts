/**
 * Throughput through a published port: each engine runs busybox httpd publishing container port 80
 * and serving one large file from a bind mount; the timed iteration downloads it with curl from the
 * engine's own network namespace. Over 127.0.0.1 Docker's traffic goes through docker-proxy (its
 * userland proxy), berth's through kernel DNAT (route_localnet); over the bridge's gateway address
 * both engines DNAT in the kernel.
 */
import { closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SystemError } from '../../src/common/errors.js';
import { BenchError } from '../lib/errors.js';
import type { BenchContext } from '../lib/context.js';
import { timedSpawn, type TimedResult } from '../lib/proc.js';
import type { Case } from '../lib/types.js';
import { enginesFor, isBerth, type Engine, type EngineKind } from '../peers/engine.js';
import { BENCH_LABEL, engineTool } from './engine-tool.js';

const FILE = 'payload.bin';
const READY_TIMEOUT_MS = 30_000;
/** docker and podman share the benchmark's namespace, each berth has its own: one host port per engine */
const PORTS: Record<EngineKind, number> = { berth: 18080, docker: 18081, podman: 18082, 'berth-baseline': 18083 };

export function payloadBytes(ctx: BenchContext): number { return ctx.size(100_000_000, 2_000_000); }
/** Downloads per timed iteration (one curl process, one connection each): curl's own start-up stays a small part of the time. */
function repeats(ctx: BenchContext): number { return ctx.size(5, 1); }

/** The served directory with its incompressible payload, written once per run. */
function payloadDir(ctx: BenchContext): Promise<string> {
  return ctx.shared('ports:payload', async () => {
    const dir = join(ctx.workDir, 'ports-www');
    mkdirSync(dir, { recursive: true });
    const bytes = payloadBytes(ctx);
    const fd = openSync(join(dir, FILE), 'w');
    try { for (let done = 0; done < bytes; done += 1 << 20) writeSync(fd, randomBytes(Math.min(1 << 20, bytes - done))); } finally { closeSync(fd); }
    return dir;
  });
}

type Target = 'loopback' | 'gateway';

/** curl if the host has it (what a user would time), else busybox wget; both ignore proxy settings. */
function downloadCommand(netns: string, url: string, times: number): [string, string[]] {
  const ns = `--net=/run/netns/${netns}`;
  if (existsSync('/usr/bin/curl')) {
    const each = Array.from({ length: times }, () => ['-o', '/dev/null', url]).flat();
    return ['nsenter', [ns, 'curl', '--noproxy', '*', '-sS', '-f', '-w', '%{size_download}\\n', ...each]];
  }
  return ['sh', ['-c', `for i in $(seq ${times}); do nsenter ${ns} busybox wget -q -Y off -O /dev/null "$1" || exit 1; done`, 'sh', url]];
}

async function download(netns: string, url: string, timeoutMs: number, times = 1): Promise<TimedResult> {
  const [cmd, args] = downloadCommand(netns, url, times);
  return timedSpawn(cmd, args, { timeoutMs });
}

/** Poll until the server answers through the published port (bounded), so the first timed round is a real one. */
async function waitServing(netns: string, url: string): Promise<void> {
  const end = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < end) {
    const r = await download(netns, url, 5_000).catch((e: Error) => ({ code: 1, stderr: e.message, stdout: '', ms: 0 }));
    if (r.code === 0) return;
    last = (r.stderr || r.stdout).trim();
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new SystemError(`${url} did not answer within ${READY_TIMEOUT_MS} ms: ${last}`, 'ERR_TIMEOUT');
}

async function gatewayOf(e: Engine, id: string): Promise<string> {
  // the top-level NetworkSettings.Gateway is gone from current API versions; the default network's name differs by engine
  const gw = (await e.cli(['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.Gateway}} {{end}}', id])).stdout.trim().split(/\s+/)[0] ?? '';
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(gw)) throw new BenchError(`container ${id} has no IPv4 gateway (inspect said "${gw}")`, 'ERR_NO_GATEWAY');
  return gw;
}

function portCase(target: Target): Case {
  const via = target === 'loopback' ? '127.0.0.1' : 'the bridge gateway address';
  return {
    name: `download through a published port, ${target === 'loopback' ? 'host loopback' : 'bridge gateway'}`,
    description: `busybox httpd in a container on the default bridge, port 80 published as \`-p ${target === 'loopback' ? '127.0.0.1:' : ''}<port>:80\`, ` +
      `serving a 100 MB file (2 MB in smoke mode) from a bind mount; timed: one \`curl\` downloading it 5 times to /dev/null (once in smoke mode; a connection each) from the engine's network namespace via ${via} ` +
      `(Docker: ${target === 'loopback' ? 'docker-proxy' : 'kernel DNAT'}; berth: kernel DNAT). Container start and readiness are untimed.`,
    goal: target === 'loopback' ? 'no slower than Docker through a published port' : undefined,
    maxIterations: 10,
    bytesPerIteration: (ctx) => payloadBytes(ctx) * repeats(ctx),
    tools: (ctx) => enginesFor(ctx).map((k) => {
      let id = '';
      let url = '';
      const publish = target === 'loopback' ? `127.0.0.1:${PORTS[k]}:80` : `${PORTS[k]}:80`;
      const net = isBerth(k) ? ['--network', 'bridge'] : [];
      return engineTool(ctx, k, {
        args: ['run', '-d', ...net, '-p', publish, '-v', '<dir>:/www:ro', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/www', ` (untimed); curl -o /dev/null ×5 http://<${via}>:${PORTS[k]}/${FILE}`],
        async setup(e) {
          const dir = await payloadDir(ctx);
          id = (await e.cli(['run', '-d', ...net, '--label', BENCH_LABEL, '-p', publish, '-v', `${dir}:/www:ro`, 'busybox', 'httpd', '-f', '-p', '80', '-h', '/www'])).stdout.trim().split('\n').pop()!;
          const host = target === 'loopback' ? '127.0.0.1' : await gatewayOf(e, id);
          url = `http://${host}:${PORTS[k]}/${FILE}`;
          await waitServing(e.netns, url);
        },
        async run(e) {
          const r = await download(e.netns, url, ctx.options.runTimeoutMs, repeats(ctx));
          if (r.code !== 0) throw new BenchError(`download of ${url} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 500)}`, 'ERR_DOWNLOAD');
          // curl prints each transfer's byte count; a short read would inflate the rate
          const sizes = r.stdout.split('\n').filter(Boolean);
          if (sizes.length && sizes.some((n) => Number(n) !== payloadBytes(ctx))) {
            throw new BenchError(`downloads of ${url} got ${sizes.join(', ')} bytes, expected ${payloadBytes(ctx)} each`, 'ERR_DOWNLOAD');
          }
          return r.ms;
        },
        async teardown(e) { if (id) await e.cliRaw(['rm', '-f', id]); },
      });
    }),
  };
}

export const portLoopbackCase = portCase('loopback');
export const portGatewayCase = portCase('gateway');
