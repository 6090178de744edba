/**
 * The cost of secrets at start: `berth run --rm` of `busybox true` with 0, 1 and 10 secrets
 * (`--secret bench-secret-<i>`), from a fresh CLI process to its exit. Each start with secrets mounts
 * a tmpfs, decrypts the values into it and binds it into the container; the removal unmounts it.
 * berth only: dockerd has secrets only as a Swarm manager, and for services, not `docker run`.
 */
import type { Case } from '../lib/types.js';
import type { BenchContext } from '../lib/context.js';
import { enginesFor } from '../peers/engine.js';
import { api, engineTool } from './engine-tool.js';

const TIMEOUT = 120_000;
const MAX_SECRETS = 10;

function secretName(i: number): string { return `bench-secret-${i}`; }

function runArgs(n: number): string[] {
  const flags = Array.from({ length: n }, (_, i) => ['--secret', secretName(i)]).flat();
  return ['run', '--rm', '--network', 'none', ...flags, 'busybox', 'true'];
}

function secretsCase(n: number): Case {
  return {
    name: `run --rm with ${n} secret${n === 1 ? '' : 's'}`,
    description: `\`berth run --rm --network none\` of \`busybox true\` with ${n} secret${n === 1 ? '' : 's'} of 64 bytes (--secret), from a fresh CLI process to its exit: the per-container tmpfs, the decryption and the bind mount at start, the unmount at removal.`,
    series: (_ctx: BenchContext) => ({ name: 'run --rm with secrets', size: n, unit: 'secret' }),
    tools: (ctx) => enginesFor(ctx).filter((k) => k === 'berth').map((k) => engineTool(ctx, k, {
      args: runArgs(n),
      async setup(e) {
        for (let i = 0; i < MAX_SECRETS; i++) {
          const data = Buffer.alloc(64, `value-${i}-`).toString('base64');
          await api(e, 'POST', '/secrets/create', { Name: secretName(i), Data: data }).catch((err) => {
            if (!/already exists/.test(String((err as Error).message))) throw err;
          });
        }
        await e.cli(['run', '--rm', '--network', 'none', 'busybox', 'true'], TIMEOUT); // the image is there before timing
      },
      async run(e) {
        const r = await e.cli(runArgs(n), TIMEOUT);
        return r.ms;
      },
      async teardown(e) {
        for (let i = 0; i < MAX_SECRETS; i++) await api(e, 'DELETE', `/secrets/${secretName(i)}`).catch(() => undefined);
      },
    })),
  };
}

export const SECRETS_CASES: Case[] = [secretsCase(0), secretsCase(1), secretsCase(10)];
