/**
 * Security options and a breakout suite: every escape attempt from a default
 * container must fail, every time. Each attempt prints ESCAPED when it succeeds.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { decodeCapMask, DEFAULT_CAPABILITIES } from '../../src/runtime/capabilities.js';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

async function run(flags: string[], script: string): Promise<{ code: number; out: string }> {
  const r = await d.berth(['run', '--rm', ...flags, 'busybox', 'sh', '-c', script]);
  return { code: r.code, out: r.stdout + r.stderr };
}

function capsOf(statusText: string): Set<string> {
  return decodeCapMask(/^CapEff:\s*([0-9a-f]+)/m.exec(statusText)![1]);
}

const ATTEMPTS: Array<[string, string]> = [
  ['see host processes', 'n=$(ls -d /proc/[0-9]* | wc -l); [ "$n" -le 6 ] || echo ESCAPED $n; cat /proc/[0-9]*/comm 2>/dev/null | grep -qE "^(conmon|node|systemd|init|crun)$" && echo ESCAPED; grep -q "^sh$" /proc/1/comm || echo ESCAPED pid1=$(cat /proc/1/comm)'],
  ['mount a file system', 'mkdir -p /mnt/x; mount -t tmpfs none /mnt/x 2>/dev/null && echo ESCAPED; mount -o remount,rw /sys 2>/dev/null && echo ESCAPED'],
  ['load a kernel module', 'insmod /dev/null 2>/dev/null && echo ESCAPED; [ -w /lib/modules ] && [ -d /lib/modules ] && echo ESCAPED || true'],
  ['write /proc/sys', 'echo 1 > /proc/sys/kernel/sysrq 2>/dev/null && echo ESCAPED; echo 1 > /proc/sysrq-trigger 2>/dev/null && echo ESCAPED; true'],
  ['write /sys', 'echo x > /sys/kernel/uevent_helper 2>/dev/null && echo ESCAPED; for f in /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max; do [ -e $f ] && echo max > $f 2>/dev/null && echo ESCAPED $f; done; for c in /sys/fs/cgroup/memory /sys/fs/cgroup/pids /sys/fs/cgroup/cpu /sys/fs/cgroup/devices; do [ -d $c ] && mkdir $c/escape 2>/dev/null && echo ESCAPED mkdir $c; done; [ -e /sys/fs/cgroup/cgroup.procs ] && mkdir /sys/fs/cgroup/escape 2>/dev/null && echo ESCAPED; true'],
  ['open a host device', '[ -e /dev/vda ] && echo ESCAPED; mknod /tmp/disk b 254 0 2>/dev/null; head -c 1 /tmp/disk >/dev/null 2>&1 && echo ESCAPED; mknod /tmp/mem c 1 1 2>/dev/null; head -c 1 /tmp/mem >/dev/null 2>&1 && echo ESCAPED; true'],
  ['change the clock', 'date -s "2001-01-01 00:00:00" >/dev/null 2>&1; [ "$(date +%Y)" = 2001 ] && echo ESCAPED; hwclock -s 2>/dev/null && echo ESCAPED; true'],
  ['create a user namespace', 'unshare -U -r true 2>/dev/null && echo ESCAPED; unshare -m true 2>/dev/null && echo ESCAPED; true'],
  ['join the host namespaces', 'nsenter -t 1 -m -u -n -i true 2>/dev/null && [ "$(cat /proc/1/comm)" != sh ] && echo ESCAPED; true'],
  ['reach kernel memory and keys', 'head -c 1 /proc/kcore >/dev/null 2>&1 && echo ESCAPED; [ -s /proc/keys ] && echo ESCAPED; true'],
];

test('breakout attempts from a default container all fail', async () => {
  for (const [what, script] of ATTEMPTS) {
    const r = await run([], script);
    assert.doesNotMatch(r.out, /ESCAPED/, `${what}: ${r.out}`);
  }
});

test('a read-only root cannot be written or remounted; --tmpfs stays writable', async () => {
  const r = await run(['--read-only', '--tmpfs', '/run:size=1m'],
    'touch /x 2>/dev/null && echo ESCAPED; mount -o remount,rw / 2>/dev/null && echo ESCAPED; touch /run/ok && echo tmpfs-ok; touch /etc/passwd 2>/dev/null && echo ESCAPED; true');
  assert.doesNotMatch(r.out, /ESCAPED/, r.out);
  assert.match(r.out, /tmpfs-ok/);
});

test('no-new-privileges is set on the process; without it it is not', async () => {
  const on = await run(['--security-opt', 'no-new-privileges', '-u', '1000:1000'], 'grep NoNewPrivs /proc/self/status; id -u');
  assert.match(on.out, /NoNewPrivs:\s*1/);
  assert.match(on.out, /^1000$/m);
  const off = await run([], 'grep NoNewPrivs /proc/self/status');
  assert.match(off.out, /NoNewPrivs:\s*0/);
});

