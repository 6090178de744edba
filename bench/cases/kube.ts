/**
 * kube play: `kube play FILE` of N pods (1, 5, 10; each one busybox container waiting on SIGTERM)
 * followed by `kube play --down FILE`, timed together from the first spawn to the second exit: the
 * whole life of a play. berth against `podman kube play` (Debian's podman 4.3, own root and run root,
 * inside the benchmark's netns; its infra image is the local catatonit pause image podman builds on
 * first use, made in set-up so no iteration pays for it). berth's own infra image is imported in
 * set-up the same way.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.js';
import type { Case } from '../lib/types.js';
import { enginesFor, type Engine } from '../peers/engine.js';
import { engineTool } from './engine-tool.js';

/** N pods, one container each: busybox as PID 1 of a shell that exits on TERM (no stop timeout). */
export function podsYaml(n: number, prefix: string): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    docs.push([
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      `  name: ${prefix}${i}`,
      'spec:',
      '  restartPolicy: Never',
      '  containers:',
      '  - name: main',
      '    image: docker.io/library/busybox:latest',
      '    imagePullPolicy: IfNotPresent',
      `    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]`,
    ].join('\n'));
  }
  return docs.join('\n---\n') + '\n';
}

function kubeCase(n: number, smokeN: number): Case {
  const long = 300_000;
  return {
    name: `kube play + --down of ${n} pods`,
    description: `\`kube play\` of a file of ${n} pods (${smokeN} in smoke mode), one busybox container each, then \`kube play --down\` of the same file; timed from the first spawn to the second exit. Peer: podman kube play (4.3), which has the same pod model (an infra container per pod).`,
    maxIterations: 10,
    series: (ctx: BenchContext) => ({ name: 'kube play + --down', size: ctx.size(n, smokeN), unit: 'pod' }),
    tools: (ctx) => enginesFor(ctx, ['berth', 'podman']).map((k) => {
      let file = '';
      const warm = async (e: Engine) => {
        // one pod played and removed: the infra image exists before the first timed iteration
        const dir = join(ctx.workDir, `kube-${k}-${n}`);
        mkdirSync(dir, { recursive: true });
        const warmFile = join(dir, 'warm.yaml');
        writeFileSync(warmFile, podsYaml(1, `warm${k.replace(/[^a-z]/g, '')}`));
        await e.cli(['kube', 'play', warmFile], long);
        await e.cli(['kube', 'play', '--down', warmFile], long);
        file = join(dir, 'pods.yaml');
        writeFileSync(file, podsYaml(ctx.size(n, smokeN), `b${n}p`));
      };
      return engineTool(ctx, k, {
        args: ['kube', 'play', '<pods.yaml>', '&&', 'kube', 'play', '--down', '<pods.yaml>'],
        setup: warm,
        async run(e) {
          const up = await e.cli(['kube', 'play', file], long);
          const down = await e.cli(['kube', 'play', '--down', file], long);
          return up.ms + down.ms;
        },
        async teardown(e) { if (file) await e.cliRaw(['kube', 'play', '--down', file], long).catch(() => {}); },
      });
    }),
  };
}

export const KUBE_CASES: Case[] = [kubeCase(1, 1), kubeCase(5, 2), kubeCase(10, 3)];
