import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { humanDuration, rfc3339Nano, parseTime } from '../../src/common/human-time.js';
import { commandOf, mergeImageConfig } from '../../src/container/config-merge.js';
import { resolveInRoot } from '../../src/runtime/resolve-in-root.js';
import { parseSignal } from '../../src/container/signals.js';
import { normalizeContainerName } from '../../src/container/names.js';

test('human durations as go-units', () => {
  assert.equal(humanDuration(500), 'Less than a second');
  assert.equal(humanDuration(1000), '1 second');
  assert.equal(humanDuration(45_000), '45 seconds');
  assert.equal(humanDuration(61_000), 'About a minute');
  assert.equal(humanDuration(5 * 60_000), '5 minutes');
  assert.equal(humanDuration(3_600_000), 'About an hour');
  assert.equal(humanDuration(5 * 3_600_000), '5 hours');
  assert.equal(humanDuration(3 * 86_400_000), '3 days');
  assert.equal(rfc3339Nano(Date.UTC(2024, 0, 2, 3, 4, 5, 120), 500), '2024-01-02T03:04:05.1200005Z');
  assert.equal(rfc3339Nano(Date.UTC(2024, 0, 2, 3, 4, 5, 0), 0), '2024-01-02T03:04:05Z');
  assert.equal(parseTime('2024-01-02T03:04:05.123456789+01:00'), Date.UTC(2024, 0, 2, 2, 4, 5, 123));
  assert.equal(parseTime('0001-01-01T00:00:00Z'), 0);
});

test('image config merge follows Docker', () => {
  const img = { Env: ['PATH=/bin', 'A=img'], Cmd: ['sh'], Entrypoint: ['/init'], WorkingDir: '/w', User: 'u', Labels: { a: '1', b: '1' } };
  const m = mergeImageConfig({ Env: ['A=user'], Labels: { b: '2' } }, img);
  assert.deepEqual(m.Env, ['A=user', 'PATH=/bin']);
  assert.deepEqual(m.Cmd, ['sh']);
  assert.deepEqual(m.Entrypoint, ['/init']);
  assert.deepEqual(m.Labels, { a: '1', b: '2' });
  assert.equal(m.WorkingDir, '/w');
  assert.equal(m.User, 'u');
  // Entrypoint given: the image's Cmd is dropped
  const e = mergeImageConfig({ Entrypoint: ['echo'] }, img);
  assert.equal(e.Cmd ?? null, null);
  assert.deepEqual(commandOf(e), { path: 'echo', args: [] });
  // Cmd given: image entrypoint kept
  assert.deepEqual(commandOf(mergeImageConfig({ Cmd: ['x'] }, img)), { path: '/init', args: ['x'] });
  // explicit empty entrypoint clears it
  assert.deepEqual(commandOf(mergeImageConfig({ Entrypoint: [''] }, img)), { path: 'sh', args: [] });
  assert.throws(() => commandOf(mergeImageConfig({}, {})), { status: 400, message: 'No command specified' });
});

test('paths resolve inside the root, symlinks clamped', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'berth-scoped-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'etc'));
  await writeFile(join(root, 'etc/passwd'), 'x');
  await symlink('../../../../etc', join(root, 'up'));
  await symlink('/etc/passwd', join(root, 'abs'));
  assert.equal(resolveInRoot(root, '/up/passwd'), join(root, 'etc/passwd'));
  assert.equal(resolveInRoot(root, '/abs'), join(root, 'etc/passwd'));
  assert.equal(resolveInRoot(root, '/abs', false), join(root, 'abs'));
  assert.equal(resolveInRoot(root, '/../../x'), join(root, 'x'));
});

test('signals and names', () => {
  assert.deepEqual(parseSignal('TERM'), { name: 'SIGTERM', number: 15 });
  assert.deepEqual(parseSignal('9'), { name: 'SIGKILL', number: 9 });
  assert.deepEqual(parseSignal(undefined, 'SIGTERM'), { name: 'SIGTERM', number: 15 });
  assert.throws(() => parseSignal('NOPE'), { status: 400 });
  assert.equal(normalizeContainerName('/abc'), 'abc');
  assert.throws(() => normalizeContainerName('-x'), { status: 400 });
});

test('a signal to a container whose exit is being recorded: "not running", never the runtime\'s "no such container"', async () => {
  const { signalContainer } = await import('../../src/container/signal-container.js');
  const { ConflictError, NotFoundError } = await import('../../src/common/errors.js');
  const id = 'c'.repeat(64);
  let state = { Pid: 0, Running: true, Paused: false };
  let kills = 0;
  const ctx = {
    emit: () => undefined,
    store: { get: () => ({ id, state }) },
    // the runtime's delete of the ended run got there first
    runtimeFor: () => ({ kill: async () => { kills++; throw new NotFoundError(`crun: no such container ${id}`, 'ERR_RUNTIME_NOT_FOUND'); } }),
  } as unknown as Parameters<typeof signalContainer>[0];
  const rec = { id, state } as unknown as Parameters<typeof signalContainer>[1];
  const kill = { name: 'SIGKILL', number: 9 };
  await assert.rejects(signalContainer(ctx, rec, kill), (e) => e instanceof ConflictError && e.code === 'ERR_NOT_RUNNING');
  assert.equal(kills, 1);
  // the exit already recorded (Pid 0, not running): the runtime is not asked at all
  state = { Pid: 0, Running: false, Paused: false };
  await assert.rejects(signalContainer(ctx, rec, kill), (e) => e instanceof ConflictError && e.code === 'ERR_NOT_RUNNING');
  assert.equal(kills, 1);
});
