/**
 * A view loaded on first use: the terminal (xterm.js) and the charts (uPlot) are most of the bundle, and
 * the Containers page, the first one drawn, needs neither. esbuild splits them into chunks of their own.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function lazyView<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let cached: ComponentType<P> | null = null;
  return function Lazy(props: P) {
    const [C, setC] = useState<ComponentType<P> | null>(() => cached);
    const [err, setErr] = useState<string | null>(null);
    useEffect(() => {
      if (cached) return;
      load().then((c) => { cached = c; setC(() => c); }, (e: Error) => setErr(e.message));
    }, []);
    if (err) return <p class="load-error">Could not load this view: {err}</p>;
    return C ? <C {...props} /> : <p class="muted">Loading…</p>;
  };
}
