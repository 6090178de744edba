/** system df (-v, API) reports what the prunes free; system prune frees it. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

async function ok(args: string[]): Promise<string> {
  const r = await d.berth(args);
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('system df counts containers and images; prune reclaims exactly the reclaimable container size', async () => {
  await ok(['run', '-d', '--name', 'live', 'busybox', 'sleep', '60']);
  await ok(['run', '--name', 'dead', 'busybox', 'sh', '-c', 'head -c 300000 /dev/zero > /blob']);
  const df = (await d.api('GET', '/system/df')).body;
  assert.ok(df.LayersSize > 0);
  assert.equal(df.Images.length, 1);
  assert.equal(df.Images[0].Containers, 2);
  const dead = df.Containers.find((c: any) => c.Names[0] === '/dead');
  assert.ok(dead.SizeRw >= 300000, JSON.stringify(dead));
  assert.deepEqual(df.Volumes, []);
  const only = (await d.api('GET', '/system/df?type=container')).body;
  assert.deepEqual(Object.keys(only), ['Containers']);
  const table = await ok(['system', 'df']);
  assert.match(table, /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE\n/);
  assert.match(table, /^Images\s+1\s+1\s+\S+\s+0B \(0%\)$/m);
  assert.match(table, /^Containers\s+2\s+1\s+\S+\s+\S+ \(100%\)$/m);
  const verbose = await ok(['system', 'df', '-v']);
  assert.match(verbose, /Images space usage:\n\nREPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\s+SHARED SIZE\s+UNIQUE SIZE\s+CONTAINERS\nbusybox\s+latest/);
  assert.match(verbose, /Containers space usage:\n\nCONTAINER ID\s+IMAGE\s+COMMAND\s+LOCAL VOLUMES\s+SIZE\s+CREATED\s+STATUS\s+NAMES/);
  const prune = await ok(['system', 'prune', '-f']);
  assert.match(prune, /Deleted Containers:\n[0-9a-f]{64}\n/);
  const reclaimed = /Total reclaimed space: (\S+)/.exec(prune)![1];
  assert.match(reclaimed, /^(3\d\d(\.\d+)?kB)$/);
  assert.equal((await ok(['ps', '-a', '--format', '{{.Names}}'])).trim(), 'live');
  // -a removes images no container uses: none here, the running container holds busybox
  await ok(['system', 'prune', '-a', '-f']);
  assert.match(await ok(['images', '-q']), /^[0-9a-f]{12}\n$/);
  await ok(['rm', '-f', 'live']);
  const all = await ok(['system', 'prune', '-a', '-f']);
  assert.match(all, /Deleted Images:\n(untagged|deleted): /);
  assert.equal((await ok(['images', '-q'])).trim(), '');
});
