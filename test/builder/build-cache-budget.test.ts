/**
 * The build cache's size budget (BERTH_BUILD_CACHE_BUDGET in the daemon's
 * environment, small here): a build that takes the cache over it evicts the
 * least recently used entries by itself.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;

before(async () => {
  process.env.BERTH_BUILD_CACHE_BUDGET = '3MB'; // inherited by the daemon startDaemon starts
  try { d = await startDaemon(); } finally { delete process.env.BERTH_BUILD_CACHE_BUDGET; }
});
after(async () => { await d?.cleanup(); });

const dockerfile = (name: string) => `FROM busybox\nRUN dd if=/dev/zero of=/${name} bs=1024 count=2048 2>/dev/null\n`;

async function build(name: string): Promise<string> {
  const r = await d.berth(['build', '-t', `budget:${name}`, '-'], { input: dockerfile(name), timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return r.stdout;
}

test('over the size budget, the least recently used entries are evicted', async () => {
  assert.match(await build('first'), /Running in/);
  assert.match(await build('first'), /Using cache/); // 2 MiB: within the budget, kept
  assert.match(await build('second'), /Running in/); // 4 MiB in all: "first" goes
  assert.match(await build('second'), /Using cache/);
  assert.match(await build('first'), /Running in/); // rebuilt; now "second" is the oldest and goes
  assert.match(await build('first'), /Using cache/);
  assert.match(await build('second'), /Running in/);
});
