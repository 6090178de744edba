/** system df (-v, API) reports what the prunes free; system prune frees it. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

const ok = (args: string[]) => d.ok(args);

test('system df counts containers and images; prune reclaims exactly the reclaimable container size', async () => {
  await ok(['run', '-d', '--name', 'live', 'busybox', 'sleep', '60']);
  await ok(['run', '--name', 'dead', 'busybox', 'sh', '-c', 'head -c 300000 /dev/zero > /blob']);
  const df = (await d.api('GET', '/v1.51/system/df')).body;
  assert.ok(df.LayersSize > 0);
  assert.equal(df.Images.length, 1);
  assert.equal(df.Images[0].Containers, 2);
  const dead = df.Containers.find((c: any) => c.Names[0] === '/dead');
  assert.ok(dead.SizeRw >= 300000, JSON.stringify(dead));
  assert.deepEqual(df.Volumes, []);
  assert.deepEqual(df.BuildCache, []);
  const only = (await d.api('GET', '/v1.51/system/df?type=container')).body;
  assert.deepEqual(Object.keys(only), ['Containers']);
  // API 1.53+: per-type summaries, the lists only with verbose
  const current = (await d.api('GET', '/system/df')).body;
  assert.deepEqual(Object.keys(current).sort(), ['BuildCacheUsage', 'ContainerUsage', 'ImageUsage', 'VolumeUsage']);
  assert.deepEqual(current.ContainerUsage, { ActiveCount: 1, TotalCount: 2, TotalSize: current.ContainerUsage.TotalSize, Reclaimable: dead.SizeRw });
  assert.equal(current.ImageUsage.Reclaimable, 0);
  const verboseApi = (await d.api('GET', '/system/df?verbose=1&type=container')).body;
  assert.equal(verboseApi.ContainerUsage.Items.length, 2);
  const both = (await d.api('GET', '/v1.52/system/df?type=image')).body;
  assert.deepEqual(Object.keys(both).sort(), ['ImageUsage', 'Images', 'LayersSize']);
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

test('system df counts volumes and the build cache; system prune frees the build cache', async () => {
  await ok(['volume', 'create', 'data']);
  await ok(['volume', 'create', 'spare']);
  await ok(['run', '--name', 'writer', '-v', 'data:/data', 'busybox', 'sh', '-c', 'head -c 200000 /dev/zero > /data/blob']);
  await ok(['run', '--rm', '-v', 'spare:/s', 'busybox', 'sh', '-c', 'head -c 50000 /dev/zero > /s/blob']);
  const built = await d.berth(['build', '-t', 'df:cache', '-'], { input: 'FROM busybox\nRUN head -c 100000 /dev/zero > /made\n', timeoutMs: 120_000 });
  assert.equal(built.code, 0, built.stderr);

  const legacy = (await d.api('GET', '/v1.51/system/df')).body;
  const vol = (n: string) => legacy.Volumes.find((v: any) => v.Name === n);
  assert.equal(vol('data').UsageData.RefCount, 1);
  assert.equal(vol('data').UsageData.Size, 200000);
  assert.equal(vol('spare').UsageData.RefCount, 0);
  assert.equal(vol('spare').UsageData.Size, 50000);
  assert.equal(legacy.BuildCache.length, 1);
  const entry = legacy.BuildCache[0];
  assert.equal(entry.Type, 'regular');
  assert.equal(entry.Shared, true, 'the tagged image holds the layer');
  assert.ok(entry.Size >= 100000, JSON.stringify(entry));
  assert.match(entry.Description, /head -c 100000/);

  const current = (await d.api('GET', '/system/df')).body;
  assert.deepEqual(current.VolumeUsage, { ActiveCount: 1, TotalCount: 2, TotalSize: 250000, Reclaimable: 50000 });
  assert.equal(current.BuildCacheUsage.TotalCount, 1);
  assert.equal(current.BuildCacheUsage.Reclaimable, 0, 'an image holds the only layer');

  const table = await ok(['system', 'df']);
  assert.match(table, /^Local Volumes\s+2\s+1\s+250kB\s+50kB \(20%\)$/m);
  assert.match(table, /^Build Cache\s+1\s+0\s+0B\s+0B$/m);

  // without the image, the cache entry alone holds the layer: reclaimable, and system prune frees it
  await ok(['rmi', 'df:cache']);
  const freed = (await d.api('GET', '/system/df?type=build-cache')).body.BuildCacheUsage;
  assert.equal(freed.Reclaimable, entry.Size);
  const verbose = await ok(['system', 'df', '-v']);
  assert.match(verbose, /Local Volumes space usage:\n\nVOLUME NAME\s+LINKS\s+SIZE\n/);
  assert.match(verbose, /^data\s+1\s+200kB$/m);
  assert.match(verbose, new RegExp(`CACHE ID\\s+CACHE TYPE\\s+SIZE\\s+CREATED\\s+LAST USED\\s+USAGE\\s+SHARED\\n${entry.ID.slice(0, 12)}\\s+regular\\s+`));
  const prune = await ok(['system', 'prune', '-f']);
  assert.match(prune, new RegExp(`Deleted build cache objects:\\n${entry.ID}\\n`));
  assert.deepEqual((await d.api('GET', '/system/df?type=build-cache')).body.BuildCacheUsage, { ActiveCount: 0, TotalCount: 0, TotalSize: 0, Reclaimable: 0 });
  await ok(['volume', 'rm', 'data', 'spare']);
});
