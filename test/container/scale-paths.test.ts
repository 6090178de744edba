/**
 * The daemon paths that used to grow with the number of containers (issue 27) answer as before:
 * ps reads networks, ports and mounts once for the whole list and the container records from
 * memory, addresses are allocated from a single read, and isMounted asks statx for one path.
 * Each is checked against the per-container answer it replaces (inspect, mountinfo, the store).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startDaemon, mountsUnder, type TestDaemon } from '../helpers/daemon.js';
import { openDatabase, tx, type Db } from '../../src/store/db.js';
import { ContainerStore, initialState, type ContainerRecord } from '../../src/record/container-store.js';
import { NetworkStore, type EndpointRecord } from '../../src/network/network-store.js';
import { isMounted, mountPoints } from '../../src/snapshot/mounts.js';

function record(id: string, name: string): ContainerRecord {
  return {
    id, name, imageId: 'sha256:' + 'a'.repeat(64), imageRef: 'busybox', created: new Date().toISOString(), path: 'sleep', args: ['1'],
    config: { Labels: { n: name } } as any, hostConfig: { NetworkMode: 'none' } as any, state: initialState(), restartCount: 0,
    runtime: 'crun', conmonPid: 0, manuallyStopped: false,
  };
}

/** fn with a fresh database in a temporary directory (path: for a second connection), closed and removed after. */
function withTempDb(fn: (db: Db, path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'berth-scale-paths-'));
  const path = join(dir, 'db.sqlite');
  const db = openDatabase(path);
  try { fn(db, path); } finally { db.close(); rmSync(dir, { recursive: true, force: true }); }
}

test('the records ps reads from memory follow every write, and a rollback', () => {
  withTempDb((db) => {
    const a = new ContainerStore(db);
    const b = new ContainerStore(db); // another module's store on the same database shares the copy
    const fromDb = () => a.all(); // parsed from SQLite on each call
    a.insert(record('1'.repeat(64), 'one'));
    assert.deepEqual(b.allReadonly(), fromDb());
    a.insert(record('2'.repeat(64), 'two'));
    assert.deepEqual(b.allReadonly().map((r) => r.name), ['two', 'one']);
    a.mutate('1'.repeat(64), (r) => { r.state.Status = 'running'; r.state.Running = true; });
    a.rename('2'.repeat(64), 'deux');
    assert.deepEqual(b.allReadonly(), fromDb());
    // a change undone by its transaction must not stay in memory
    assert.throws(() => tx(db, () => { a.mutate('2'.repeat(64), (r) => { r.state.ExitCode = 7; }); throw new Error('undo'); }), /undo/);
    assert.equal(b.allReadonly().find((r) => r.name === 'deux')!.state.ExitCode, 0);
    assert.deepEqual(b.allReadonly(), fromDb());
    // a name clash fails the insert and leaves both copies as they were
    assert.throws(() => a.insert(record('3'.repeat(64), 'one')), /already in use/);
    assert.deepEqual(b.allReadonly(), fromDb());
    a.delete('1'.repeat(64));
    assert.deepEqual(b.allReadonly(), fromDb());
    // an update of a row that is gone does not bring it back in memory
    a.update(record('1'.repeat(64), 'ghost'));
    assert.deepEqual(b.allReadonly(), fromDb());
    // shared records are frozen: a reader that tries to change one fails instead of changing everyone's
    const shared = b.allReadonly()[0] as ContainerRecord;
    assert.throws(() => { shared.state.Status = 'dead'; }, TypeError);
    assert.throws(() => { (shared.config.Labels as Record<string, string>).x = 'y'; }, TypeError);
    // get() still hands out a record of its own to change
    const own = a.get('2'.repeat(64))!;
    own.state.Status = 'dead';
    assert.equal(b.allReadonly()[0].state.Status, 'created');
  });
});

test('getReadonly (the log poll\'s look-up, each second per container) follows every write, and a rollback', () => {
  withTempDb((db) => {
    const a = new ContainerStore(db);
    const b = new ContainerStore(db);
    const [one, two] = ['1'.repeat(64), '2'.repeat(64)];
    assert.equal(b.getReadonly(one), undefined);
    a.insert(record(one, 'one'));
    assert.deepEqual(b.getReadonly(one), a.get(one), 'an insert after the first (empty) read');
    a.insert(record(two, 'two'));
    a.mutate(one, (r) => { r.state.Running = true; });
    assert.equal(b.getReadonly(one)!.state.Running, true);
    assert.throws(() => tx(db, () => { a.mutate(one, (r) => { r.state.Running = false; }); throw new Error('undo'); }), /undo/);
    assert.equal(b.getReadonly(one)!.state.Running, true, 'a rolled back change');
    a.delete(one);
    assert.equal(b.getReadonly(one), undefined);
    assert.deepEqual(b.getReadonly(two), a.get(two));
    assert.ok(Object.isFrozen(b.getReadonly(two)!.state));
    // the seq index: creation order (ps's newest first) and the next seq follow as before
    a.insert(record('3'.repeat(64), 'three'));
    assert.deepEqual(b.allReadonly().map((r) => r.name), ['three', 'two']);
    assert.ok(a.seqOf('3'.repeat(64)) > a.seqOf(two));
  });
});

