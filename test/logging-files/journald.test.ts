/**
 * The journald driver's native protocol, checked by systemd itself: datagrams from the driver go through
 * a test receiver into systemd-journal-remote, and journalctl reads the fields back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { encodeJournalEntry, journaldDriver, sanitizeJournalKey } from '../../src/logging/journald.js';
import type { LogInfo } from '../../src/logging/driver.js';
import { JOURNAL_REMOTE, startJournalReceiver } from './journal-receiver.js';

const ID = 'a1b2c3d4e5f6'.repeat(5) + 'a1b2';

function info(config: Record<string, string> = {}): LogInfo {
  return {
    containerId: ID, containerName: 'web-1', imageName: 'busybox:latest', imageId: 'sha256:' + 'f'.repeat(64),
    containerCreated: new Date(), labels: { 'com.example.team': 'blue', other: 'x' }, env: ['STAGE=prod', 'SECRET=s'],
    command: ['sh', '-c', 'echo hi'], daemonName: 'berth', hostname: 'web', config, containerDir: '/nonexistent',
  };
}

test('native protocol encoding: plain fields as KEY=value, values with newlines length-prefixed (binary-safe)', () => {
  const buf = encodeJournalEntry([['MESSAGE', 'a\nb'], ['PRIORITY', '6'], ['X', Buffer.from([0, 1, 0xff])]]);
  const want = Buffer.concat([Buffer.from('MESSAGE\n'), Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('a\nb\n'), Buffer.from('PRIORITY=6\nX='), Buffer.from([0, 1, 0xff]), Buffer.from('\n')]);
  assert.deepEqual(buf, want);
  assert.equal(sanitizeJournalKey('com.example-team'), 'COM_EXAMPLE_TEAM');
  assert.equal(sanitizeJournalKey('_x.y'), 'X_Y');
});

test("options: dockerd's wording for unknown ones; the socket must exist", async () => {
  assert.throws(() => journaldDriver.validate({ 'max-size': '1m' }), /unknown log opt 'max-size' for journald log driver/);
  journaldDriver.validate({ tag: '{{.Name}}/{{.ID}}', labels: 'a', env: 'B', 'labels-regex': 'x', 'env-regex': 'y' });
  assert.throws(() => journaldDriver.validate({ tag: '{{.Nope}}' }), /can't evaluate field Nope/);
  const saved = process.env.BERTH_JOURNALD_SOCKET;
  process.env.BERTH_JOURNALD_SOCKET = '/nonexistent/socket';
  try { await assert.rejects(journaldDriver.create(info()), /journald is not enabled on this host/); } finally {
    if (saved === undefined) delete process.env.BERTH_JOURNALD_SOCKET; else process.env.BERTH_JOURNALD_SOCKET = saved;
  }
});

test('driver → systemd-journal-remote → journalctl: Docker\'s fields with the right values', { skip: !existsSync(JOURNAL_REMOTE) && 'systemd-journal-remote is not installed' }, async () => {
  const rx = startJournalReceiver();
  const saved = process.env.BERTH_JOURNALD_SOCKET;
  process.env.BERTH_JOURNALD_SOCKET = rx.socket;
  try {
    const driver = await journaldDriver.create(info({ tag: '{{.Name}}/{{.ImageName}}', labels: 'com.example.team', env: 'STAGE' }));
    const time = '2026-01-01T00:00:00.123456789Z';
    driver.log({ line: Buffer.from('hello'), source: 'stdout', time });
    driver.log({ line: Buffer.from('to stderr'), source: 'stderr', time });
    driver.log({ line: Buffer.from('two\nlines'), source: 'stdout', time });
    driver.log({ line: Buffer.from('piece one '), source: 'stdout', time, partial: { id: 'p1', ordinal: 1, last: false } });
    driver.log({ line: Buffer.from('piece two'), source: 'stdout', time, partial: { id: 'p1', ordinal: 2, last: true } });
    await driver.close();
    for (let i = 0; i < 100 && rx.count() < 5; i++) await new Promise((r) => setTimeout(r, 20));
    const entries = await rx.entries();
    assert.equal(entries.length, 5, JSON.stringify(entries));
    const [hello, err, multi, p1, p2] = entries;
    assert.equal(hello.MESSAGE, 'hello');
    assert.equal(hello.PRIORITY, '6');
    assert.equal(hello.CONTAINER_ID, ID.slice(0, 12));
    assert.equal(hello.CONTAINER_ID_FULL, ID);
    assert.equal(hello.CONTAINER_NAME, 'web-1');
    assert.equal(hello.CONTAINER_TAG, 'web-1/busybox:latest');
    assert.equal(hello.SYSLOG_IDENTIFIER, 'web-1/busybox:latest');
    assert.equal(hello.IMAGE_NAME, 'busybox:latest');
    assert.equal(hello.SYSLOG_TIMESTAMP, time);
    assert.equal(hello.COM_EXAMPLE_TEAM, 'blue');
    assert.equal(hello.STAGE, 'prod');
    assert.equal(hello.OTHER, undefined);
    assert.equal(hello.SECRET, undefined);
    assert.equal(hello.CONTAINER_LOG_ORDINAL, '1');
    assert.match(String(hello.CONTAINER_LOG_EPOCH), /^[0-9a-f]{64}$/);
    assert.equal(err.PRIORITY, '3');
    assert.equal(err.MESSAGE, 'to stderr');
    assert.equal(multi.MESSAGE, 'two\nlines');
    assert.equal(p1.CONTAINER_PARTIAL_MESSAGE, 'true');
    assert.equal(p1.CONTAINER_PARTIAL_ID, 'p1');
    assert.equal(p1.CONTAINER_PARTIAL_ORDINAL, '1');
    assert.equal(p1.CONTAINER_PARTIAL_LAST, 'false');
    assert.equal(p2.CONTAINER_PARTIAL_MESSAGE, undefined);
    assert.equal(p2.CONTAINER_PARTIAL_LAST, 'true');
    assert.equal(p2.CONTAINER_LOG_ORDINAL, '5');
  } finally {
    if (saved === undefined) delete process.env.BERTH_JOURNALD_SOCKET; else process.env.BERTH_JOURNALD_SOCKET = saved;
    rx.cleanup();
  }
});
