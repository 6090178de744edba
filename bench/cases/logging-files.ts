/**
 * Log files: a container writes N numbered lines (`seq 1 N`, 10k / 100k / 1M) with json-file, local,
 * and json-file with rotation and compress; timed from create to the moment `logs --tail 1` (the
 * Engine API) shows line N after the container exited: the whole path conmon → converter → file(s) →
 * reader. dockerd runs the same containers when it is available (its copier writes the files itself).
 * Bytes on disk (allocated blocks of the container's log files, berth's conmon file included) are
 * written per tool and size to `logging-files-disk.json` in the results folder, from the first iteration.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SystemError } from '../../src/common/errors.js';
import type { Case } from '../lib/types.js';
import type { BenchContext } from '../lib/context.js';
import { enginesFor, type Engine } from '../peers/engine.js';
import { api, engineTool } from './engine-tool.js';

interface LogSetup { name: string; LogConfig: { Type: string; Config: Record<string, string> } }
const SETUPS: LogSetup[] = [
  { name: 'json-file', LogConfig: { Type: 'json-file', Config: {} } },
  { name: 'local', LogConfig: { Type: 'local', Config: {} } },
  { name: 'json-file+compress', LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '5', compress: 'true' } } },
];

/** Allocated bytes of the files under dir whose names say they are logs (recursively: local-logs/). */
function logBytes(dir: string): number {
  let total = 0;
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name);
    if (ent.isDirectory()) { if (ent.name === 'local-logs') total += logBytes(p); continue; }
    if (/log/.test(ent.name) || dir.endsWith('local-logs')) total += statSync(p).blocks * 512;
  }
  return total;
}

function recordDisk(ctx: BenchContext, key: string, bytes: number): void {
  mkdirSync(ctx.options.outDir, { recursive: true });
  const file = join(ctx.options.outDir, 'logging-files-disk.json');
  const all = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as Record<string, number> : {};
  all[key] = bytes;
  writeFileSync(file, JSON.stringify(all, null, 2));
}

async function writeAndRead(e: Engine, setup: LogSetup, n: number): Promise<{ ms: number; id: string }> {
  const t0 = performance.now();
  const c = await api(e, 'POST', '/containers/create', {
    Image: 'busybox', Cmd: ['seq', '1', String(n)], Labels: { 'berth-bench': '1' }, HostConfig: { NetworkMode: 'none', LogConfig: setup.LogConfig },
  });
  await api(e, 'POST', `/containers/${c.Id}/start`);
  await api(e, 'POST', `/containers/${c.Id}/wait`);
  // the container has exited: its last line must be there (the converter may still be catching up: retried, bounded)
  for (let i = 0; i < 600; i++) {
    const body = String(await api(e, 'GET', `/containers/${c.Id}/logs?stdout=1&tail=1`));
    if (body.includes(`${n}\n`)) return { ms: performance.now() - t0, id: c.Id };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new SystemError(`logs never showed line ${n}`, 'ERR_TIMEOUT');
}

function filesCase(n: number, smokeN: number): Case {
  return {
    name: `log files: ${n} lines`,
    description: `A container writes ${n} lines (\`seq 1 ${n}\`, ${smokeN} in smoke mode) with each log setup (json-file; local; json-file max-size 10m, max-file 5, compress); timed from create until \`logs --tail 1\` shows the last line after the exit. Bytes on disk in logging-files-disk.json.`,
    maxIterations: n >= 1_000_000 ? 3 : 5,
    series: (ctx: BenchContext) => ({ name: 'log files, lines written', size: ctx.size(n, smokeN), unit: 'line' }),
    tools: (ctx) => enginesFor(ctx, ['berth', 'docker']).flatMap((k) => SETUPS.map((setup) => {
      let root = '';
      return engineTool(ctx, k, {
        name: (label) => `${label} ${setup.name}`,
        args: ['run', '--log-driver', setup.LogConfig.Type, ...Object.entries(setup.LogConfig.Config).flatMap(([o, v]) => ['--log-opt', `${o}=${v}`]), 'busybox', 'seq', '1', String(ctx.size(n, smokeN))],
        async setup(e) { root = String((await api(e, 'GET', '/info')).DockerRootDir ?? ''); },
        async run(e, iteration) {
          const size = ctx.size(n, smokeN);
          const { ms, id } = await writeAndRead(e, setup, size);
          if (iteration === 0 && root) {
            const dir = join(root, 'containers', id);
            if (existsSync(dir)) recordDisk(ctx, `${e.kind} ${setup.name} ${size} lines`, logBytes(dir));
          }
          await api(e, 'DELETE', `/containers/${id}?force=1`);
          return ms;
        },
      });
    })),
  };
}

export const LOGGING_FILES_CASES: Case[] = [filesCase(10_000, 1000), filesCase(100_000, 5000), filesCase(1_000_000, 20_000)];