test('the addresses allocation reads from memory follow every endpoint write, a rollback, and another store on the database', () => {
  withTempDb((db, path) => {
    const a = new NetworkStore(db);
    const b = new NetworkStore(db);
    const net = { id: 'n'.repeat(64), name: 'n', driver: 'bridge', created: '', subnet: '10.9.0.0/24', gateway: '10.9.0.1', labels: {}, options: {}, bridge: 'br-n' } as any;
    const other = { ...net, id: 'm'.repeat(64), name: 'm', bridge: 'br-m' };
    a.insertNetwork(net);
    a.insertNetwork(other);
    const ep = (c: string, n: string, ip: string, staticIp = ''): EndpointRecord => ({ containerId: c, networkId: n, endpointId: '', aliases: [], staticIp, ip, mac: '', veth: '', ifname: '', seq: 0 });
    // what SQLite holds, read by a store on another connection (its own copy, read afresh)
    const fromDb = (n: string) => {
      const fresh = openDatabase(path);
      try { return [...new NetworkStore(fresh).addresses(n)].sort((x, y) => x.containerId.localeCompare(y.containerId)); } finally { fresh.close(); }
    };
    const mine = (n: string) => [...b.addresses(n)].sort((x, y) => x.containerId.localeCompare(y.containerId));
    assert.deepEqual(mine(net.id), []);
    a.putEndpoint(ep('c1', net.id, '10.9.0.2'));
    a.putEndpoint(ep('c2', net.id, '', '10.9.0.50'));
    a.putEndpoint({ ...ep('c3', net.id, '10.9.0.3'), ip6: 'fd00::3', staticIp6: 'fd00::9' });
    a.putEndpoint(ep('c1', other.id, '10.9.0.2'));
    assert.deepEqual(mine(net.id), fromDb(net.id));
    assert.deepEqual(mine(net.id).find((x) => x.containerId === 'c1'), { containerId: 'c1', ip: '10.9.0.2', staticIp: '', ip6: null, staticIp6: null });
    a.putEndpoint(ep('c1', net.id, '')); // stopped: its address is free again
    assert.deepEqual(mine(net.id), fromDb(net.id));
    a.deleteEndpoint('c2', net.id);
    assert.deepEqual(mine(net.id), fromDb(net.id));
    assert.throws(() => tx(db, () => { a.putEndpoint(ep('c9', net.id, '10.9.0.9')); throw new Error('undo'); }), /undo/);
    assert.deepEqual(mine(net.id), fromDb(net.id), 'a rolled back endpoint');
    assert.ok(!mine(net.id).some((x) => x.containerId === 'c9'));
    a.deleteEndpointsOf('c1');
    assert.deepEqual(mine(net.id), fromDb(net.id));
    assert.deepEqual(mine(other.id), []);
    a.deleteNetwork(other.id);
    a.insertNetwork(other);
    assert.deepEqual(mine(other.id), []);
  });
});

test('an id prefix resolves through the index as it did through LIKE: unique, ambiguous, unknown, then a name', () => {
  withTempDb((db) => {
    const s = new ContainerStore(db);
    const abc = 'abc' + '0'.repeat(61);
    s.insert(record(abc, 'first'));
    s.insert(record('abd' + '0'.repeat(61), 'second'));
    s.insert(record('ab' + 'f'.repeat(62), 'third'));
    s.insert(record('b'.repeat(64), 'ab')); // a name that is also a prefix: the name wins, as Docker's order
    assert.equal(s.resolve('abc').id, abc);
    assert.equal(s.resolve('abc0000').id, abc);
    assert.equal(s.resolve(abc).id, abc);
    assert.equal(s.resolve('abff').name, 'third');
    assert.equal(s.resolve('ab').name, 'ab');
    assert.throws(() => s.resolve('abd0000000000000000000000000000000000000000000000000000000000000001'), { code: 'ERR_CONTAINER_NOT_FOUND' });
    assert.throws(() => s.resolve('a'), /Multiple IDs found with provided prefix: a/);
    assert.equal(s.tryResolve('abe'), undefined);
    assert.equal(s.tryResolve('c'), undefined);
    assert.equal(s.tryResolve('ABC'), undefined, 'not hex in lower case: neither a prefix nor a name');
  });
});

