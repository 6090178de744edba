/**
 * Bridge networking against a real daemon in a network namespace this test
 * creates: addresses, names, published ports, isolation, and cleanup (also
 * after a daemon crash). Host-side checks run with nsenter in that namespace.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
const started: number[] = [];
before(async () => { d = await startDaemon(); });
after(async () => {
  for (const p of started) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
  await d?.cleanup();
});

/** a command in the daemon's (the test's) network namespace */
function inNs(args: string[], timeoutMs = 15_000): { code: number; out: string } {
  const r = spawnSync('nsenter', [`--net=/run/netns/${d.netns}`, ...args], { encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status ?? 1, out: (r.stdout ?? '') + (r.stderr ?? '') };
}
const links = () => inNs(['ip', '-o', 'link', 'show']).out;
const ruleset = () => inNs(['nft', 'list', 'table', 'ip', 'berth']).out;

const ok = (args: string[]) => d.ok(args);

test('the default bridge gives a container an address on berth0 and a route out', async () => {
  const out = await ok(['run', '--rm', 'busybox', 'sh', '-c', 'ip -4 -o addr show eth0; ip route']);
  assert.match(out, /inet 172\.17\.0\.\d+\/16/);
  assert.match(out, /default via 172\.17\.0\.1/);
  assert.match(links(), /berth0/);
  const id = (await ok(['run', '-d', 'busybox', 'sleep', '60'])).trim();
  try {
    // API v1.52 dropped the top-level IPAddress/Gateway (the CLI speaks v1.55): the endpoint carries them
    const ns = JSON.parse(await ok(['inspect', '-f', '{{json .NetworkSettings}}', id]));
    assert.match(ns.Networks.bridge.IPAddress, /^172\.17\.0\.\d+$/);
    assert.equal(ns.Networks.bridge.Gateway, '172.17.0.1');
    assert.equal(ns.IPAddress, undefined);
    assert.match(ns.Networks.bridge.MacAddress, /^02:42:ac:11:/);
    // older clients still get the legacy fields, taken from the default endpoint
    const legacy = (await d.api('GET', `/v1.43/containers/${id}/json`)).body as any;
    assert.equal(legacy.NetworkSettings.IPAddress, ns.Networks.bridge.IPAddress);
    assert.equal(legacy.NetworkSettings.Gateway, '172.17.0.1');
  } finally {
    await ok(['rm', '-f', id]);
  }
});

test('names and aliases resolve on a user-defined network; ports answer on loopback and through the host (hairpin)', async () => {
  await ok(['network', 'create', '--subnet', '10.77.0.0/24', 'app']);
  await ok(['run', '-d', '--name', 'web', '--network', 'app', '--network-alias', 'www', '-p', '127.0.0.1:8080:80', '-p', '8081:80',
    'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
  const out = await ok(['run', '--rm', '--network', 'app', 'busybox', 'sh', '-c', 'wget -qO- http://web/hostname; wget -qO- http://www/hostname; nslookup www | grep -c 10.77.0.2']);
  const webId = (await ok(['inspect', '-f', '{{.Id}}', 'web'])).trim();
  assert.equal(out, `${webId.slice(0, 12)}\n${webId.slice(0, 12)}\n1\n`);
  const short = await ok(['run', '--rm', '--network', 'app', 'busybox', 'wget', '-qO-', `http://${webId.slice(0, 12)}/hostname`]);
  assert.equal(short.trim(), webId.slice(0, 12));
  // from the host's loopback (the test's namespace) and from a container on another network via the gateway
  const lo = inNs(['busybox', 'wget', '-qO-', 'http://127.0.0.1:8080/hostname']);
  assert.equal(lo.out.trim(), webId.slice(0, 12), lo.out);
  const hair = await ok(['run', '--rm', 'busybox', 'wget', '-qO-', 'http://172.17.0.1:8081/hostname']);
  assert.equal(hair.trim(), webId.slice(0, 12));
  const same = await ok(['run', '--rm', '--network', 'app', 'busybox', 'wget', '-qO-', 'http://10.77.0.1:8081/hostname']);
  assert.equal(same.trim(), webId.slice(0, 12));
  assert.equal((await ok(['port', 'web', '80'])).split('\n').filter(Boolean).sort().join(','), '0.0.0.0:8081,127.0.0.1:8080');
  const ps = await ok(['ps', '--format', '{{.Ports}}', '--filter', 'name=web']);
  assert.match(ps, /127\.0\.0\.1:8080->80\/tcp/);
  // no names on the default bridge, as Docker
  const none = await d.berth(['run', '--rm', 'busybox', 'nslookup', 'web']);
  assert.notEqual(none.code, 0);
  // a second network: connect with an alias, then disconnect and the name is gone
  await ok(['network', 'create', 'other']);
  await ok(['network', 'connect', '--alias', 'site', 'other', 'web']);
  const viaOther = await ok(['run', '--rm', '--network', 'other', 'busybox', 'wget', '-qO-', 'http://site/hostname']);
  assert.equal(viaOther.trim(), webId.slice(0, 12));
  const net = JSON.parse(await ok(['network', 'inspect', 'other']))[0];
  assert.equal(Object.keys(net.Containers).length, 1);
  await ok(['network', 'disconnect', 'other', 'web']);
  const gone = await d.berth(['run', '--rm', '--network', 'other', 'busybox', 'nslookup', 'site']);
  assert.notEqual(gone.code, 0, gone.stdout);
  // removing a network in use is refused, and leaves it whole
  const inUse = await d.berth(['network', 'rm', 'app']);
  assert.equal(inUse.code, 1);
  assert.match(inUse.stderr, /has active endpoints/);
  await ok(['rm', '-f', 'web']);
  assert.doesNotMatch(links(), /vb[0-9a-f]{13}/);
  assert.doesNotMatch(ruleset(), /dport 808/);
  const br = JSON.parse(await ok(['network', 'inspect', 'app']))[0];
  await ok(['network', 'rm', 'app', 'other']);
  assert.doesNotMatch(links(), new RegExp(`br-${br.Id.slice(0, 12)}`));
  assert.doesNotMatch(ruleset(), /10\.77\.0\.0/);
});

test('the embedded DNS answers over TCP too (length-prefixed, several questions on one connection)', async () => {
  await ok(['network', 'create', '--subnet', '10.81.0.0/24', 'dnstcp']);
  await ok(['run', '-d', '--name', 'tcpname', '--network', 'dnstcp', 'busybox', 'sleep', '60']);
  // a DNS-over-TCP client in the daemon's namespace (node with dns-packet from the repository)
  const script = `
    import net from 'node:net'; import dnsPacket from 'dns-packet';
    const c = net.connect(53, '10.81.0.1');
    const q = (id, name) => dnsPacket.streamEncode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name }] });
    c.on('connect', () => c.write(Buffer.concat([q(1, 'tcpname'), q(2, 'nosuchname')])));
    let buf = Buffer.alloc(0); const out = [];
    c.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const m = dnsPacket.streamDecode(buf); buf = buf.subarray(2 + buf.readUInt16BE(0));
        out.push({ id: m.id, rcode: m.rcode, a: m.answers.map((x) => x.data) });
        if (out.length === 2) { console.log(JSON.stringify(out.sort((x, y) => x.id - y.id))); c.end(); }
      }
    });
    setTimeout(() => { console.error('no answer'); process.exit(1); }, 10000).unref();`;
  const r = spawnSync('nsenter', [`--net=/run/netns/${d.netns}`, process.execPath, '--input-type=module', '-e', script],
    { encoding: 'utf8', timeout: 20_000, cwd: new URL('../../', import.meta.url).pathname });
  assert.equal(r.status, 0, r.stderr);
  const ip = (await ok(['inspect', '-f', '{{.NetworkSettings.Networks.dnstcp.IPAddress}}', 'tcpname'])).trim();
  assert.deepEqual(JSON.parse(r.stdout), [{ id: 1, rcode: 'NOERROR', a: [ip] }, { id: 2, rcode: 'NXDOMAIN', a: [] }]);
  await ok(['rm', '-f', 'tcpname']);
  await ok(['network', 'rm', 'dnstcp']);
  // the listeners went with the network: the same gateway can be listened on again
  await ok(['network', 'create', '--subnet', '10.81.0.0/24', 'dnstcp2']);
  await ok(['network', 'rm', 'dnstcp2']);
});

test('IPv6 networks: addresses, routes, AAAA answers, masquerading in table ip6 berth; cleaned up with the network', async () => {
  const noSubnet = await d.berth(['network', 'create', '--subnet', 'fd00:bad::/64', 'nov6']);
  assert.equal(noSubnet.code, 1);
  assert.match(noSubnet.stderr, /--ipv6/);
  await ok(['network', 'create', '--ipv6', '--subnet', '10.82.0.0/24', '--subnet', 'fd00:82::/64', 'six']);
  const overlap = await d.berth(['network', 'create', '--ipv6', '--subnet', 'fd00:82::/48', 'six2']);
  assert.match(overlap.stderr, /overlaps/);
  const auto = JSON.parse(await ok(['network', 'inspect', (await ok(['network', 'create', '--ipv6', 'autosix'])).trim()]))[0];
  assert.match(auto.IPAM.Config[1].Subnet, /^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/64$/);
  await ok(['network', 'rm', 'autosix']);
  const net = JSON.parse(await ok(['network', 'inspect', 'six']))[0];
  assert.equal(net.EnableIPv6, true);
  assert.deepEqual(net.IPAM.Config, [{ Subnet: '10.82.0.0/24', Gateway: '10.82.0.1' }, { Subnet: 'fd00:82::/64', Gateway: 'fd00:82::1' }]);
  await ok(['run', '-d', '--name', 'v6srv', '--network', 'six', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
  // a fixed IPv6 address through network connect --ip6
  await ok(['create', '--name', 'v6fixed', 'busybox', 'sleep', '60']);
  await ok(['network', 'connect', '--ip6', 'fd00:82:0::99', 'six', 'v6fixed']);
  await ok(['start', 'v6fixed']);
  assert.match(await ok(['exec', 'v6fixed', 'ip', '-6', '-o', 'addr', 'show', 'eth1', 'scope', 'global']), /inet6 fd00:82::99\/64/);
  const c = JSON.parse(await ok(['inspect', 'v6srv']))[0];
  const ep = c.NetworkSettings.Networks.six;
  assert.equal(ep.GlobalIPv6Address, 'fd00:82::2');
  assert.equal(ep.GlobalIPv6PrefixLen, 64);
  assert.equal(ep.IPv6Gateway, 'fd00:82::1');
  const inside = await ok(['run', '--rm', '--network', 'six', 'busybox', 'sh', '-c',
    'ip -6 -o addr show eth0 scope global; ip -6 route show default; nslookup -type=AAAA v6srv; wget -qO- "http://[fd00:82::2]/hostname"']);
  assert.match(inside, /inet6 fd00:82::3\/64/);
  assert.match(inside, /default via fd00:82::1 dev eth0/);
  assert.match(inside, /Address: fd00:82::2/);
  assert.match(inside, new RegExp(`${c.Id.slice(0, 12)}\n$`));
  // the gateway answers (the host side) and the subnet is masqueraded on the way out
  assert.equal(inNs(['busybox', 'wget', '-qO-', 'http://[fd00:82::2]/hostname']).out.trim(), c.Id.slice(0, 12));
  assert.match(inNs(['nft', 'list', 'table', 'ip6', 'berth']).out, /ip6 saddr fd00:82::\/64 oifname != "br-[0-9a-f]{12}" masquerade/);
  await ok(['rm', '-f', 'v6fixed']);
  await ok(['rm', '-f', 'v6srv']);
  await ok(['network', 'rm', 'six']);
  assert.doesNotMatch(inNs(['nft', 'list', 'ruleset']).out, /fd00:82/);
  assert.doesNotMatch(inNs(['ip', '-6', 'addr', 'show']).out, /fd00:82/);
});

test('an --internal network has no way out; a normal one does', async () => {
  // a server outside every container network: a dummy interface in the test's namespace
  inNs(['ip', 'link', 'add', 'outside0', 'type', 'veth', 'peer', 'name', 'outside1']);
  inNs(['ip', 'addr', 'add', '10.99.0.1/24', 'dev', 'outside0']);
  inNs(['ip', 'link', 'set', 'outside0', 'up']);
  const srv = spawn('nsenter', [`--net=/run/netns/${d.netns}`, 'busybox', 'httpd', '-f', '-p', '10.99.0.1:9099', '-h', '/etc'], { stdio: 'ignore' });
  started.push(srv.pid!);
  await ok(['network', 'create', '--internal', 'closed']);
  await ok(['network', 'create', 'open']);
  assert.equal(inNs(['busybox', 'wget', '-qO-', 'http://10.99.0.1:9099/hostname']).code, 0, 'the outside server answers');
  const out = await ok(['run', '--rm', '--network', 'open', 'busybox', 'wget', '-qO-', 'http://10.99.0.1:9099/hostname']);
  assert.ok(out.length > 0);
  const closed = await d.berth(['run', '--rm', '--network', 'closed', 'busybox', 'wget', '-qO-', 'http://10.99.0.1:9099/hostname']);
  assert.notEqual(closed.code, 0);
  const route = await ok(['run', '--rm', '--network', 'closed', 'busybox', 'ip', 'route']);
  assert.doesNotMatch(route, /default/);
  await ok(['network', 'rm', 'closed', 'open']);
  srv.kill('SIGKILL');
});

test('enable_icc=false: containers on the network cannot reach each other, but reach the gateway and the host', async () => {
  const srv = spawn('nsenter', [`--net=/run/netns/${d.netns}`, 'busybox', 'httpd', '-f', '-p', '9098', '-h', '/etc'], { stdio: 'ignore' });
  started.push(srv.pid!);
  const bad = await d.berth(['network', 'create', '-o', 'com.docker.network.bridge.enable_icc=maybe', 'badicc']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /invalid value "maybe"/);
  await ok(['network', 'create', '--subnet', '10.79.0.0/24', '-o', 'com.docker.network.bridge.enable_icc=false', 'quiet']);
  await ok(['network', 'create', '--subnet', '10.79.1.0/24', 'chatty']);
  const net = JSON.parse(await ok(['network', 'inspect', 'quiet']))[0];
  assert.equal(net.Options['com.docker.network.bridge.enable_icc'], 'false');
  assert.match(inNs(['nft', 'list', 'table', 'bridge', 'berth']).out, new RegExp(`iifname "vb${net.Id.slice(0, 6)}\\*" oifname "vb${net.Id.slice(0, 6)}\\*" drop`));
  for (const n of ['quiet', 'chatty']) {
    await ok(['run', '-d', '--name', `srv-${n}`, '--network', n, '-p', n === 'quiet' ? '127.0.0.1:9097:80' : '127.0.0.1:9096:80', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
  }
  const srvId = (await ok(['inspect', '-f', '{{.Id}}', 'srv-quiet'])).trim();
  // name resolution (the gateway's DNS) works, the container behind the name does not answer
  // (busybox 1.35's wget -T crashes: timeouts come from timeout(1))
  const blocked = await d.berth(['run', '--rm', '--network', 'quiet', 'busybox', 'sh', '-c', 'nslookup srv-quiet >/dev/null && echo resolved; timeout 3 wget -qO- http://srv-quiet/hostname']);
  assert.notEqual(blocked.code, 0);
  assert.match(blocked.stdout, /^resolved\n$/);
  // the gateway (a host process in the test's namespace) and the host's loopback still reach it
  assert.ok((await ok(['run', '--rm', '--network', 'quiet', 'busybox', 'wget', '-qO-', 'http://10.79.0.1:9098/hostname'])).length > 0);
  assert.equal(inNs(['busybox', 'wget', '-qO-', 'http://127.0.0.1:9097/hostname']).out.trim(), srvId.slice(0, 12));
  // a network with the default (icc on) is unaffected
  assert.ok((await ok(['run', '--rm', '--network', 'chatty', 'busybox', 'wget', '-qO-', 'http://srv-chatty/hostname'])).length > 0);
  await ok(['rm', '-f', 'srv-quiet', 'srv-chatty']);
  await ok(['network', 'rm', 'quiet', 'chatty']);
  assert.doesNotMatch(inNs(['nft', 'list', 'table', 'bridge', 'berth']).out, /drop/);
  srv.kill('SIGKILL');
});

test('--ip, --mac-address, --dns, --add-host host-gateway, container: and host modes', async () => {
  await ok(['network', 'create', '--subnet', '10.78.0.0/16', '--ip-range', '10.78.5.0/24', 'fixed']);
  const out = await ok(['run', '--rm', '--network', 'fixed', '--ip', '10.78.9.9', '--mac-address', '92:d0:c6:0a:29:33', '--dns', '9.9.9.9',
    '--add-host', 'gw:host-gateway', 'busybox', 'sh', '-c', 'ip -o addr show eth0; ip -o link show eth0; cat /etc/resolv.conf; grep gw /etc/hosts']);
  assert.match(out, /inet 10\.78\.9\.9\/16/);
  assert.match(out, /92:d0:c6:0a:29:33/);
  assert.match(out, /nameserver 9\.9\.9\.9/);
  assert.match(out, /172\.17\.0\.1\tgw/);
  const ranged = await ok(['run', '--rm', '--network', 'fixed', 'busybox', 'ip', '-o', '-4', 'addr', 'show', 'eth0']);
  assert.match(ranged, /inet 10\.78\.5\.\d+\//);
  await ok(['run', '-d', '--name', 'owner', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
  const joined = await ok(['run', '--rm', '--network', 'container:owner', 'busybox', 'wget', '-qO-', 'http://127.0.0.1/hostname']);
  const ownerId = (await ok(['inspect', '-f', '{{.Id}}', 'owner'])).trim();
  assert.equal(joined.trim(), ownerId.slice(0, 12));
  const host = await ok(['run', '--rm', '--network', 'host', 'busybox', 'ip', '-o', 'link', 'show', 'berth0']);
  assert.match(host, /berth0/);
  await ok(['rm', '-f', 'owner']);
  await ok(['network', 'rm', 'fixed']);
});

test('bad input: overlapping subnet, taken port, bad -p, bad network name; nothing half-created', async () => {
  await ok(['network', 'create', '--subnet', '10.80.0.0/16', 'first']);
  const overlap = await d.berth(['network', 'create', '--subnet', '10.80.1.0/24', 'second']);
  assert.equal(overlap.code, 1);
  assert.match(overlap.stderr, /overlaps/);
  assert.doesNotMatch(await ok(['network', 'ls']), /second/);
  const badName = await d.berth(['network', 'create', 'a/b']);
  assert.match(badName.stderr, /invalid network name/);
  await ok(['run', '-d', '--name', 'p1', '-p', '9090:80', 'busybox', 'sleep', '60']);
  const taken = await d.berth(['run', '-d', '--name', 'p2', '-p', '9090:80', 'busybox', 'sleep', '60']);
  assert.notEqual(taken.code, 0);
  assert.match(taken.stderr, /port is already allocated/);
  const p2 = JSON.parse(await ok(['inspect', 'p2']))[0];
  assert.equal(p2.State.Running, false);
  assert.doesNotMatch(links(), new RegExp(`vb[0-9a-f]{6}${p2.Id.slice(0, 7)}`));
  const bad = await d.berth(['run', '--rm', '-p', '80:abc', 'busybox', 'true']);
  assert.equal(bad.code, 125);
  assert.match(bad.stderr, /invalid containerPort/);
  await ok(['rm', '-f', 'p1', 'p2']);
  await ok(['network', 'rm', 'first']);
});

test('-P publishes exposed ports on random host ports', async () => {
  await ok(['run', '-d', '--name', 'rand', '--expose', '80', '-P', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
  const port = (await ok(['port', 'rand', '80/tcp'])).trim();
  const m = /^0\.0\.0\.0:(\d+)$/.exec(port);
  assert.ok(m, port);
  const r = inNs(['busybox', 'wget', '-qO-', `http://127.0.0.1:${m![1]}/hostname`]);
  assert.equal(r.code, 0, r.out);
  await ok(['rm', '-f', 'rand']);
});

test('after a daemon SIGKILL, a restart removes what belongs to no running container', async () => {
  await ok(['network', 'create', 'crashnet']);
  await ok(['run', '-d', '--name', 'victim', '--network', 'crashnet', '-p', '7070:80', 'busybox', 'sleep', '300']);
  await ok(['run', '-d', '--name', 'survivor', '--network', 'crashnet', 'busybox', 'sleep', '300']);
  const victim = JSON.parse(await ok(['inspect', 'victim']))[0];
  await d.crash();
  process.kill(victim.State.Pid, 'SIGKILL'); // dies while nobody watches
  inNs(['ip', 'link', 'add', 'vbstale0000000', 'type', 'veth', 'peer', 'name', 'vbstale0000001']); // a veth leftover of some crash
  await d.restart();
  const st = JSON.parse(await ok(['inspect', 'victim']))[0];
  assert.equal(st.State.Running, false);
  const l = links();
  assert.doesNotMatch(l, new RegExp(`vb[0-9a-f]{6}${victim.Id.slice(0, 7)}`));
  assert.doesNotMatch(l, /vbstale/);
  assert.doesNotMatch(ruleset(), /dport 7070/);
  const surv = await ok(['run', '--rm', '--network', 'crashnet', 'busybox', 'nslookup', 'survivor']);
  assert.match(surv, /Address: 172\.\d+\.0\.\d+/);
  await ok(['rm', '-f', 'victim', 'survivor']);
  await ok(['network', 'rm', 'crashnet']);
  assert.doesNotMatch(links(), /vb[0-9a-f]{13}/);
});

test('network prune --filter until: a Go duration before now keeps a new network, one in the future prunes it; a bad value is refused', async () => {
  await ok(['network', 'create', 'young']);
  assert.equal((await ok(['network', 'prune', '-f', '--filter', 'until=24h'])).includes('young'), false);
  assert.match(await ok(['network', 'ls', '--format', '{{.Name}}']), /^young$/m);
  const bad = await d.berth(['network', 'prune', '-f', '--filter', 'until=soon']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /soon/);
  assert.match(await ok(['network', 'prune', '-f', '--filter', 'until=-1m']), /^young$/m);
  assert.doesNotMatch(await ok(['network', 'ls', '--format', '{{.Name}}']), /^young$/m);
});
