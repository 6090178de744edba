/**
 * A registry on a loopback port inside a namespace the benchmark created, with its storage under the
 * work directory: Debian's docker-registry (distribution 2.8), or berth's own `berth registry serve`.
 * `reset()` restarts it empty, so a timed push really uploads every blob.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { BenchContext } from '../lib/context.js';
import { startInNetns, stopPid, waitReady, type PeerProcess } from '../lib/daemon-proc.js';
import { CURRENT_BUILD, type BerthBuild } from './berth-build.js';

export type RegistryKind = 'distribution' | 'berth';

export interface LocalRegistry {
  /** host:port to put in image references */
  address: string;
  reset(): Promise<void>;
}

let nextPort = 5100;

function answers(netns: string, address: string): boolean {
  const r = spawnSync('nsenter', [`--net=/run/netns/${netns}`, 'busybox', 'wget', '-q', '-O', '/dev/null', `http://${address}/v2/`], { timeout: 5000 });
  return r.status === 0;
}

/** `build` is the berth whose `registry serve` runs (kind 'berth'): this checkout's unless the baseline's is given. */
export async function startRegistry(ctx: BenchContext, netns: string, name: string, kind: RegistryKind = 'distribution', build: BerthBuild = CURRENT_BUILD): Promise<LocalRegistry> {
  const dir = join(ctx.workDir, `registry-${name}`);
  const storage = join(dir, 'storage');
  const address = `127.0.0.1:${nextPort++}`;
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'config.yml');
  writeFileSync(config, [
    'version: 0.1',
    'log:', '  level: error', '  accesslog:', '    disabled: true',
    'storage:', '  filesystem:', `    rootdirectory: ${storage}`, '  delete:', '    enabled: true',
    'http:', `  addr: ${address}`,
    '',
  ].join('\n'));
  let proc: PeerProcess | undefined;
  const start = async () => {
    mkdirSync(storage, { recursive: true });
    proc = kind === 'berth'
      ? startInNetns(netns, `${build.label} registry (${name})`, build.bin, ['registry', 'serve', '--root', storage, '--addr', address], join(dir, 'registry.log'))
      : startInNetns(netns, `docker-registry (${name})`, 'docker-registry', ['serve', config], join(dir, 'registry.log'));
    await waitReady(proc, () => answers(netns, address), 30_000);
  };
  ctx.onCleanup(`stop registry ${name}`, async () => { if (proc) await stopPid(proc.pid, 5_000); });
  await start();
  return {
    address,
    async reset() {
      if (proc) await stopPid(proc.pid, 5_000);
      rmSync(storage, { recursive: true, force: true });
      await start();
    },
  };
}
