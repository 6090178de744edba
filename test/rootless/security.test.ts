/**
 * What a rootless container cannot do, checked as a real unprivileged user (made by the test with
 * useradd and subordinate ids) running its own `berth serve`: read files of root or of other users,
 * write /proc/sys, load kernel modules, get more from --privileged than its user namespace allows, or
 * reach the host through a symlink in a volume path.
 *
 * Every attempt that would change the host if it succeeded writes what is already there (the current
 * value of a sysctl, the current time), so a failure of this test leaves the host as it was.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRootlessUser, type RootlessUser } from '../helpers/rootless-user.js';

let u: RootlessUser;
let hostDir: string;
const NOBODY = 65534;

before(async () => {
  u = await createRootlessUser();
  await u.startDaemon();
  // root's secret and another user's (nobody's), in a directory anyone may enter
  hostDir = mkdtempSync('/tmp/bt-rlsec-');
  chmodSync(hostDir, 0o755);
  writeFileSync(join(hostDir, 'root-secret'), 'root only\n', { mode: 0o600 });
  writeFileSync(join(hostDir, 'other-secret'), 'nobody only\n', { mode: 0o600 });
  chownSync(join(hostDir, 'other-secret'), NOBODY, NOBODY);
  mkdirSync(join(hostDir, 'root-dir'), { mode: 0o700 });
  writeFileSync(join(hostDir, 'root-dir', 'inside'), 'root only\n', { mode: 0o644 });
});

after(async () => {
  await u?.cleanup();
  if (hostDir) rmSync(hostDir, { recursive: true, force: true });
});

/** Run a shell script in a busybox container as the user; the script's output (it always exits 0). */
async function inContainer(script: string, flags: string[] = []): Promise<string> {
  return u.ok(['run', '--rm', '--network', 'none', ...flags, 'busybox', 'sh', '-c', script], { timeoutMs: 60_000 });
}

for (const privileged of [false, true]) {
  const flags = privileged ? ['--privileged'] : [];
  const label = privileged ? ' (--privileged)' : '';

  test(`the container cannot read files of root or of other users${label}`, async () => {
    const out = await inContainer([
      'for f in /host/root-secret /host/other-secret /host/root-dir/inside /shadow; do cat "$f" >/dev/null 2>&1 && echo "READ $f" || echo "denied $f"; done',
      'ls /hostroot >/dev/null 2>&1 && echo "LISTED /hostroot" || echo "denied /hostroot"',
      // their owners are outside the user namespace: the overflow id, which root in here is not
      'stat -c "%u %n" /host/root-secret /host/other-secret',
      'echo x > /host/planted 2>/dev/null && echo "WROTE /host" || echo "denied write /host"',
    ].join('; '), [...flags, '-v', `${hostDir}:/host`, '-v', '/etc/shadow:/shadow:ro', '-v', '/root:/hostroot:ro']);
    for (const f of ['/host/root-secret', '/host/other-secret', '/host/root-dir/inside', '/shadow', '/hostroot']) assert.match(out, new RegExp(`^denied ${f}$`, 'm'), out);
    assert.match(out, /^denied write \/host$/m, out);
    assert.match(out, new RegExp(`^${NOBODY} /host/root-secret$`, 'm'));
    assert.match(out, new RegExp(`^${NOBODY} /host/other-secret$`, 'm'));
    assert.equal(existsSync(join(hostDir, 'planted')), false);
  });

  test(`the container cannot write /proc/sys${label}`, async () => {
    // sysctls of the whole host (not of a namespace); the values written are the host's own, so
    // nothing changes even if a write got through
    const knobs = ['vm/max_map_count', 'vm/dirty_ratio', 'kernel/dmesg_restrict'].filter((k) => existsSync(`/proc/sys/${k}`));
    assert.ok(knobs.length > 0, 'this kernel has none of the global sysctls the test writes');
    const values = Object.fromEntries(knobs.map((k) => [k, readFileSync(`/proc/sys/${k}`, 'utf8').trim()]));
    const out = await inContainer([
      ...knobs.map((k) => `echo ${values[k]} > /proc/sys/${k} 2>/dev/null && echo "WROTE ${k}" || echo "denied ${k}"`),
      `sysctl -w ${knobs[0].replace('/', '.')}=${values[knobs[0]]} >/dev/null 2>&1 && echo "WROTE sysctl" || echo "denied sysctl"`,
    ].join('; '), flags);
    for (const k of knobs) {
      assert.match(out, new RegExp(`^denied ${k}$`, 'm'), out);
      assert.equal(readFileSync(`/proc/sys/${k}`, 'utf8').trim(), values[k]);
    }
    assert.match(out, /^denied sysctl$/m, out);
  });

  test(`the container cannot load kernel modules${label}`, async () => {
    // not a module: the kernel checks CAP_SYS_MODULE in the initial namespace before it reads the
    // file, so root would see "Exec format error" here and anyone else "Operation not permitted". A
    // kernel built without module support (no /proc/modules, as this CI's VM kernel) refuses everyone
    // with "Function not implemented"; then the container must get that refusal, not another
    const modular = existsSync('/proc/modules');
    const out = await inContainer('printf "not an ELF module" > /tmp/x.ko; insmod /tmp/x.ko 2>&1; echo "rc=$?"; modprobe -q dummy 2>&1; echo "modprobe rc=$?"', flags);
    // (busybox words ENOSYS from init_module as "kernel does not support requested operation")
    assert.match(out, modular ? /Operation not permitted/ : /Operation not permitted|Function not implemented|kernel does not support requested operation/, out);
    assert.doesNotMatch(out, /Exec format error|^rc=0$/m, out);
    assert.doesNotMatch(out, /^modprobe rc=0$/m, out);
  });
}

