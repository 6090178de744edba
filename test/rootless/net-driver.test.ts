/**
 * Rootless network drivers and host ports, as a real unprivileged user: pasta and slirp4netns connect a
 * user-owned network namespace to a stand-in host (its own namespace, see test/helpers/rootless-net-host.ts),
 * and published ports are bound on the host by the entry and served by the "daemon" inside.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, chmodSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { bundleFixture, hostClient, hostUdpClient, loopbackResolver, makeNetHost, makeUser, startEntry, HOST_ADDRESS, REMOTE_ADDRESS, type NetHost, type NetUser } from '../helpers/rootless-net-host.js';
import { chooseDriver, checkTun, findProgram } from '../../src/rootless/net/driver-tools.js';
import { rootlessResolvConf } from '../../src/rootless/net/resolv.js';

let user: NetUser;
let fx: Awaited<ReturnType<typeof bundleFixture>>;
const hosts: NetHost[] = [];

async function host(opts: Parameters<typeof makeNetHost>[0] = {}): Promise<NetHost> {
  const h = await makeNetHost(opts);
  hosts.push(h);
  return h;
}

before(async () => {
  for (const tool of ['pasta', 'slirp4netns', 'setpriv', 'nsenter', 'unshare', 'useradd']) {
    assert.ok(findProgram(tool, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'), `${tool} is needed for these tests (scripts/install-deps.sh installs passt, slirp4netns, util-linux)`);
  }
  user = makeUser();
  fx = await bundleFixture(user);
});

after(async () => {
  for (const h of hosts) await h.cleanup();
  fx?.cleanup();
  user?.cleanup();
});

for (const driver of ['pasta', 'slirp4netns'] as const) {
  test(`${driver}: the namespace reaches a TCP server on the host side`, async () => {
    const h = await host();
    const e = await startEntry(h, user, fx, driver);
    try {
      assert.equal(e.attached.attached, true, `attach failed: ${e.attached.message} ${e.stderr()}`);
      assert.equal(e.attached.driver, driver);
      // pasta maps its gateway to the host; slirp4netns (host loopback off) reaches the host at its own address
      const target = driver === 'pasta' ? e.attached.gateway! : HOST_ADDRESS;
      const r = await e.cmd({ op: 'connect', host: target, port: 7100 });
      assert.equal(r.ok, true, r.message);
      assert.match(r.text!, /^hello from the host/);
      // names: the driver's DNS address answers with the host's resolver, here one on the host's loopback
      const resolver = loopbackResolver(h, fx, '10.99.0.77');
      try {
        let got: Awaited<ReturnType<typeof e.cmd>> = { ok: false };
        for (let i = 0; i < 20 && got.text !== '10.99.0.77'; i++) {
          got = await e.cmd({ op: 'dns', server: e.attached.dns, name: 'registry.example' });
          if (got.text !== '10.99.0.77') await new Promise((res) => setTimeout(res, 100));
        }
        assert.equal(got.text, '10.99.0.77', got.message);
      } finally {
        resolver.stop();
      }
    } finally {
      await e.stop();
    }
  });
}

/** pids of driver processes (or their keepers) that name the holder's pid */
function driverPids(program: string, holder: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let argv: string[];
    try { argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0'); } catch { continue; }
    if (argv.some((a) => a.endsWith(program)) && argv.some((a) => a === String(holder) || a === `/proc/${holder}/ns/net`)) out.push(Number(d));
  }
  return out;
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (cond()) return true; await new Promise((r) => setTimeout(r, 100)); }
  return cond();
}

