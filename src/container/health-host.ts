import { join } from 'node:path';
import { randomId } from '../common/digest.js';
import { log } from '../common/log.js';
import { etcFilePaths } from '../record/etc-files.js';
import { buildProcess, resolveUser } from '../runtime/index.js';
import type { ContainerContext } from './context.js';
import type { HealthAction, HealthState, HealthStatus } from './health.js';
import { execEventCommand } from './exec.js';
import { runProbe } from './health-probe.js';
import { processInputFor } from './spec-input.js';

/** What the health scheduler needs of the containers: their records, a probe run, and an action on failure. */
export function healthHost(ctx: ContainerContext) {
  return {
    record: (id: string) => ctx.store.get(id),
    runProbe: async (id: string, cmd: string[], timeoutMs: number) => {
      const rec = ctx.store.get(id);
      if (!rec?.state.Running) return { exitCode: -1, output: 'container is not running' };
      const rootfs = ctx.deps.snapshots.mountpoint(id);
      const user = resolveUser(rootfs, rec.config.User || undefined);
      const { process: proc } = buildProcess({
        ...processInputFor(rec, rootfs, etcFilePaths(ctx.containerDir(id)), user, (ref) => ctx.pidOf(ref)), args: cmd, terminal: false,
      });
      // dockerd runs each probe as an exec, with exec_create, exec_start and exec_die events
      const execID = randomId();
      const text = execEventCommand(cmd);
      ctx.emit(rec, `exec_create: ${text}`, { execID });
      ctx.emit(rec, `exec_start: ${text}`, { execID });
      const result = await runProbe(ctx.runtimeFor(rec).info, id, proc, timeoutMs, join(ctx.deps.paths.tmp, 'health'));
      ctx.emit(ctx.store.get(id) ?? rec, 'exec_die', { execID, exitCode: String(result.exitCode) });
      return result;
    },
    saveHealth: (id: string, health: HealthState) => {
      if (ctx.store.get(id)) ctx.store.mutate(id, (r) => { r.state.Health = health; });
    },
    emitHealth: (id: string, status: HealthStatus) => {
      const rec = ctx.store.get(id);
      if (rec) ctx.emit(rec, `health_status: ${status}`);
    },
    act: async (id: string, action: Exclude<HealthAction, 'none'>) => {
      log.info('container is unhealthy; acting on it', { container: id.slice(0, 12), action });
      await ctx.hooks.unhealthy(id, action);
    },
  };
}
