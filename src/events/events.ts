import { EventEmitter } from 'node:events';
import type { Db } from '../store/db.js';
import { ensureSchema } from '../store/db.js';

export type EventType = 'container' | 'image' | 'network' | 'volume' | 'daemon' | 'builder';

/** Docker's event message (GET /events) */
export interface EngineEvent {
  Type: EventType;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  // deprecated fields Docker still sends for containers and images
  status?: string;
  id?: string;
  from?: string;
}

const KEEP = 10_000; // events kept in the database for `since` queries

/**
 * Records every container and image change with Docker's fields and fans them
 * out to listeners (the /events stream). Kept in SQLite so `since` works across
 * daemon restarts.
 */
export class EventLog extends EventEmitter {
  constructor(private readonly db: Db) {
    super();
    this.setMaxListeners(0);
    ensureSchema(db, `CREATE TABLE IF NOT EXISTS events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      time_nano INTEGER NOT NULL,
      body TEXT NOT NULL)`);
  }

  emitEvent(type: EventType, action: string, id: string, attributes: Record<string, string> = {}): EngineEvent {
    const nowNs = BigInt(Date.now()) * 1_000_000n + BigInt(process.hrtime.bigint() % 1_000_000n);
    const ev: EngineEvent = {
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Number(nowNs / 1_000_000_000n),
      timeNano: Number(nowNs),
    };
    if (type === 'container' || type === 'image') {
      ev.status = action;
      ev.id = id;
      if (attributes.image) ev.from = attributes.image;
    }
    this.db.prepare('INSERT INTO events (time_nano, body) VALUES (?, ?)').run(ev.timeNano, JSON.stringify(ev));
    this.db.prepare('DELETE FROM events WHERE seq <= (SELECT MAX(seq) FROM events) - ?').run(KEEP);
    this.emit('event', ev);
    return ev;
  }

  /** Events between since and until (unix seconds, fractional allowed). */
  history(sinceSec?: number, untilSec?: number): EngineEvent[] {
    const since = sinceSec !== undefined ? Math.floor(sinceSec * 1e9) : 0;
    // nanoseconds since 1970 exceed Number.MAX_SAFE_INTEGER: the open end is SQLite's largest integer
    const until = untilSec !== undefined ? Math.floor(untilSec * 1e9) : 9223372036854775807n;
    return (this.db.prepare('SELECT body FROM events WHERE time_nano >= ? AND time_nano <= ? ORDER BY seq').all(since, until) as { body: string }[])
      .map((r) => JSON.parse(r.body) as EngineEvent);
  }
}
