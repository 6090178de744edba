/**
 * The little shared state the whole page needs: whether the daemon answers, the last failed action,
 * and the CSRF token of this session (kept in memory only, never in storage).
 */
import { useEffect, useState } from 'preact/hooks';

type Listener = () => void;

/** A value with subscribers; components read it through useStore. */
export class Store<T> {
  private listeners = new Set<Listener>();
  constructor(private value: T) {}
  get(): T { return this.value; }
  set(v: T): void {
    if (Object.is(v, this.value)) return;
    this.value = v;
    for (const l of this.listeners) l();
  }
  subscribe(l: Listener): () => void { this.listeners.add(l); return () => this.listeners.delete(l); }
}

export function useStore<T>(s: Store<T>): T {
  const [, force] = useState(0);
  const value = s.get();
  useEffect(() => {
    const unsub = s.subscribe(() => force((n) => n + 1));
    // a change between this render and the subscription (a request that answered meanwhile)
    if (!Object.is(s.get(), value)) force((n) => n + 1);
    return unsub;
  }, [s]);
  return value;
}

/** 'ok', 'lost' (the daemon does not answer: banner, retry) or 'login' (no session) */
export const connection = new Store<'ok' | 'lost' | 'login'>('ok');
/** the last action that failed, with the engine's own message */
export const lastError = new Store<string | null>(null);
export const csrfToken = new Store<string | null>(null);
