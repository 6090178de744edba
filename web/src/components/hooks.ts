import { useCallback, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { connection } from '../state.ts';

/**
 * Loads with fn every intervalMs while the page shows (and again when the daemon is back after a lost
 * connection); `reload` loads at once, after an action.
 */
export function usePoll<T>(fn: (signal: AbortSignal) => Promise<T>, intervalMs: number, deps: unknown[] = []): { data: T | undefined; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const tick = useRef(0);
  const [nonce, setNonce] = useState(0);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  // a layout effect: the first request leaves as the page is drawn, not a frame later
  useLayoutEffect(() => {
    const ac = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      const my = ++tick.current;
      try {
        const v = await fn(ac.signal);
        if (!ac.signal.aborted && my === tick.current) { setData(v); setError(null); }
      } catch (e) {
        if (!ac.signal.aborted) setError((e as Error).message);
      }
      if (!ac.signal.aborted && intervalMs > 0) timer = setTimeout(() => { void run(); }, intervalMs);
    };
    void run();
    const unsub = connection.subscribe(() => { if (connection.get() === 'ok') reload(); });
    return () => { ac.abort(); if (timer) clearTimeout(timer); unsub(); };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [nonce, ...deps]);
  return { data, error, reload };
}