test('isMounted (statx) agrees with mountinfo: a mount, after umount, a symlink, a missing path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-mnt-'));
  const target = join(dir, 'm');
  mkdirSync(target);
  symlinkSync(target, join(dir, 'link'));
  const mi = async (p: string) => (await mountPoints()).includes(p);
  try {
    assert.equal(await isMounted(target), false);
    const r = spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', target], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(await isMounted(target), true);
    assert.equal(await mi(target), true);
    assert.equal(await isMounted(join(dir, 'link')), false, 'mountinfo lists resolved paths, not the symlink');
    assert.equal(await isMounted(dir), false);
    mkdirSync(join(target, 'sub'));
    assert.equal(await isMounted(join(target, 'sub')), false);
    spawnSync('umount', [target]);
    assert.equal(await isMounted(target), false);
    assert.equal(await mi(target), false);
    assert.equal(await isMounted(join(dir, 'missing')), false);
    // every mount point the host lists (a sample) is one for statx too
    for (const p of [...new Set(await mountPoints())].filter((x) => !x.includes(' ')).slice(0, 200)) assert.equal(await isMounted(p), true, p);
  } finally {
    spawnSync('umount', ['-l', target]);
    rmSync(dir, { recursive: true, force: true });
  }
});

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

const ok = (args: string[]) => d.ok(args);

test('ps shows each container\'s networks, ports and mounts as inspect does (a mixed set)', async () => {
  await ok(['network', 'create', 'scalenet']);
  await ok(['volume', 'create', 'scalevol']);
  const ids = [
    (await ok(['run', '-d', '--name', 'sp-bridge', '-p', '127.0.0.1::80', '--expose', '81', 'busybox', 'sleep', '300'])).trim(),
    (await ok(['run', '-d', '--name', 'sp-user', '--network', 'scalenet', '--network-alias', 'al', '-v', 'scalevol:/data', 'busybox', 'sleep', '300'])).trim(),
    (await ok(['run', '-d', '--name', 'sp-none', '--network', 'none', '--tmpfs', '/t', '-v', '/tmp:/hosttmp:ro', 'busybox', 'sleep', '300'])).trim(),
    (await ok(['run', '-d', '--name', 'sp-host', '--network', 'host', '-l', 'k=v', 'busybox', 'sleep', '300'])).trim(),
    (await ok(['create', '--name', 'sp-created', '--network', 'scalenet', 'busybox', 'true'])).trim(),
    (await ok(['run', '--name', 'sp-exited', '-v', 'scalevol:/data', 'busybox', 'true'])).trim() || '',
  ];
  await ok(['network', 'connect', 'scalenet', 'sp-bridge']);
  const ps = await d.api('GET', '/containers/json?all=1');
  assert.equal(ps.status, 200);
  const byName = new Map((ps.body as any[]).map((c) => [c.Names[0].slice(1), c]));
  for (const name of ['sp-bridge', 'sp-user', 'sp-none', 'sp-host', 'sp-created', 'sp-exited']) {
    const c = byName.get(name);
    assert.ok(c, `${name} listed`);
    const ins = (await d.api('GET', `/containers/${name}/json`)).body;
    assert.deepEqual(c.NetworkSettings.Networks, ins.NetworkSettings.Networks, `${name}: networks`);
    assert.deepEqual(c.Mounts, ins.Mounts, `${name}: mounts`);
    // ps ports: the published ones (as inspect's Ports) and the exposed ones without a host port
    const fromInspect: string[] = [];
    for (const [k, binds] of Object.entries(ins.NetworkSettings.Ports ?? {}) as [string, any[] | null][]) {
      const [port, proto] = k.split('/');
      if (binds) for (const b of binds) fromInspect.push(`${b.HostIp}:${b.HostPort}->${port}/${proto}`);
    }
    const fromPs = (c.Ports as any[]).filter((p) => p.PublicPort).map((p) => `${p.IP}:${p.PublicPort}->${p.PrivatePort}/${p.Type}`);
    assert.deepEqual(fromPs.sort(), fromInspect.sort(), `${name}: ports`);
  }
  const bridge = byName.get('sp-bridge');
  assert.deepEqual(Object.keys(bridge.NetworkSettings.Networks).sort(), ['bridge', 'scalenet']);
  assert.ok((bridge.Ports as any[]).some((p) => p.PrivatePort === 81 && !p.PublicPort), 'an exposed port without a host port');
  assert.equal(byName.get('sp-user').NetworkSettings.Networks.scalenet.Aliases.includes('al'), true);
  assert.equal(byName.get('sp-user').Mounts[0].Name, 'scalevol');
  assert.equal(byName.get('sp-none').Mounts.length, 1, '--tmpfs stays out of ps, as in Docker');
  // what ps shows follows changes at once: a stop, a rename, a removal
  await ok(['stop', '-t', '0', 'sp-host']);
  await ok(['rename', 'sp-none', 'sp-none2']);
  await ok(['rm', '-f', 'sp-user']);
  const after2 = (await d.api('GET', '/containers/json?all=1')).body as any[];
  const names = after2.map((c) => c.Names[0]);
  assert.ok(!names.includes('/sp-user') && names.includes('/sp-none2') && !names.includes('/sp-none'));
  assert.equal(after2.find((c) => c.Names[0] === '/sp-host').State, 'exited');
  const running = (await d.api('GET', '/containers/json')).body as any[];
  assert.deepEqual(running.map((c) => c.Names[0]).sort(), ['/sp-bridge', '/sp-none2']);
  for (const id of ids) if (id) await d.api('DELETE', `/containers/${id}?force=1`);
  await ok(['network', 'rm', 'scalenet']);
});

