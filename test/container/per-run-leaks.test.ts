/**
 * What a finished `run --rm` leaves in the daemon (issue 27's heap snapshot diff): its attach to conmon
 * is closed (before, the SOCK_SEQPACKET socket stayed open and, through the binding's persistent handle,
 * kept the attach's HTTP request and response in the heap: one fd and ~15 KB per run), and the json-file
 * converter forgets a removed container once its record is gone (before, one id per container, forever).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { JsonLogConverter, jsonLogFiles } from '../../src/container/json-log.js';

const fdCount = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

test('10 `run --rm` leave no open descriptor behind in the daemon (attach sockets are closed)', { timeout: 180_000 }, async () => {
  let d: TestDaemon | undefined;
  try {
    d = await startDaemon();
    // the first run loads what later runs reuse (image, database pages, lazily loaded modules)
    await d.ok(['run', '--rm', 'busybox', 'true']);
    const before = fdCount(d.pid);
    for (let i = 0; i < 10; i++) assert.equal(await d.ok(['run', '--rm', 'busybox', 'echo', `run-${i}`]), `run-${i}\n`);
    // one leaked socket per run was +10; a descriptor or two may come and go with the database or a watcher.
    // The last run's own teardown (its removal, its attach's close) may still be under way when the CLI
    // returns, so the count has a few seconds to settle: a leak never does
    let after = fdCount(d.pid);
    await waitFor(() => (after = fdCount(d!.pid)) - before <= 2, 10_000, 'the daemon\'s descriptors to settle').catch(() => {});
    assert.ok(after - before <= 2, `daemon descriptors ${before} -> ${after} after 10 runs`);
  } finally { await d?.cleanup(); }
});

test('the json-file converter forgets a removed container once its record is gone, and never converts it again', async () => {
  const dir = mkdtempSync('/tmp/bt-jlog-gone-');
  const records = new Set(['c1']);
  const conv = new JsonLogConverter(() => false, undefined, (id) => records.has(id));
  try {
    const files = jsonLogFiles(join(dir, 'c1'), 'c1', join(dir, 'c1.log'));
    await conv.untrack('c1');
    const gone = (conv as unknown as { gone: Set<string> }).gone;
    assert.ok(gone.has('c1'), 'held while the removal is under way');
    records.delete('c1');
    await waitFor(() => gone.size === 0, 10_000, 'the converter to drop the removed id');
    // a late sync (an exit report, a `logs -f` catching up) must not recreate the removed directory
    await conv.sync('c1', files, true);
    conv.track('c1', files);
    assert.ok(!existsSync(join(dir, 'c1')), 'a removed container\'s directory was made again');
  } finally {
    await conv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
