/**
 * Rootless networking end to end: a real unprivileged user's `berth serve` with pasta, in this test's own
 * network namespace (the suite's `unshare --net`), which gets a routable interface for the test's length:
 * a veth pair, 10.98.0.2/24 here and 10.98.0.9 in a "remote" namespace of its own, and a default route.
 * Covered: a container reaching a server on the host side, a user-defined network with DNS, a published
 * port reached from the host side and from the remote client with the source address the container sees,
 * and ports below 1024 both ways (ip_unprivileged_port_start is per network namespace: this one's).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { request } from 'node:http';
import { createHash } from 'node:crypto';
import { createRootlessUser, type RootlessUser } from '../helpers/rootless-user.js';

const HOST = '10.98.0.2';
const REMOTE = '10.98.0.9';
const GATEWAY = '10.98.0.1';
const PORT_START = '/proc/sys/net/ipv4/ip_unprivileged_port_start';

let u: RootlessUser | undefined;
let remote: ChildProcess | undefined;
let server: Server | undefined;
let portStartBefore = '';

function sh(cmd: string, args: string[]): { code: number; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? 1, out: (r.stdout ?? '') + (r.stderr ?? '') };
}
function must(cmd: string, args: string[]): void {
  const r = sh(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.out}`);
}

/** GET through plain HTTP from this namespace (or the remote's, through nsenter and busybox wget). */
function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: 10_000, insecureHTTPParser: true }, (res) => { // busybox CGI headers end in LF alone
      let b = '';
      res.on('data', (d) => { b += d; });
      res.on('end', () => resolve(addr(b)));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** busybox httpd listens on IPv6 and writes an IPv4 client as [::ffff:a.b.c.d] */
function addr(s: string): string { return s.trim().replace(/^\[(?:::ffff:)?(.*)\]$/, '$1'); }

async function retry<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  let last: T | undefined;
  let err: unknown;
  while (Date.now() < end) {
    try { last = await f(); if (ok(last)) return last; } catch (e) { err = e; }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (last !== undefined) return last;
  throw err;
}

/** A busybox httpd whose /cgi-bin/ip answers with the client address it saw (REMOTE_ADDR). */
const WEB = ['sh', '-c', 'mkdir -p /www/cgi-bin && printf "#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho \\$REMOTE_ADDR\\n" > /www/cgi-bin/ip && chmod +x /www/cgi-bin/ip && exec httpd -f -p 80 -h /www'];

before(async () => {
  // never the machine's own namespace: the veth, the route and the sysctl below must stay in the test's
  // (the suite's fresh namespace has no default route; the machine's has one)
  const routes = sh('ip', ['-4', 'route', 'show', 'default']).out.trim();
  if (routes) throw new Error(`run this test inside its own network namespace (unshare --net), as scripts/test.sh does; this one has a default route: ${routes}`);
  for (const t of ['pasta', 'ip', 'nsenter']) if (sh('sh', ['-c', `command -v ${t}`]).code !== 0) throw new Error(`${t} is needed (Debian packages passt, iproute2, util-linux)`);
  portStartBefore = readFileSync(PORT_START, 'utf8').trim();
  must('ip', ['link', 'set', 'lo', 'up']);
  remote = spawn('unshare', ['--net', '--', 'sleep', '600'], { stdio: 'ignore' });
  const rpid = String(remote.pid);
  for (let i = 0; i < 50 && readlinkSync(`/proc/${rpid}/ns/net`) === readlinkSync('/proc/self/ns/net'); i++) await new Promise((r) => setTimeout(r, 20));
  must('ip', ['link', 'add', 'rlnet0', 'type', 'veth', 'peer', 'name', 'rlnet1']);
  must('ip', ['link', 'set', 'rlnet1', 'netns', rpid]);
  must('ip', ['addr', 'add', `${HOST}/24`, 'dev', 'rlnet0']);
  must('ip', ['link', 'set', 'rlnet0', 'up']);
  must('ip', ['route', 'add', 'default', 'via', GATEWAY]);
  must('nsenter', ['-t', rpid, '-n', 'sh', '-c', `ip link set lo up && ip addr add ${REMOTE}/24 dev rlnet1 && ip link set rlnet1 up`]);
  // the host's service: answers with the address its client came from
  server = createServer((req, res) => res.end(`host saw ${req.socket.remoteAddress}\n`));
  await new Promise<void>((r) => server!.listen(18300, '0.0.0.0', () => r()));
  u = await createRootlessUser();
  await u.startDaemon();
});

after(async () => {
  try { await u?.cleanup(); } finally {
    server?.close();
    remote?.kill('SIGKILL');
    sh('ip', ['link', 'del', 'rlnet0']);
    if (portStartBefore) sh('sysctl', ['-qw', `net.ipv4.ip_unprivileged_port_start=${portStartBefore}`]);
  }
});

test('the rootless daemon is connected with pasta', async () => {
  const info = JSON.parse(await u!.ok(['info', '--format', '{{json .}}']));
  assert.equal(info.RootlessNetwork, 'pasta', u!.daemonLog().slice(-2000));
});

test('a container reaches a TCP server on the host side', async () => {
  // pasta maps its gateway's address to the host
  const out = await u!.ok(['run', '--rm', 'busybox', 'wget', '-qO-', `http://${GATEWAY}:18300/`]);
  assert.match(out, /^host saw /);
});

test('a user-defined network with DNS between two containers', async () => {
  await u!.ok(['network', 'create', 'rlnet']);
  try {
    await u!.ok(['run', '-d', '--name', 'rlweb', '--network', 'rlnet', 'busybox', ...WEB]);
    const ip = (await u!.ok(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', 'rlweb'])).trim();
    const out = await retry(() => u!.berth(['run', '--rm', '--network', 'rlnet', 'busybox', 'sh', '-c', 'nslookup rlweb && wget -qO- http://rlweb/cgi-bin/ip']), (r) => r.code === 0, 20_000);
    assert.equal(out.code, 0, out.stderr + out.stdout);
    assert.ok(out.stdout.includes(ip), out.stdout);
  } finally {
    await u!.berth(['rm', '-f', 'rlweb']);
    await u!.berth(['network', 'rm', 'rlnet']);
  }
});

test('a published port is reached from the host side and the container sees the client', async () => {
  const id = (await u!.ok(['run', '-d', '-p', '18301:80', 'busybox', ...WEB])).trim();
  try {
    const gw = (await u!.ok(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.Gateway}}{{end}}', id])).trim();
    // from the host by its address: that address
    assert.equal((await retry(() => get(`http://${HOST}:18301/cgi-bin/ip`), (s) => s.trim() === HOST, 15_000)).trim(), HOST);
    // from another machine: its address
    const far = sh('nsenter', ['-t', String(remote!.pid), '-n', 'busybox', 'wget', '-qO-', `http://${HOST}:18301/cgi-bin/ip`]);
    assert.equal(addr(far.out), REMOTE, far.out);
    // through the host's loopback: the network's gateway (127/8 cannot be a source on a bridge)
    assert.equal((await get(`http://127.0.0.1:18301/cgi-bin/ip`)).trim(), gw);
    const ps = await u!.ok(['ps', '--format', '{{.Ports}}']);
    assert.match(ps, /0\.0\.0\.0:18301->80\/tcp/);
  } finally {
    await u!.berth(['rm', '-f', id]);
  }
  // the port is free again on the host
  const again = createServer();
  await new Promise<void>((resolve, reject) => { again.once('error', reject); again.listen(18301, '0.0.0.0', () => resolve()); });
  again.close();
});

test('a large download through a published port arrives whole (hashed in the container and at the client)', async () => {
  const web = ['sh', '-c', 'mkdir -p /www && dd if=/dev/urandom of=/www/big bs=1M count=48 2>/dev/null && sha256sum /www/big | cut -d" " -f1 > /www/big.sha && exec httpd -f -p 80 -h /www'];
  const id = (await u!.ok(['run', '-d', '-p', '18304:80', 'busybox', ...web])).trim();
  try {
    // by the host's address: the transparent relay's path (the client's address kept)
    const want = (await retry(() => get(`http://${HOST}:18304/big.sha`), (s) => /^[0-9a-f]{64}$/.test(s.trim()), 30_000)).trim();
    for (const host of [HOST, '127.0.0.1']) {
      const got = await new Promise<{ bytes: number; sha: string }>((resolve, reject) => {
        const req = request(`http://${host}:18304/big`, { timeout: 60_000 }, (res) => {
          const h = createHash('sha256');
          let bytes = 0;
          res.on('data', (d: Buffer) => { bytes += d.length; h.update(d); });
          res.on('end', () => resolve({ bytes, sha: h.digest('hex') }));
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error('the download timed out')));
        req.on('error', reject);
        req.end();
      });
      assert.equal(got.bytes, 48 << 20, host);
      assert.equal(got.sha, want, host);
    }
  } finally {
    await u!.berth(['rm', '-f', id]);
  }
});

test('a restarted daemon binds the published ports of the containers that kept running', async () => {
  const id = (await u!.ok(['run', '-d', '-p', '18302:80', 'busybox', ...WEB])).trim();
  try {
    assert.equal((await retry(() => get(`http://${HOST}:18302/cgi-bin/ip`), (s) => s === HOST, 15_000)), HOST);
    await u!.stopDaemon();
    await u!.startDaemon();
    assert.equal((await u!.ok(['inspect', '-f', '{{.State.Running}}', id])).trim(), 'true');
    assert.equal((await retry(() => get(`http://${HOST}:18302/cgi-bin/ip`), (s) => s === HOST, 15_000)), HOST);
  } finally {
    await u!.berth(['rm', '-f', id]);
  }
});

test('a port below 1024: refused naming the sysctl, then allowed by it', async () => {
  must('sysctl', ['-qw', 'net.ipv4.ip_unprivileged_port_start=1024']);
  const r = await u!.berth(['run', '-d', '--name', 'low', '-p', '80:80', 'busybox', ...WEB]);
  assert.equal(r.code, 125, r.stdout);
  assert.match(r.stderr, /net\.ipv4\.ip_unprivileged_port_start=1024/);
  assert.match(r.stderr, /sysctl -w net\.ipv4\.ip_unprivileged_port_start=80/);
  await u!.berth(['rm', '-f', 'low']);
  must('sysctl', ['-qw', 'net.ipv4.ip_unprivileged_port_start=80']);
  try {
    const id = (await u!.ok(['run', '-d', '-p', '80:80', 'busybox', ...WEB])).trim();
    try {
      assert.equal((await retry(() => get(`http://${HOST}:80/cgi-bin/ip`), (s) => s.trim() === HOST, 15_000)).trim(), HOST);
    } finally {
      await u!.berth(['rm', '-f', id]);
    }
  } finally {
    must('sysctl', ['-qw', `net.ipv4.ip_unprivileged_port_start=${portStartBefore}`]);
  }
});

test('berth compose as the user: a published port and service DNS, then down', async () => {
  const dir = await u!.mkdir('rlshop');
  const web = ['sh', '-c', 'mkdir -p /www && echo hello-rootless > /www/index.html && exec httpd -f -p 80 -h /www'];
  const yaml = `services:\n  web:\n    image: busybox\n    command: ${JSON.stringify(web)}\n    ports: ["18303:80"]\n  client:\n    image: busybox\n    command: ["sleep", "600"]\n`;
  const w = await u!.run('sh', ['-c', `cat > ${dir}/compose.yaml`], { input: yaml });
  assert.equal(w.code, 0, w.stderr);
  const compose = (args: string[]) => u!.berth(['compose', '-f', `${dir}/compose.yaml`, '-p', 'rlshop', ...args], { timeoutMs: 120_000 });
  const up = await compose(['up', '-d']);
  try {
    assert.equal(up.code, 0, up.stderr + up.stdout);
    assert.equal(await retry(() => get(`http://${HOST}:18303/`), (s) => s === 'hello-rootless', 15_000), 'hello-rootless');
    const r = await retry(() => compose(['exec', '-T', 'client', 'wget', '-qO-', 'http://web/']), (x) => x.code === 0, 20_000);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.stdout.trim(), 'hello-rootless');
  } finally {
    const down = await compose(['down']);
    assert.equal(down.code, 0, down.stderr + down.stdout);
  }
  assert.equal((await u!.ok(['ps', '-aq', '--filter', 'label=com.docker.compose.project=rlshop'])).trim(), '');
});