test('--privileged gives every capability inside the user namespace, and nothing outside it', async () => {
  const blockDevs = readdirSync('/sys/block').filter((d) => !/^(loop|ram|zram|nbd)/.test(d));
  const script = [
    'grep CapEff /proc/self/status',
    'cat /proc/self/uid_map',
    // what the namespace allows: mounts, the hostname of its own UTS namespace
    'mkdir -p /tmp/m && mount -t tmpfs none /tmp/m 2>&1 && echo "mounted tmpfs" || echo "no tmpfs"',
    'hostname inside-privileged && echo "hostname $(hostname)" || echo "no hostname"',
    // what it does not: devices, a priority above the user's (CAP_SYS_NICE counts in the initial
    // namespace only; harmless, unlike trying the clock), the host's disks, raw memory
    'mknod /tmp/sda b 8 0 2>/dev/null && echo "MADE block device" || echo "denied mknod"',
    'nice -n -5 true 2>/dev/null && echo "RAISED priority" || echo "denied priority"',
    'head -c 1 /dev/mem >/dev/null 2>&1 && echo "READ /dev/mem" || echo "denied /dev/mem"',
    ...blockDevs.map((d) => `if [ -e /dev/${d} ]; then head -c 1 /dev/${d} >/dev/null 2>&1 && echo "READ /dev/${d}" || echo "denied /dev/${d}"; fi`),
  ].join('; ');
  const out = await inContainer(script, ['--privileged']);
  const capEff = BigInt(`0x${/CapEff:\s+([0-9a-f]+)/.exec(out)?.[1] ?? '0'}`);
  // CAP_SYS_MODULE (16), CAP_SYS_ADMIN (21) and CAP_SYS_NICE (23) are all in the set...
  for (const cap of [16n, 21n, 23n]) assert.ok(capEff & (1n << cap), `capability ${cap} in ${out}`);
  // ...but they count in the user namespace only, which maps root to the user
  assert.match(out, new RegExp(`^\\s*0\\s+${u.uid}\\s+1$`, 'm'), out);
  assert.match(out, /^mounted tmpfs$/m, out);
  assert.match(out, /^hostname inside-privileged$/m, out);
  assert.match(out, /^denied mknod$/m, out);
  assert.match(out, /^denied priority$/m, out);
  assert.match(out, /^denied \/dev\/mem$/m, out);
  assert.doesNotMatch(out, /^READ /m, out);
});

test('an escape through a symlinked volume path fails', async () => {
  // 1. the user's own symlink to a root-only directory as a bind source: the mount gives no more than the user has
  await u.run('ln', ['-s', join(hostDir, 'root-dir'), `${u.home}/to-root`]);
  let out = await inContainer('ls /data 2>&1 >/dev/null && echo LISTED || echo denied; cat /data/inside 2>/dev/null || echo "denied read"', ['-v', `${u.home}/to-root:/data`]);
  assert.match(out, /^denied$/m, out);
  assert.match(out, /^denied read$/m, out);

  // 2. a container plants symlinks in a volume that point at host paths the user (and so the daemon) may write
  const target = `${u.home}/target`;
  await u.run('mkdir', ['-p', target]);
  await u.run('sh', ['-c', `echo host-file > ${target}/existing`]);
  await u.ok(['volume', 'create', 'planted']);
  await u.ok(['run', '--rm', '--network', 'none', '-v', 'planted:/data', 'busybox', 'sh', '-c',
    `ln -s ${target} /data/out && ln -s / /data/root && ln -s ../../../../../../..${target} /data/up`]);
  const id = (await u.ok(['create', '--network', 'none', '-v', 'planted:/data', 'busybox', 'sleep', '60'])).trim();
  await u.ok(['start', id]);
  // copying in through each link writes inside the container, never to the host's directory
  for (const link of ['/data/out/', '/data/up/', '/data/root' + target + '/']) {
    const r = await u.berth(['cp', '-', `${id}:${link}`], { input: tarOf('escaped', 'from the container\n') });
    // a refusal (the link resolved inside the container names no directory there) is fine too
    assert.ok(r.code === 0 || /no such|directory|does not exist/i.test(r.stderr), `cp into ${link}: ${r.code} ${r.stderr}`);
    assert.equal(existsSync(join(target, 'escaped')), false, `berth cp through ${link} wrote to the host's ${target}`);
  }
  // copying out through a link reads the container's file, not the host's
  const hostname = readFileSync('/etc/hostname', 'utf8');
  const r = await u.berth(['cp', `${id}:/data/root/etc/hostname`, '-']);
  if (r.code === 0) assert.ok(!r.stdout.includes(hostname.trim()) || hostname.trim() === '', 'berth cp read the host\'s /etc/hostname');
  const r2 = await u.berth(['cp', `${id}:/data/out/existing`, '-']);
  assert.ok(r2.code !== 0 || !r2.stdout.includes('host-file'), 'berth cp read the host\'s file through a planted symlink');
  // and a volume whose path is a planted link mounts the container's view, not the host's
  out = await inContainer('cat /data/out/existing 2>/dev/null || echo "not the host file"', ['-v', 'planted:/data']);
  assert.match(out, /not the host file/);
  await u.ok(['rm', '-f', id]);
});

/** A one-file tar archive (ustar), for `berth cp - CONTAINER:PATH`. */
function tarOf(name: string, content: string): Buffer {
  const body = Buffer.from(content);
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(body.length.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([h, body, pad, Buffer.alloc(1024)]);
}