test('capabilities: Docker defaults, --cap-drop ALL, --cap-add, --privileged', async () => {
  const dflt = capsOf((await run([], 'cat /proc/self/status')).out);
  assert.deepEqual([...dflt].sort(), [...DEFAULT_CAPABILITIES].sort());
  const none = capsOf((await run(['--cap-drop', 'ALL'], 'cat /proc/self/status')).out);
  assert.equal(none.size, 0);
  const some = capsOf((await run(['--cap-drop', 'ALL', '--cap-add', 'net_admin', '--cap-add', 'CAP_CHOWN'], 'cat /proc/self/status')).out);
  assert.deepEqual([...some].sort(), ['CAP_CHOWN', 'CAP_NET_ADMIN']);
  const dropped = capsOf((await run(['--cap-drop', 'CHOWN'], 'cat /proc/self/status')).out);
  assert.ok(!dropped.has('CAP_CHOWN') && dropped.has('CAP_KILL'));
  // without CAP_CHOWN, root cannot chown
  const r = await run(['--cap-drop', 'CHOWN'], 'touch /f; chown 1:1 /f 2>/dev/null && echo ESCAPED; true');
  assert.doesNotMatch(r.out, /ESCAPED/);
  const priv = await run(['--privileged'], 'grep CapEff /proc/self/status; mkdir -p /mnt/t && mount -t tmpfs none /mnt/t && echo mounted');
  assert.match(priv.out, /mounted/);
  assert.ok(capsOf(priv.out).has('CAP_SYS_ADMIN'));
});

test('seccomp: a custom profile applies; unconfined lifts the default', async () => {
  const dir = mkdtempSync('/tmp/bt-seccomp-');
  try {
    // everything allowed except mkdir/mkdirat
    writeFileSync(`${dir}/nomkdir.json`, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] }));
    const r = await run(['--security-opt', `seccomp=${dir}/nomkdir.json`], 'mkdir /tmp/d 2>&1 || echo refused');
    assert.match(r.out, /refused/);
    const unconfined = await run(['--security-opt', 'seccomp=unconfined'], 'grep Seccomp: /proc/self/status');
    assert.match(unconfined.out, /Seccomp:\s*0/);
    const confined = await run([], 'grep Seccomp: /proc/self/status');
    assert.match(confined.out, /Seccomp:\s*2/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('users, groups, devices, device cgroup rules, namespaced sysctls', async () => {
  assert.match((await run(['-u', '1234:5678', '--group-add', '42', '--group-add', 'mail'], 'id')).out, /^uid=1234 gid=5678 groups=(?=.*\b8\(mail\))(?=.*\b42\b)/);
  const dev = await run(['--device', '/dev/null:/dev/mynull'], 'echo hi > /dev/mynull && echo wrote');
  assert.match(dev.out, /wrote/);
  // a device cgroup rule lets the container use a node it creates itself
  const rule = await run(['--device-cgroup-rule', 'c 1:9 rwm'], 'mknod /tmp/u c 1 9 && head -c 4 /tmp/u | wc -c');
  assert.match(rule.out, /^4$/m);
  const denied = await run([], 'mknod /tmp/m c 1 1 && head -c 1 /tmp/m >/dev/null 2>&1 && echo ESCAPED; true');
  assert.doesNotMatch(denied.out, /ESCAPED/);
  const sysctl = await run(['--sysctl', 'kernel.shmmax=123456', '--sysctl', 'net.ipv4.ip_unprivileged_port_start=80'],
    'cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_unprivileged_port_start');
  assert.match(sysctl.out, /^123456\n80$/m);
});

test('AppArmor and user namespaces say clearly what this host or berth cannot do', async () => {
  const aa = await d.berth(['create', '--security-opt', 'apparmor=docker-default', 'busybox', 'true']);
  assert.notEqual(aa.code, 0);
  assert.match(aa.stderr, /AppArmor/);
  // per-container user namespaces work (test/controls/userns.test.ts); what cannot go with them says so
  const un = await d.berth(['create', '--userns', 'auto', '--privileged', 'busybox', 'true']);
  assert.notEqual(un.code, 0);
  assert.match(un.stderr, /privileged mode is incompatible with a private user namespace/);
  const host = await d.berth(['run', '--rm', '--userns', 'host', 'busybox', 'true']);
  assert.equal(host.code, 0, host.stderr);
});

test('--security-opt systempaths=unconfined: no masked or read-only /proc paths (berth CLI, API SecurityOpt, Docker\'s empty lists)', async () => {
  // mount points the defaults add: masked files and dirs (/proc/keys, /sys/firmware, ...), /proc/sys read-only
  const script = 'awk \'$5 ~ /^\\/proc\\/(kcore|keys|timer_list|acpi|scsi|sys|bus|fs|irq|sysrq-trigger)$/ || $5 == "/sys/firmware" { print $5 }\' /proc/self/mountinfo | sort';
  const dflt = await run([], script);
  assert.equal(dflt.code, 0, dflt.out);
  assert.match(dflt.out, /^\/proc\/sys$/m);
  assert.match(dflt.out, /^\/sys\/firmware$|^\/proc\/(keys|kcore|timer_list|acpi|scsi)$/m);
  const cli = await run(['--security-opt', 'systempaths=unconfined'], script);
  assert.equal(cli.code, 0, cli.out);
  assert.equal(cli.out.trim(), '', cli.out);
  for (const hc of [{ SecurityOpt: ['systempaths=unconfined'] }, { MaskedPaths: [], ReadonlyPaths: [] }]) {
    const c = await d.api('POST', '/containers/create', { Image: 'busybox', Cmd: ['sh', '-c', script], HostConfig: hc });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    const s = await d.api('POST', `/containers/${c.body.Id}/start`);
    assert.equal(s.status, 204, JSON.stringify(s.body));
    const w = await d.api('POST', `/containers/${c.body.Id}/wait`);
    assert.equal(w.body.StatusCode, 0);
    const logs = await d.berth(['logs', c.body.Id]);
    assert.equal(logs.stdout.trim(), '', `${JSON.stringify(hc)}: ${logs.stdout}`);
    await d.ok(['rm', c.body.Id]);
  }
  const bad = await d.berth(['create', '--security-opt', 'systempaths=confined', 'busybox', 'true']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /invalid --security-opt/i);
});
