import { BerthError, ConflictError } from '../common/errors.js';
import type { ContainerRecord } from '../record/container-store.js';
import type { ContainerContext } from './context.js';

/** Send a signal to the container's process (emits `kill`); a paused container is thawed to act on it. */
export async function signalContainer(ctx: ContainerContext, rec: ContainerRecord, sig: { name: string; number: number }): Promise<void> {
  ctx.emit(rec, 'kill', { signal: String(sig.number) });
  const rt = ctx.runtimeFor(rec);
  const cur0 = ctx.store.get(rec.id);
  const pid = cur0?.state.Pid ?? 0;
  // an exit recorded meanwhile (Pid 0, not running): the runtime's delete of that run may be under way,
  // so asking the runtime would race it (crun: no such container); there is nothing left to signal
  if (pid === 0 && !cur0?.state.Running) throw new ConflictError(`Container ${rec.id} is not running`, 'ERR_NOT_RUNNING');
  const runtimeKill = () => rt.kill(rec.id, sig.number, false).catch((e) => {
    // the runtime's state is gone with the process (an exit being recorded): as dockerd, "not running"
    if (e instanceof BerthError && e.code === 'ERR_RUNTIME_NOT_FOUND') throw new ConflictError(`Container ${rec.id} is not running`, 'ERR_NOT_RUNNING');
    throw e;
  });
  if (pid > 0) {
    // the runtime would only look up this pid and kill(2) it: doing it here saves a process start
    try { process.kill(pid, sig.number); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') await runtimeKill(); // ESRCH: already gone, the exit is on its way
    }
  } else {
    await runtimeKill();
  }
  // a frozen container cannot act on the signal; thaw it (Docker does the same)
  const cur = ctx.store.get(rec.id);
  if (cur?.state.Paused) {
    await rt.resume(rec.id).catch(() => undefined);
    ctx.store.mutate(rec.id, (r) => { r.state = { ...r.state, Paused: false, Status: r.state.Running ? 'running' : r.state.Status }; });
  }
}
