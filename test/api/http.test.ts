import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Query, parseTimestamp, compareVersions } from '../../src/api/http.js';
import { negotiatePath } from '../../src/api/server.js';
import { eventMatches } from '../../src/engine/event-stream.js';
import type { EngineEvent } from '../../src/events/events.js';

test('version prefixes are negotiated as Docker does', () => {
  assert.deepEqual(negotiatePath('/v1.44/containers/json'), { version: '1.44', path: '/containers/json' });
  assert.deepEqual(negotiatePath('/containers/json'), { version: '1.55', path: '/containers/json' });
  assert.throws(() => negotiatePath('/v1.56/info'), /client version 1.56 is too new. Maximum supported API version is 1.55/);
  assert.throws(() => negotiatePath('/v1.11/info'), /client version 1.11 is too old. Minimum supported API version is 1.12/);
  assert.deepEqual(negotiatePath('/v1.12/info'), { version: '1.12', path: '/info' });
  assert.ok(compareVersions('1.9', '1.24') < 0);
  assert.ok(compareVersions('1.100', '1.55') > 0);
});

test('filters accept the list and the legacy map form', () => {
  const q = (s: string) => new Query(new URLSearchParams(s));
  assert.deepEqual(q('filters=' + encodeURIComponent('{"label":["a=b"],"status":["running"]}')).filters(), { label: ['a=b'], status: ['running'] });
  assert.deepEqual(q('filters=' + encodeURIComponent('{"label":{"a=b":true,"c":false}}')).filters(), { label: ['a=b'] });
  assert.throws(() => q('filters=notjson').filters(), /invalid filter/);
  assert.throws(() => q('filters=' + encodeURIComponent('["x"]')).filters(), /invalid filter/);
  assert.equal(q('all=1').bool('all'), true);
  assert.equal(q('all=0').bool('all'), false);
  assert.equal(q('all=True').bool('all'), true);
  assert.equal(q('').bool('all', true), true);
});

test('timestamps: unix seconds, RFC 3339 and durations', () => {
  assert.equal(parseTimestamp('1700000000'), 1700000000);
  assert.equal(parseTimestamp('1700000000.5'), 1700000000.5);
  assert.equal(parseTimestamp('2024-01-02T03:04:05Z'), Date.parse('2024-01-02T03:04:05Z') / 1000);
  assert.equal(parseTimestamp('10m', 1_000_000_000), 1_000_000 - 600);
  assert.equal(parseTimestamp('1h30m', 1_000_000_000), 1_000_000 - 5400);
  assert.equal(parseTimestamp(undefined), undefined);
  assert.throws(() => parseTimestamp('yesterday'), /invalid time value/);
});

test('event filters', () => {
  const ev: EngineEvent = { Type: 'container', Action: 'exec_start: sh -c true', Actor: { ID: 'abc123', Attributes: { name: 'web', image: 'busybox', 'com.x': 'y' } }, scope: 'local', time: 1, timeNano: 1 };
  assert.ok(eventMatches(ev, {}));
  assert.ok(eventMatches(ev, { type: ['container'], event: ['exec_start'] }));
  assert.ok(!eventMatches(ev, { type: ['image'] }));
  assert.ok(eventMatches(ev, { container: ['web'] }));
  assert.ok(eventMatches(ev, { container: ['abc'] }));
  assert.ok(!eventMatches(ev, { container: ['db'] }));
  assert.ok(eventMatches(ev, { label: ['com.x=y'] }));
  assert.ok(eventMatches(ev, { label: ['com.x'] }));
  assert.ok(!eventMatches(ev, { label: ['com.x=z'] }));
  assert.ok(eventMatches(ev, { image: ['busybox'] }));
});
