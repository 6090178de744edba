/**
 * Operation timings for whoever wants them (the daemon's Prometheus metrics): the engine calls these
 * hooks and never imports a metrics library, so it stays usable as a library without metrics.
 */

/** The engine operations that are timed (container actions and image actions). */
export type EngineAction = 'create' | 'start' | 'stop' | 'delete' | 'exec' | 'pull' | 'push' | 'build';

export interface EngineInstruments {
  /** `action` finished after `seconds`; `error` is set when it failed. Must not throw. */
  actionDone(action: EngineAction, seconds: number, error?: unknown): void;
}

/** Run `work`, reporting its duration and outcome to `instruments` (if any). */
export async function timed<T>(instruments: EngineInstruments | undefined, action: EngineAction, work: () => Promise<T>): Promise<T> {
  if (!instruments) return work();
  const t0 = performance.now();
  try {
    const out = await work();
    instruments.actionDone(action, (performance.now() - t0) / 1000);
    return out;
  } catch (e) {
    instruments.actionDone(action, (performance.now() - t0) / 1000, e);
    throw e;
  }
}
