/**
 * One `berth serve` of one build, started the way a user starts it (`<checkout>/bin/berth serve`, so
 * each build brings its own Node flags) with its own root, run root and socket under the work
 * directory, inside a network namespace of its own: two berth daemons in one namespace would fight
 * over berth0 and their nft tables. Both builds of a before/after run start through here alike.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { apiRequest } from '../../test/helpers/daemon.js';
import { BenchError } from '../lib/errors.js';
import { createNetns, deleteNetns } from '../lib/netns.js';
import { alive, logTail, pidsWithArg, startInNetns, stopPid, unmountUnder } from '../lib/daemon-proc.js';
import { benchEnv } from '../lib/proc.js';
import type { BerthBuild } from './berth-build.js';

export interface BerthDaemon {
  root: string;
  runRoot: string;
  socket: string;
  netns: string;
  pid: number;
  log: string;
  /** remove its containers, stop it, kill leftover monitors, unmount, delete the namespace */
  cleanup(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

async function pings(socket: string): Promise<boolean> {
  try { return (await apiRequest(socket, 'GET', '/_ping')).status === 200; } catch { return false; }
}

/** `extraArgs`: more `berth serve` arguments (a case that needs a daemon configured its own way, e.g. --signature-policy). */
/** `extraEnv`: more environment for the daemon (the memory-phases probe's heap reporter). */
export async function startBerthDaemon(build: BerthBuild, base: string, extraArgs: string[] = [], extraEnv: NodeJS.ProcessEnv = {}): Promise<BerthDaemon> {
  mkdirSync(base, { recursive: true });
  const root = join(base, 'root');
  const runRoot = join(base, 'run');
  const socket = join(runRoot, 'berth.sock');
  const log = join(base, 'daemon.log');
  const netns = createNetns();
  // debug logging as the test helper's daemons have, so figures stay comparable with earlier reports
  const env = benchEnv({ BERTH_LOG_LEVEL: 'debug' });
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.NODE_OPTIONS;
  Object.assign(env, extraEnv);
  let pid = 0;
  const cleanup = async () => {
    try {
      if (pid && alive(pid)) {
        const list = await apiRequest(socket, 'GET', '/containers/json?all=1').catch(() => undefined);
        for (const c of ((list?.body ?? []) as { Id: string }[])) await apiRequest(socket, 'DELETE', `/containers/${c.Id}?force=1`).catch(() => {});
        await stopPid(pid, 15_000);
      }
    } finally {
      // what outlives the daemon (conmon monitors, their containers) is found by the run root in its command line
      for (const p of pidsWithArg(runRoot)) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
      for (const rt of ['crun', 'runc']) {
        const rtRoot = join(runRoot, 'runtime', rt);
        if (!existsSync(rtRoot)) continue;
        const ids = (spawnSync(rt, ['--root', rtRoot, 'list', '-q'], { encoding: 'utf8' }).stdout ?? '').split('\n').filter((x) => /^[a-f0-9]{64}$/.test(x));
        for (const id of ids) spawnSync(rt, ['--root', rtRoot, 'delete', '-f', id]);
      }
      unmountUnder(base);
      deleteNetns(netns);
    }
  };
  try {
    const proc = startInNetns(netns, `${build.label} serve`, build.bin,
      ['serve', '-H', `unix://${socket}`, '--root', root, '--run-root', runRoot, '--fix-cgroups', '--config-file', '/dev/null', ...extraArgs], log, env);
    pid = proc.pid;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await pings(socket))) {
      if (!alive(pid)) throw new BenchError(`${build.label} serve exited during start: ${logTail(log)}`, 'ERR_BERTH_START');
      if (Date.now() > deadline) throw new BenchError(`${build.label} serve did not answer /_ping within ${READY_TIMEOUT_MS} ms: ${logTail(log)}`, 'ERR_BERTH_START');
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (e) {
    await cleanup();
    throw e;
  }
  return { root, runRoot, socket, netns, get pid() { return pid; }, log, cleanup };
}