for (const driver of ['pasta', 'slirp4netns'] as const) {
  test(`${driver} outlives the entry and ends with the namespace's holder`, async () => {
    const h = await host();
    const e = await startEntry(h, user, fx, driver);
    const holder = e.attached.holder!;
    try {
      assert.equal(e.attached.attached, true, e.attached.message);
      assert.ok(driverPids(driver, holder).length > 0, 'the driver runs');
      await e.kill();
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(driverPids(driver, holder).length > 0, 'the driver lives on without the entry');
      process.kill(holder, 'SIGKILL');
      assert.ok(await until(() => driverPids(driver, holder).length === 0, 5_000), 'the driver ends with the holder');
    } finally {
      try { process.kill(holder, 'SIGKILL'); } catch { /* gone */ }
      for (const pid of driverPids(driver, holder)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
      await e.stop();
    }
  });
}

test('the default order picks pasta', async () => {
  const h = await host();
  const e = await startEntry(h, user, fx, '');
  try {
    assert.equal(e.attached.driver, 'pasta', e.attached.message);
  } finally {
    await e.stop();
  }
});

test('a published port is bound on the host by the entry and served inside the namespace', async () => {
  const h = await host();
  const e = await startEntry(h, user, fx, 'pasta');
  try {
    assert.equal(e.attached.attached, true, e.attached.message);
    const r = await e.cmd({ op: 'publish', hostPort: 18080 });
    assert.equal(r.ok, true, r.message);
    const got = hostClient(h, fx, HOST_ADDRESS, 18080, 'one');
    assert.match(got.out, /^seen 10\.99\.0\.2 one/, got.out);
    // the same port again: Docker's wording, the in-use code
    const again = await e.cmd({ op: 'publish', container: 'c2', hostPort: 18080 });
    assert.equal(again.ok, false);
    assert.equal(again.code, 'ERR_PORT_IN_USE');
    const probe = await e.cmd({ op: 'probe', hostPort: 18080 });
    assert.equal(probe.free, false);
    const un = await e.cmd({ op: 'unpublish' });
    assert.equal(un.ok, true);
    assert.match(hostClient(h, fx, HOST_ADDRESS, 18080).out, /ECONNREFUSED/);
    assert.equal((await e.cmd({ op: 'probe', hostPort: 18080 })).free, true);
  } finally {
    await e.stop();
  }
});

test('a published port reaches a container with the client\'s own address (transparent relay)', async () => {
  const h = await host();
  const e = await startEntry(h, user, fx, 'pasta');
  try {
    const c = await e.cmd({ op: 'container' });
    assert.equal(c.ok, true, c.message);
    const r = await e.cmd({ op: 'publish', hostPort: 18081, toContainer: true });
    assert.equal(r.ok, true, r.message);
    // a client on another machine: the container sees that machine's address
    const remote = hostClient(h, fx, HOST_ADDRESS, 18081, 'far', 'remote');
    assert.match(remote.out, new RegExp(`^seen ${REMOTE_ADDRESS.replace(/\./g, '\\.')} far`), remote.out);
    // a client on the host itself, by the host's address: that address
    const local = hostClient(h, fx, HOST_ADDRESS, 18081, 'near');
    assert.match(local.out, new RegExp(`^seen ${HOST_ADDRESS.replace(/\./g, '\\.')} near`), local.out);
    // through the host's loopback: 127.0.0.1 cannot be a source on the bridge, so the gateway
    const loop = hostClient(h, fx, '127.0.0.1', 18081, 'loop');
    assert.match(loop.out, /^seen 172\.31\.250\.1 loop/, loop.out);
  } finally {
    await e.stop();
  }
});

test('a UDP port is relayed both ways', async () => {
  const h = await host();
  const e = await startEntry(h, user, fx, 'pasta');
  try {
    const r = await e.cmd({ op: 'publish', proto: 'udp', hostPort: 18053 });
    assert.equal(r.ok, true, r.message);
    const got = hostUdpClient(h, fx, HOST_ADDRESS, 18053, 'dgram');
    assert.match(got.out, /^seen 127\.0\.0\.1 dgram/, got.out);
  } finally {
    await e.stop();
  }
});

test('a port below 1024: refused with the sysctl named, allowed where the sysctl allows it', async () => {
  const strict = await host({ unprivilegedPortStart: 1024 });
  const e1 = await startEntry(strict, user, fx, 'pasta');
  try {
    const r = await e1.cmd({ op: 'publish', hostPort: 80 });
    assert.equal(r.ok, false);
    assert.equal(r.code, 'ERR_ROOTLESS_NET_PORT');
    assert.match(r.message!, /net\.ipv4\.ip_unprivileged_port_start=1024/);
    assert.match(r.message!, /sysctl -w net\.ipv4\.ip_unprivileged_port_start=80/);
  } finally {
    await e1.stop();
  }
  const open = await host({ unprivilegedPortStart: 80 });
  const e2 = await startEntry(open, user, fx, 'pasta');
  try {
    const r = await e2.cmd({ op: 'publish', hostPort: 80 });
    assert.equal(r.ok, true, r.message);
    assert.match(hostClient(open, fx, HOST_ADDRESS, 80, 'low').out, /^seen 10\.99\.0\.2 low/);
  } finally {
    await e2.stop();
  }
});

test('the daemon\'s resolv.conf: loopback resolvers become the driver\'s DNS forwarder', () => {
  assert.equal(rootlessResolvConf('search lan\nnameserver 127.0.0.53\noptions edns0\n', '169.254.1.1'), 'search lan\nnameserver 169.254.1.1\noptions edns0\n');
  assert.equal(rootlessResolvConf('nameserver 192.0.2.53\nnameserver 127.0.0.1\n', '10.0.2.3'), 'nameserver 192.0.2.53\nnameserver 10.0.2.3\n');
  assert.equal(rootlessResolvConf('', '10.0.2.3'), 'nameserver 10.0.2.3\n');
});

test('no pasta and no slirp4netns: one message naming both packages', () => {
  const empty = mkdtempSync(join(tmpdir(), 'berth-nopath-'));
  try {
    assert.throws(() => chooseDriver(undefined, empty), (e: any) => e.code === 'ERR_ROOTLESS_NET_DRIVER' && /"passt"/.test(e.message) && /slirp4netns/.test(e.message));
    assert.throws(() => chooseDriver('slirp4netns', empty), (e: any) => e.code === 'ERR_ROOTLESS_NET_DRIVER' && /apt-get install slirp4netns/.test(e.message));
    // only slirp4netns installed: the fallback
    writeFileSync(join(empty, 'slirp4netns'), '#!/bin/sh\n');
    chmodSync(join(empty, 'slirp4netns'), 0o755);
    assert.equal(chooseDriver(undefined, empty).name, 'slirp4netns');
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('a /dev/net/tun the user may not open: the message says so', async () => {
  assert.throws(() => checkTun('/nonexistent/tun'), (e: any) => e.code === 'ERR_ROOTLESS_NET_TUN' && /modprobe tun/.test(e.message));
  const h = await host({ tunMode: '0600' });
  const e = await startEntry(h, user, fx, 'pasta');
  try {
    assert.equal(e.attached.attached, false);
    assert.equal(e.attached.code, 'ERR_ROOTLESS_NET_TUN');
    assert.match(e.attached.message!, /chmod 0666 \/dev\/net\/tun/);
  } finally {
    await e.stop();
  }
});
