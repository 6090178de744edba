/**
 * The engine's events as an async iterator with Docker's filters and since/until window:
 * the history first (from the database), then live events until `until` or the signal.
 */
import type { EngineEvent, EventLog } from '../events/events.js';

export interface EventStreamOptions {
  /** Docker's event filters: type, event, container, image, label, scope, network, volume, daemon */
  filters?: Record<string, string[]>;
  /** unix seconds (fractional allowed): replay recorded events from then on */
  since?: number;
  /** unix seconds: stop at that time (at once when it has passed, after the replay) */
  until?: number;
  /** ends the iteration quietly */
  signal?: AbortSignal;
}

/** Does an event pass Docker's event filters (type, event/action, container, image, label, ...)? */
export function eventMatches(ev: EngineEvent, f: Record<string, string[]>): boolean {
  const attrs = ev.Actor.Attributes;
  const check = (key: string, ok: (v: string) => boolean) => !f[key] || f[key].length === 0 || f[key].some(ok);
  return check('type', (v) => v === ev.Type)
    && check('event', (v) => v === ev.Action || ev.Action.startsWith(v + ':'))
    && check('container', (v) => ev.Type === 'container' && (ev.Actor.ID.startsWith(v) || attrs.name === v))
    && check('image', (v) => ev.Type === 'image' ? (ev.Actor.ID.startsWith(v) || attrs.name === v) : attrs.image === v)
    && check('label', (v) => { const [k, val] = v.split('='); return val === undefined ? k in attrs : attrs[k] === val; })
    && check('scope', (v) => v === 'local')
    && check('network', (v) => ev.Type === 'network' && ev.Actor.ID.startsWith(v))
    && check('volume', (v) => ev.Type === 'volume' && ev.Actor.ID === v)
    && check('daemon', () => ev.Type === 'daemon');
}

/**
 * The live listener is attached in the same tick as the history is read (the call itself, not the
 * first next()), so no event falls between the replay and the live part.
 */
export function eventStream(log: EventLog, opts: EventStreamOptions = {}): AsyncIterableIterator<EngineEvent> {
  const filters = opts.filters ?? {};
  const queue: EngineEvent[] = opts.since !== undefined && !opts.signal?.aborted ? log.history(opts.since, opts.until) : [];
  let done = false;
  let wake: (() => void) | undefined;
  const finish = () => {
    if (done) return;
    done = true;
    log.off('event', listener);
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener('abort', cancel);
    wake?.();
  };
  // a cancelled consumer wants nothing more, not even what is queued
  const cancel = () => { queue.length = 0; finish(); };
  const listener = (ev: EngineEvent) => { queue.push(ev); wake?.(); };
  let timer: NodeJS.Timeout | undefined;
  const nowSec = Date.now() / 1000;
  if (opts.signal?.aborted || (opts.until !== undefined && opts.until <= nowSec)) {
    done = true; // the replay only
  } else {
    log.on('event', listener);
    if (opts.until !== undefined) timer = setTimeout(finish, (opts.until - nowSec) * 1000);
    opts.signal?.addEventListener('abort', cancel, { once: true });
  }
  const iterator: AsyncIterableIterator<EngineEvent> = {
    async next(): Promise<IteratorResult<EngineEvent>> {
      for (;;) {
        const ev = queue.shift();
        if (ev) { if (eventMatches(ev, filters)) return { value: ev, done: false }; continue; }
        if (done) return { value: undefined, done: true };
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = undefined;
      }
    },
    async return(): Promise<IteratorResult<EngineEvent>> { cancel(); return { value: undefined, done: true }; },
    [Symbol.asyncIterator]() { return iterator; },
  };
  return iterator;
}