test('addresses on a user network: a stopped container keeps its --ip, a freed address is given again, also after a daemon restart', async () => {
  await ok(['network', 'create', '--subnet', '10.77.5.0/29', 'addrnet']);
  const ipOf = async (name: string) => (await d.api('GET', `/containers/${name}/json`)).body.NetworkSettings.Networks.addrnet.IPAddress as string;
  await ok(['run', '-d', '--name', 'ad-fixed', '--network', 'addrnet', '--ip', '10.77.5.2', 'busybox', 'sleep', '300']);
  await ok(['stop', '-t', '0', 'ad-fixed']);
  await ok(['run', '-d', '--name', 'ad-a', '--network', 'addrnet', 'busybox', 'sleep', '300']);
  assert.equal(await ipOf('ad-a'), '10.77.5.3', 'the stopped container\'s --ip stays its own');
  await ok(['run', '-d', '--name', 'ad-b', '--network', 'addrnet', 'busybox', 'sleep', '300']);
  assert.equal(await ipOf('ad-b'), '10.77.5.4');
  const taken = await d.berth(['run', '-d', '--name', 'ad-clash', '--network', 'addrnet', '--ip', '10.77.5.3', 'busybox', 'sleep', '300']);
  assert.notEqual(taken.code, 0);
  assert.match(taken.stderr, /Address already in use/);
  await ok(['rm', '-f', 'ad-clash']);
  await ok(['rm', '-f', 'ad-a']);
  await d.restart();
  await ok(['run', '-d', '--name', 'ad-c', '--network', 'addrnet', 'busybox', 'sleep', '300']);
  assert.equal(await ipOf('ad-c'), '10.77.5.3', 'the removed container\'s address, after a restart');
  await ok(['start', 'ad-fixed']);
  assert.equal(await ipOf('ad-fixed'), '10.77.5.2');
  await ok(['run', '-d', '--name', 'ad-d', '--network', 'addrnet', 'busybox', 'sleep', '300']);
  assert.equal(await ipOf('ad-d'), '10.77.5.5');
  await ok(['rm', '-f', 'ad-fixed', 'ad-b', 'ad-c', 'ad-d']);
  await ok(['network', 'rm', 'addrnet']);
});

test('50 containers created and started at once get unique names and addresses, and leave no mounts', async () => {
  const n = 50;
  const made = await Promise.all(Array.from({ length: n }, async () => {
    const c = await d.api('POST', '/containers/create', { Image: 'busybox', Cmd: ['sleep', '300'], HostConfig: { NetworkMode: 'default' } });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    const s = await d.api('POST', `/containers/${c.body.Id}/start`);
    assert.equal(s.status, 204, JSON.stringify(s.body));
    return c.body.Id as string;
  }));
  const list = ((await d.api('GET', '/containers/json')).body as any[]).filter((c) => made.includes(c.Id));
  assert.equal(list.length, n);
  assert.equal(new Set(list.map((c) => c.Names[0])).size, n);
  const ips = list.map((c) => c.NetworkSettings.Networks.bridge.IPAddress);
  assert.ok(ips.every((ip) => /^172\.17\.\d+\.\d+$/.test(ip)), ips.join(' '));
  assert.equal(new Set(ips).size, n, 'unique addresses');
  await Promise.all(made.map((id) => d.api('DELETE', `/containers/${id}?force=1`)));
  assert.deepEqual([...mountsUnder(d.root), ...mountsUnder(d.runRoot)].filter((m) => made.some((id) => m.includes(id))), []);
  assert.equal(((await d.api('GET', '/containers/json?all=1')).body as any[]).filter((c) => made.includes(c.Id)).length, 0);
});
