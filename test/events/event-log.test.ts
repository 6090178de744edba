/**
 * The event log without a daemon: the bound (kept cheap), replay after a reopen (a daemon restart
 * reads the same database), since/until windows of the stream, every filter of moby's
 * daemon/events/filter.go, and the CLI's --since/--until forms (docker's timetypes.GetTimestamp).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/store/db.js';
import { EventLog, EVENTS_KEPT, type EngineEvent, type EventType } from '../../src/events/events.js';
import { eventMatches, eventStream } from '../../src/engine/event-stream.js';
import { getTimestamp } from '../../src/cli/timestamps.js';

function tempDb(t: { after: (fn: () => void) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'berth-events-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'berth.db');
}

async function drain(it: AsyncIterableIterator<EngineEvent>): Promise<EngineEvent[]> {
  const out: EngineEvent[] = [];
  for await (const ev of it) out.push(ev);
  return out;
}

test('the bound: the last 10,000 are kept, inserting past it stays cheap', (t) => {
  const db = openDatabase(tempDb(t));
  const log = new EventLog(db);
  const started = performance.now();
  const n = EVENTS_KEPT + 500;
  for (let i = 0; i < n; i++) log.emitEvent('container', 'start', `c${i}`, { name: `n${i}` });
  const ms = performance.now() - started;
  assert.equal(log.count(), EVENTS_KEPT);
  const all = log.history(0);
  assert.equal(all.length, EVENTS_KEPT);
  assert.equal(all[0]!.Actor.ID, 'c500');
  assert.equal(all.at(-1)!.Actor.ID, `c${n - 1}`);
  // each insert past the bound deletes one row by primary key: well under a millisecond each
  assert.ok(ms / n < 1, `${(ms / n).toFixed(3)} ms per event`);
  db.close();
});

test('a smaller bound, and a reopened log (a daemon restart) replays what was recorded', async (t) => {
  const path = tempDb(t);
  let db = openDatabase(path);
  let log = new EventLog(db, { keep: 50 });
  const before = Date.now() / 1000;
  for (let i = 0; i < 120; i++) log.emitEvent('volume', 'create', `v${i}`, { driver: 'local' });
  assert.equal(log.count(), 50);
  db.close();
  db = openDatabase(path);
  log = new EventLog(db, { keep: 50 });
  const replay = await drain(eventStream(log, { since: before, until: Date.now() / 1000 }));
  assert.deepEqual(replay.map((e) => e.Actor.ID), Array.from({ length: 50 }, (_, i) => `v${70 + i}`));
  // times never go back, and the times in nanoseconds agree with the seconds
  for (let i = 1; i < replay.length; i++) assert.ok(replay[i]!.timeNano >= replay[i - 1]!.timeNano);
  for (const e of replay) assert.equal(e.time, Math.floor(e.timeNano / 1e9));
  db.close();
});

test('since/until windows: only until replays everything up to it, since after until is refused', async (t) => {
  const db = openDatabase(tempDb(t));
  const log = new EventLog(db);
  log.emitEvent('network', 'create', 'n1', { name: 'a', type: 'bridge' });
  await new Promise((r) => setTimeout(r, 30));
  const mid = Date.now() / 1000;
  await new Promise((r) => setTimeout(r, 30));
  log.emitEvent('network', 'create', 'n2', { name: 'b', type: 'bridge' });
  const now = Date.now() / 1000 + 0.001;
  assert.deepEqual((await drain(eventStream(log, { until: mid }))).map((e) => e.Actor.ID), ['n1']);
  assert.deepEqual((await drain(eventStream(log, { since: mid, until: now }))).map((e) => e.Actor.ID), ['n2']);
  assert.deepEqual((await drain(eventStream(log, { since: 0, until: now }))).map((e) => e.Actor.ID), ['n1', 'n2']);
  assert.throws(() => eventStream(log, { since: now, until: mid }), { code: 'ERR_EVENTS_SINCE_AFTER_UNTIL' });
  // no since, no until: live only (ends with the signal)
  const ac = new AbortController();
  const live = eventStream(log, { signal: ac.signal });
  log.emitEvent('network', 'destroy', 'n3', { name: 'c', type: 'bridge' });
  const first = await live.next();
  assert.equal(first.value?.Actor.ID, 'n3');
  ac.abort();
  assert.equal((await live.next()).done, true);
  db.close();
});

test('the message has Go\'s field order, sorted attributes and the deprecated fields of containers and images', (t) => {
  const db = openDatabase(tempDb(t));
  const log = new EventLog(db);
  const c = log.emitEvent('container', 'start', 'abc', { name: 'x', image: 'busybox', a: '1' });
  assert.deepEqual(Object.keys(c), ['status', 'id', 'from', 'Type', 'Action', 'Actor', 'scope', 'time', 'timeNano']);
  assert.deepEqual(Object.keys(c.Actor.Attributes), ['a', 'image', 'name']);
  assert.equal(c.from, 'busybox');
  const i = log.emitEvent('image', 'tag', 'sha256:1', { name: 'x:1' });
  assert.deepEqual(Object.keys(i), ['status', 'id', 'Type', 'Action', 'Actor', 'scope', 'time', 'timeNano']);
  const n = log.emitEvent('network', 'create', 'n', { type: 'bridge', name: 'x' });
  assert.deepEqual(Object.keys(n), ['Type', 'Action', 'Actor', 'scope', 'time', 'timeNano']);
  db.close();
});

function ev(Type: EventType, Action: string, ID: string, Attributes: Record<string, string> = {}): EngineEvent {
  return { Type, Action, Actor: { ID, Attributes }, scope: 'local', time: 0, timeNano: 0 };
}

test('every filter as moby\'s daemon/events/filter.go', () => {
  const cid = 'a'.repeat(12) + 'b'.repeat(52);
  const start = ev('container', 'start', cid, { image: 'busybox:latest', name: 'web', team: 'x', tier: '' });
  const health = ev('container', 'health_status: healthy', cid, { image: 'busybox:latest', name: 'web' });
  const exec = ev('container', 'exec_start: sh -c true', cid, { image: 'busybox:latest', name: 'web', execID: 'e' });
  const tag = ev('image', 'tag', 'sha256:' + 'c'.repeat(64), { name: 'localhost:5000/app:1' });
  const pull = ev('image', 'pull', 'busybox:latest', { name: 'busybox' });
  const net = ev('network', 'connect', 'd'.repeat(64), { container: cid, name: 'front', type: 'bridge' });
  const vol = ev('volume', 'mount', 'data', { container: cid, destination: '/d', driver: 'local', propagation: '', 'read/write': 'true' });
  const daemon = ev('daemon', 'reload', 'DAEM:ONID', { name: 'host1' });
  const all = [start, health, exec, tag, pull, net, vol, daemon];
  const pick = (f: Record<string, string[]>) => all.filter((e) => eventMatches(e, f));

  assert.deepEqual(pick({}), all);
  // type: exact; several values are alternatives
  assert.deepEqual(pick({ type: ['image'] }), [tag, pull]);
  assert.deepEqual(pick({ type: ['network', 'volume'] }), [net, vol]);
  for (const type of ['plugin', 'service', 'node', 'secret', 'config', 'builder']) assert.deepEqual(pick({ type: [type] }), []);
  // event: exact, except health_status / exec_create / exec_start, which match by prefix
  assert.deepEqual(pick({ event: ['start'] }), [start]);
  assert.deepEqual(pick({ event: ['health_status'] }), [health]);
  assert.deepEqual(pick({ event: ['exec_start'] }), [exec]);
  assert.deepEqual(pick({ event: ['health_status: healthy'] }), [health]);
  assert.deepEqual(pick({ event: ['health'] }), []);
  // container: the Actor's ID or name, by prefix, on any event type (a network event's Actor is the network)
  assert.deepEqual(pick({ container: [cid] }), [start, health, exec]);
  assert.deepEqual(pick({ container: [cid.slice(0, 12)] }), [start, health, exec]);
  assert.deepEqual(pick({ container: ['web'] }), [start, health, exec]);
  assert.deepEqual(pick({ container: ['we'] }), [start, health, exec]);
  assert.deepEqual(pick({ container: ['nope'] }), []);
  // image: an image event's ID or name, a container event's image, each also without its tag
  assert.deepEqual(pick({ image: ['busybox'] }), [start, health, exec, pull]);
  assert.deepEqual(pick({ image: ['busybox:latest'] }), [start, health, exec, pull]);
  assert.deepEqual(pick({ image: ['localhost:5000/app'] }), [tag]);
  assert.deepEqual(pick({ image: ['localhost:5000/app:1'] }), [tag]);
  assert.deepEqual(pick({ image: ['sha256:' + 'c'.repeat(64)] }), [tag]);
  assert.deepEqual(pick({ image: ['busy'] }), []);
  // label: every one must be among the attributes; `key` alone or `key=value`
  assert.deepEqual(pick({ label: ['team'] }), [start]);
  assert.deepEqual(pick({ label: ['team=x'] }), [start]);
  assert.deepEqual(pick({ label: ['team=y'] }), []);
  assert.deepEqual(pick({ label: ['team=x', 'tier'] }), [start]);
  assert.deepEqual(pick({ label: ['team=x', 'other'] }), []);
  assert.deepEqual(pick({ label: ['tier='] }), [start]);
  // network: ID or name by prefix
  assert.deepEqual(pick({ network: ['front'] }), [net]);
  assert.deepEqual(pick({ network: ['dddd'] }), [net]);
  // volume: name (the Actor's ID) by prefix
  assert.deepEqual(pick({ volume: ['data'] }), [vol]);
  assert.deepEqual(pick({ volume: ['da'] }), [vol]);
  // daemon: ID or name
  assert.deepEqual(pick({ daemon: ['host1'] }), [daemon]);
  assert.deepEqual(pick({ daemon: ['DAEM:ONID'] }), [daemon]);
  // the swarm keys match nothing of a local engine
  for (const key of ['plugin', 'service', 'node', 'secret', 'config']) assert.deepEqual(pick({ [key]: ['x'] }), []);
  // scope: every berth event is local
  assert.deepEqual(pick({ scope: ['local'] }), all);
  assert.deepEqual(pick({ scope: ['swarm'] }), []);
  // keys together: all must match
  assert.deepEqual(pick({ type: ['container'], event: ['start', 'health_status'], container: ['web'] }), [start, health]);
});

test('--since/--until values as docker\'s GetTimestamp', () => {
  const now = Date.UTC(2026, 11, 6, 13, 0, 0, 250); // 2026-12-06T13:00:00.250Z
  const nowSec = Math.floor(now / 1000);
  // Go durations: whole seconds before now
  assert.equal(getTimestamp('10m', now), String(nowSec - 600));
  assert.equal(getTimestamp('1h30m', now), String(nowSec - 5400));
  assert.equal(getTimestamp('1.5s', now), String(Math.floor((now - 1500) / 1000)));
  assert.equal(getTimestamp('-5m', now), String(nowSec + 300));
  // unix seconds pass through as given ("0" is not a duration)
  assert.equal(getTimestamp('0', now), '0');
  assert.equal(getTimestamp('1700000000', now), '1700000000');
  assert.equal(getTimestamp('1700000000.5', now), '1700000000.5');
  assert.equal(getTimestamp('1700000000.123456789', now), '1700000000.123456789');
  // RFC 3339 with a zone
  assert.equal(getTimestamp('2023-11-14T22:13:20Z', now), '1700000000.000000000');
  assert.equal(getTimestamp('2023-11-14T23:13:20+01:00', now), '1700000000.000000000');
  assert.equal(getTimestamp('2023-11-14T17:13:20-05:00', now), '1700000000.000000000');
  assert.equal(getTimestamp('2023-11-14T22:13:20.5Z', now), '1700000000.500000000');
  assert.equal(getTimestamp('2023-11-14T22:13:20.123456789Z', now), '1700000000.123456789');
  assert.equal(getTimestamp('2023-11-14T22:13Z', now), '1699999980.000000000');
  assert.equal(getTimestamp('2023-11-14T22Z', now), '1699999200.000000000');
  assert.equal(getTimestamp('2023-11-14Z', now), '1699920000.000000000');
  assert.equal(getTimestamp('2023-11-14+01:00', now), '1699916400.000000000');
  // no zone: the machine's offset now
  const off = -new Date(now).getTimezoneOffset() * 60;
  assert.equal(getTimestamp('2023-11-14T22:13:20', now), String(1700000000 - off) + '.000000000');
  assert.equal(getTimestamp('2023-11-14T22:13:20.25', now), String(1700000000 - off) + '.250000000');
  assert.equal(getTimestamp('2023-11-14T22:13', now), String(1699999980 - off) + '.000000000');
  assert.equal(getTimestamp('2023-11-14T22', now), String(1699999200 - off) + '.000000000');
  assert.equal(getTimestamp('2023-11-14', now), String(1699920000 - off) + '.000000000');
  // refused
  for (const bad of ['yesterday', '2023-13-01', '2023-02-30', '2023-11-14T25:00:00Z', '10x', '12:00']) {
    assert.throws(() => getTimestamp(bad, now), { message: `failed to parse value as time or duration: "${bad}"` }, bad);
  }
});
