import type { ContainerRecord } from '../record/container-store.js';
import type { ContainerContext } from './context.js';

/** Send a signal to the container's process (emits `kill`); a paused container is thawed to act on it. */
export async function signalContainer(ctx: ContainerContext, rec: ContainerRecord, sig: { name: string; number: number }): Promise<void> {
  ctx.emit(rec, 'kill', { signal: String(sig.number) });
  const rt = ctx.runtimeFor(rec);
  const pid = ctx.store.get(rec.id)?.state.Pid ?? 0;
  if (pid > 0) {
    // the runtime would only look up this pid and kill(2) it: doing it here saves a process start
    try { process.kill(pid, sig.number); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') await rt.kill(rec.id, sig.number, false); // ESRCH: already gone, the exit is on its way
    }
  } else {
    await rt.kill(rec.id, sig.number, false);
  }
  // a frozen container cannot act on the signal; thaw it (Docker does the same)
  const cur = ctx.store.get(rec.id);
  if (cur?.state.Paused) {
    await rt.resume(rec.id).catch(() => undefined);
    ctx.store.mutate(rec.id, (r) => { r.state = { ...r.state, Paused: false, Status: r.state.Running ? 'running' : r.state.Status }; });
  }
}
