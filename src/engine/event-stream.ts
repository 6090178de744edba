/**
 * The engine's events as an async iterator with Docker's filters and since/until window:
 * the history first (from the database), then live events until `until` or the signal.
 */
import type { EngineEvent, EventLog } from '../events/events.js';
import { InvalidArgumentError } from '../common/errors.js';
import { familiarName, parseNormalizedNamed } from '../image/reference.js';

export interface EventStreamOptions {
  /** Docker's event filters: type, event, container, image, label, scope, network, volume, daemon, plugin, node, service, secret, config */
  filters?: Record<string, string[]>;
  /** unix seconds (fractional allowed): replay recorded events from then on */
  since?: number;
  /** unix seconds: stop at that time (at once when it has passed, after the replay) */
  until?: number;
  /** ends the iteration quietly */
  signal?: AbortSignal;
}

/** Go's filters.Args.ExactMatch: no values for the key passes; else one value equals the source. */
function exactMatch(f: Record<string, string[]>, key: string, source: string): boolean {
  const vals = f[key];
  return !vals || vals.length === 0 || vals.includes(source);
}

/** Go's filters.Args.FuzzyMatch: exact, or a value is a prefix of the source (an ID prefix, a name prefix). */
function fuzzyMatch(f: Record<string, string[]>, key: string, source: string): boolean {
  return exactMatch(f, key, source) || f[key]!.some((v) => source.startsWith(v));
}

/** Go's filters.Args.MatchKVList: every `key` or `key=value` must be among the attributes. */
function matchKVList(f: Record<string, string[]>, key: string, attrs: Record<string, string>): boolean {
  const vals = f[key];
  if (!vals || vals.length === 0) return true;
  if (Object.keys(attrs).length === 0) return false;
  return vals.every((v) => {
    const eq = v.indexOf('=');
    const k = eq < 0 ? v : v.slice(0, eq);
    if (!Object.hasOwn(attrs, k)) return false;
    return eq < 0 || attrs[k] === v.slice(eq + 1);
  });
}

/** moby's stripTag: the familiar name without tag or digest, or the string itself when it is no reference. */
function stripTag(image: string): string {
  try { return familiarName(parseNormalizedNamed(image)); } catch { return image; }
}

/** The filter keys whose values match an event's Actor ID or `name` attribute by prefix, whatever its type (moby's fuzzyMatchName). */
const NAME_KEYS = ['daemon', 'container', 'plugin', 'volume', 'network', 'node', 'service', 'secret', 'config'];
/** `event=` values that match every action they start (`health_status` matches `health_status: healthy`). */
const FUZZY_ACTIONS = new Set(['health_status', 'exec_create', 'exec_start']);

/**
 * Does an event pass Docker's event filters? A port of moby's daemon/events/filter.go: values of one
 * key are alternatives, keys must all match, labels must all match; `container`, `network`, ... match
 * the Actor's ID or name by prefix on every event type, `image` matches an image event's ID or name and a
 * container event's `image`, with or without tag.
 */
export function eventMatches(ev: EngineEvent, f: Record<string, string[]>): boolean {
  const attrs = ev.Actor.Attributes;
  const actionOk = (f.event ?? []).some((v) => FUZZY_ACTIONS.has(v)) ? fuzzyMatch(f, 'event', ev.Action) : exactMatch(f, 'event', ev.Action);
  if (!actionOk || !exactMatch(f, 'type', ev.Type) || !exactMatch(f, 'scope', ev.scope)) return false;
  for (const key of NAME_KEYS) if (!fuzzyMatch(f, key, ev.Actor.ID) && !fuzzyMatch(f, key, attrs.name ?? '')) return false;
  if (f.image?.length) {
    const imageName = (ev.Type === 'image' ? attrs.name : attrs.image) ?? '';
    if (![ev.Actor.ID, imageName, stripTag(ev.Actor.ID), stripTag(imageName)].some((s) => exactMatch(f, 'image', s))) return false;
  }
  return matchKVList(f, 'label', attrs);
}

/**
 * The live listener is attached in the same tick as the history is read (the call itself, not the
 * first next()), so no event falls between the replay and the live part.
 */
export function eventStream(log: EventLog, opts: EventStreamOptions = {}): AsyncIterableIterator<EngineEvent> {
  const filters = opts.filters ?? {};
  if (opts.since !== undefined && opts.until !== undefined && opts.until < opts.since) {
    throw new InvalidArgumentError(`\`since\` time (${opts.since}) cannot be after \`until\` time (${opts.until})`, 'ERR_EVENTS_SINCE_AFTER_UNTIL');
  }
  // as dockerd: either bound asks for the recorded events (only `until`: all of them up to it)
  const replay = (opts.since !== undefined || opts.until !== undefined) && !opts.signal?.aborted;
  const queue: EngineEvent[] = replay ? log.history(opts.since, opts.until) : [];
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
