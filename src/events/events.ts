import { EventEmitter } from 'node:events';
import type { Db } from '../store/db.js';
import { ensureSchema } from '../store/db.js';

/** Docker's event types; berth emits the local ones (never plugin or the swarm ones), filters know them all. */
export type EventType = 'container' | 'image' | 'network' | 'volume' | 'daemon' | 'builder' | 'plugin' | 'service' | 'node' | 'secret' | 'config';

/** Docker's event message (GET /events) */
export interface EngineEvent {
  // deprecated fields Docker still sends for containers and images (first, as Go's struct orders them)
  status?: string;
  id?: string;
  from?: string;
  Type: EventType;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
}

/** events kept in the database for `since`/`until` replays (dockerd keeps 256, in memory only) */
export const EVENTS_KEPT = 10_000;

/**
 * Wall-clock time in nanoseconds at microsecond resolution that never goes back within a daemon
 * (performance.timeOrigin + now() is monotonic): events replay in order of their times.
 */
function nowNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}

/**
 * Records every container, image, network and volume change with Docker's fields and fans them
 * out to listeners (the /events stream). Kept in SQLite so `since` works across daemon restarts;
 * bounded to the last `keep` events: each insert deletes by primary-key range what fell out of the
 * window, an index seek that removes one row in the steady state.
 */
export class EventLog extends EventEmitter {
  private readonly keep: number;

  constructor(private readonly db: Db, opts: { keep?: number } = {}) {
    super();
    this.keep = opts.keep ?? EVENTS_KEPT;
    this.setMaxListeners(0);
    ensureSchema(db, `CREATE TABLE IF NOT EXISTS events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      time_nano INTEGER NOT NULL,
      body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS events_time ON events (time_nano)`);
  }

  emitEvent(type: EventType, action: string, id: string, attributes: Record<string, string> = {}): EngineEvent {
    const ns = nowNs();
    // Go's encoding/json writes map keys sorted: `{{json .}}` and the API body read the same as dockerd's
    const sorted: Record<string, string> = {};
    for (const k of Object.keys(attributes).sort()) sorted[k] = attributes[k]!;
    const deprecated = type === 'container' || type === 'image'
      ? { status: action, id, ...(type === 'container' && attributes.image ? { from: attributes.image } : {}) }
      : {};
    const ev: EngineEvent = {
      ...deprecated,
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: sorted },
      scope: 'local',
      time: Number(ns / 1_000_000_000n),
      timeNano: Number(ns),
    };
    const { lastInsertRowid } = this.db.prepare('INSERT INTO events (time_nano, body) VALUES (?, ?)').run(ns, JSON.stringify(ev));
    const last = Number(lastInsertRowid);
    if (last > this.keep) this.db.prepare('DELETE FROM events WHERE seq <= ?').run(last - this.keep);
    this.emit('event', ev);
    return ev;
  }

  /** Events between since and until (unix seconds, fractional allowed), oldest first. */
  history(sinceSec?: number, untilSec?: number): EngineEvent[] {
    const since = sinceSec !== undefined ? secondsToNs(sinceSec) : 0n;
    // the open end is SQLite's largest integer
    const until = untilSec !== undefined ? secondsToNs(untilSec) : 9223372036854775807n;
    return (this.db.prepare('SELECT body FROM events WHERE time_nano >= ? AND time_nano <= ? ORDER BY seq').all(since, until) as { body: string }[])
      .map((r) => JSON.parse(r.body) as EngineEvent);
  }

  /** How many events are kept now. */
  count(): number {
    return Number((this.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n);
  }
}

/** Seconds (fractional) to integer nanoseconds without float error in the nanosecond digits. */
function secondsToNs(sec: number): bigint {
  const whole = Math.floor(sec);
  return BigInt(whole) * 1_000_000_000n + BigInt(Math.round((sec - whole) * 1e9));
}
