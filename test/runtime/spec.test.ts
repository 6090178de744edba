import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import {
  buildSpec, buildProcess, resolveUser, resolveSeccomp, loadDefaultSeccompProfile, hostFacts, parseProcLimits,
  decodeCapMask, detectCgroups, defaultCgroupsPath, signalNumber, parseLogLine, specToJson, DEFAULT_CAPABILITIES,
  type HostFacts,
} from '../../src/runtime/index.js';
import { InvalidArgumentError } from '../../src/common/errors.js';
import { makeBusyboxRootfs, shortTempDir, removeDir, sharedSpecPath } from './helpers.js';

const v1Host = (over: Partial<HostFacts> = {}): HostFacts => ({
  capBounding: decodeCapMask('000001fffeffffff'), // all but CAP_SYS_RESOURCE, as this machine
  hardLimits: { RLIMIT_NOFILE: 20000, RLIMIT_NPROC: 96364, RLIMIT_CORE: Infinity, RLIMIT_STACK: Infinity, RLIMIT_MEMLOCK: 8388608 },
  arch: 'amd64', kernel: '6.1.0',
  cgroups: { version: 1, hybrid: true, unifiedControllers: [], v1Controllers: ['cpu', 'memory'] },
  ...over,
});
const v2Host = (): HostFacts => v1Host({ cgroups: { version: 2, hybrid: false, unifiedControllers: ['cpu', 'memory', 'pids'], unifiedMount: '/sys/fs/cgroup', v1Controllers: [] } });

function ociValidator() {
  const dir = sharedSpecPath('specs/oci-runtime-spec');
  // The schemas are draft-04 but use nothing draft-04-only that ajv's default draft treats differently.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('features') && n !== 'state-schema.json')) {
    const schema = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    delete schema.$schema;
    delete schema.id;
    ajv.addSchema(schema, f);
  }
  return ajv.getSchema('config-schema.json')!;
}

test('default spec has Docker defaults', () => {
  const { spec, warnings } = buildSpec({ id: 'c1', rootfs: '/tmp/r', args: ['sh'], hostname: 'h1', host: v1Host() });
  assert.deepEqual(warnings, []);
  assert.deepEqual(spec.linux.namespaces.map((n: any) => n.type), ['pid', 'ipc', 'uts', 'mount', 'network']);
  assert.deepEqual([...spec.process.capabilities.effective].sort(), [...DEFAULT_CAPABILITIES].sort());
  assert.equal(spec.hostname, 'h1');
  assert.equal(spec.linux.cgroupsPath, '/berth/c1');
  assert.ok(spec.linux.maskedPaths.includes('/proc/kcore'));
  assert.ok(spec.linux.readonlyPaths.includes('/proc/sys'));
  const byDest = Object.fromEntries(spec.mounts.map((m: any) => [m.destination, m]));
  for (const d of ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/sys/fs/cgroup']) assert.ok(byDest[d], d);
  assert.ok(byDest['/dev/shm'].options.includes('size=67108864'));
  assert.ok(byDest['/dev/pts'].options.includes('newinstance') && byDest['/dev/pts'].options.includes('ptmxmode=0666'));
  assert.ok(byDest['/sys'].options.includes('ro'));
  assert.deepEqual(spec.process.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 }]);
  assert.equal(spec.linux.resources.devices[0].allow, false);
  assert.ok(spec.linux.devices.some((d: any) => d.path === '/dev/null' && d.major === 1 && d.minor === 3));
  assert.ok(spec.process.env.some((e: string) => e.startsWith('PATH=')));
  assert.equal(spec.linux.seccomp.defaultAction, 'SCMP_ACT_ERRNO');
});

test('network modes, host namespaces and shm size', () => {
  const host = v1Host();
  const h = buildSpec({ id: 'c', rootfs: '/r', args: ['x'], networkMode: 'host', pidMode: 'host', utsMode: 'host', hostname: 'ignored', host }).spec;
  assert.deepEqual(h.linux.namespaces.map((n: any) => n.type), ['ipc', 'mount']);
  assert.equal(h.hostname, undefined);
  const p = buildSpec({ id: 'c', rootfs: '/r', args: ['x'], networkMode: { netnsPath: '/proc/1/ns/net' }, shmSize: 1024 * 1024, host }).spec;
  assert.deepEqual(p.linux.namespaces.find((n: any) => n.type === 'network'), { type: 'network', path: '/proc/1/ns/net' });
  assert.ok(p.mounts.find((m: any) => m.destination === '/dev/shm').options.includes('size=1048576'));
});

test('extra mounts replace defaults with the same destination; init binds /dev/init', () => {
  const { spec } = buildSpec({
    id: 'c', rootfs: '/r', args: ['sleep', '1'], init: true, initPath: '/usr/bin/catatonit', host: v1Host(),
    mounts: [{ destination: '/etc/hosts', source: '/tmp/hosts', type: 'bind', options: ['rbind', 'ro'] }, { destination: '/dev/shm', source: '/x', type: 'bind', options: ['rbind'] }],
  });
  assert.deepEqual(spec.process.args, ['/dev/init', '--', 'sleep', '1']);
  assert.equal(spec.mounts.filter((m: any) => m.destination === '/dev/shm').length, 1);
  assert.equal(spec.mounts.find((m: any) => m.destination === '/dev/shm').source, '/x');
  assert.ok(spec.mounts.find((m: any) => m.destination === '/dev/init' && m.source === '/usr/bin/catatonit' && m.options.includes('ro')));
  assert.ok(spec.mounts.find((m: any) => m.destination === '/etc/hosts'));
});

test('capabilities: add, drop, ALL, privileged, never beyond the daemon bounding set', () => {
  const host = v1Host();
  const w: string[] = [];
  let caps = buildProcess({ id: 'c', rootfs: '/r', args: ['x'], capAdd: ['net_admin', 'CAP_SYS_RESOURCE'], capDrop: ['MKNOD'], host }).process.capabilities.effective;
  assert.ok(caps.includes('CAP_NET_ADMIN'));
  assert.ok(!caps.includes('CAP_MKNOD'));
  assert.ok(!caps.includes('CAP_SYS_RESOURCE'));
  const r = buildProcess({ id: 'c', rootfs: '/r', args: ['x'], capAdd: ['SYS_RESOURCE'], host });
  assert.match(r.warnings.join('\n'), /CAP_SYS_RESOURCE is not available/);
  caps = buildProcess({ id: 'c', rootfs: '/r', args: ['x'], capDrop: ['ALL'], capAdd: ['CHOWN'], host }).process.capabilities.effective;
  assert.deepEqual(caps, ['CAP_CHOWN']);
  caps = buildProcess({ id: 'c', rootfs: '/r', args: ['x'], privileged: true, host }).process.capabilities.effective;
  assert.ok(caps.includes('CAP_SYS_ADMIN') && !caps.includes('CAP_SYS_RESOURCE'));
  assert.throws(() => buildProcess({ id: 'c', rootfs: '/r', args: ['x'], capAdd: ['BOGUS'], host }), InvalidArgumentError);
  void w;
  const priv = buildSpec({ id: 'c', rootfs: '/r', args: ['x'], privileged: true, host }).spec;
  assert.equal(priv.linux.seccomp, undefined);
  assert.equal(priv.linux.maskedPaths, undefined);
  assert.deepEqual(priv.linux.resources.devices, [{ allow: true, access: 'rwm' }]);
});

test('rlimits are clamped to the daemon hard limit with a warning', () => {
  const host = v1Host();
  const { process: p, warnings } = buildProcess({ id: 'c', rootfs: '/r', args: ['x'], ulimits: [{ Name: 'nofile', Soft: 50000, Hard: 60000 }, { Name: 'nproc', Soft: 100, Hard: 200 }], host });
  assert.deepEqual(p.rlimits.find((r: any) => r.type === 'RLIMIT_NOFILE'), { type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 });
  assert.deepEqual(p.rlimits.find((r: any) => r.type === 'RLIMIT_NPROC'), { type: 'RLIMIT_NPROC', soft: 100, hard: 200 });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /nofile=50000:60000 exceeds the daemon's hard limit 20000/);
  assert.throws(() => buildProcess({ id: 'c', rootfs: '/r', args: ['x'], ulimits: [{ Name: 'bogus', Soft: 1, Hard: 1 }], host }), InvalidArgumentError);
  const core = buildProcess({ id: 'c', rootfs: '/r', args: ['x'], ulimits: [{ Name: 'core', Soft: -1, Hard: -1 }], host }).process;
  assert.match(specToJson(core), /"hard": 18446744073709551615/);
});

test('real host facts: CapBnd and /proc/self/limits', () => {
  const h = hostFacts();
  assert.ok(h.capBounding.has('CAP_CHOWN'));
  const limits = parseProcLimits(readFileSync('/proc/self/limits', 'utf8'));
  assert.ok(limits.RLIMIT_NOFILE > 0);
  assert.equal(h.hardLimits.RLIMIT_NOFILE, limits.RLIMIT_NOFILE);
  const info = detectCgroups();
  assert.ok(info.version === 1 || info.version === 2);
});

test('cgroup v2: cgroup namespace, cgroupsPath and resources', () => {
  const { spec } = buildSpec({
    id: 'abc', rootfs: '/r', args: ['x'], cgroupParent: 'mygroup', host: v2Host(),
    resources: { memory: 64 * 1024 * 1024, nanoCpus: 500_000_000, pidsLimit: 100, cpuShares: 512, cpusetCpus: '0', blkioWeight: 300 },
  });
  assert.ok(spec.linux.namespaces.some((n: any) => n.type === 'cgroup'));
  assert.equal(spec.linux.cgroupsPath, '/mygroup/abc');
  assert.deepEqual(spec.linux.resources.memory, { limit: 67108864, swap: 134217728 });
  assert.deepEqual(spec.linux.resources.cpu, { shares: 512, period: 100000, quota: 50000, cpus: '0' });
  assert.deepEqual(spec.linux.resources.pids, { limit: 100 });
  assert.deepEqual(spec.linux.resources.blockIO, { weight: 300 });
  assert.equal(defaultCgroupsPath('x'), '/berth/x');
  const v1 = buildSpec({ id: 'abc', rootfs: '/r', args: ['x'], host: v1Host() }).spec;
  assert.ok(!v1.linux.namespaces.some((n: any) => n.type === 'cgroup'));
  assert.throws(() => buildSpec({ id: 'a', rootfs: '/r', args: ['x'], resources: { nanoCpus: 1e9, cpuQuota: 1000 }, host: v2Host() }), InvalidArgumentError);
});

test('the built-in default seccomp profile is the pinned upstream moby profile', () => {
  const upstream = JSON.parse(readFileSync(new URL('../../../shared/specs/seccomp/moby-default.json', import.meta.url), 'utf8'));
  assert.deepEqual(loadDefaultSeccompProfile(), upstream);
});

test('seccomp resolution: caps, arches, minKernel, unconfined, custom', () => {
  const profile = loadDefaultSeccompProfile();
  const names = (sc: any) => new Set(sc.syscalls.flatMap((s: any) => s.names));
  const base = resolveSeccomp(profile, [...DEFAULT_CAPABILITIES], { arch: 'amd64', kernel: '6.1.0' });
  assert.deepEqual(base.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  assert.ok(!names(base).has('mount'), 'mount needs CAP_SYS_ADMIN');
  assert.ok(names(base).has('arch_prctl'), 'amd64-only syscalls are included on amd64');
  assert.ok(!names(base).has('s390_pci_mmio_read'));
  for (const s of base.syscalls) { assert.equal(s.includes, undefined); assert.equal(s.excludes, undefined); assert.equal(s.comment, undefined); }
  const admin = resolveSeccomp(profile, [...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'], { arch: 'amd64', kernel: '6.1.0' });
  assert.ok(names(admin).has('mount'));
  // the clone rule with argument filtering is excluded when CAP_SYS_ADMIN is present
  const cloneArgs = (sc: any) => sc.syscalls.filter((s: any) => s.names.includes('clone') && s.args?.length).length;
  assert.ok(cloneArgs(base) > 0);
  assert.equal(cloneArgs(admin), 0);
  const arm = resolveSeccomp(profile, [...DEFAULT_CAPABILITIES], { arch: 'arm64', kernel: '6.1.0' });
  assert.deepEqual(arm.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  assert.ok(!names(arm).has('arch_prctl'));
  const oldKernel = resolveSeccomp(profile, [...DEFAULT_CAPABILITIES], { arch: 'amd64', kernel: '4.4.0' });
  const minK = profile.syscalls.find((s: any) => s.includes?.minKernel);
  if (minK) assert.ok(oldKernel.syscalls.length < base.syscalls.length);
  assert.equal(buildSpec({ id: 'c', rootfs: '/r', args: ['x'], seccomp: 'unconfined', host: v1Host() }).spec.linux.seccomp, undefined);
  const custom = buildSpec({ id: 'c', rootfs: '/r', args: ['x'], seccomp: JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['chmod'], action: 'SCMP_ACT_ERRNO' }] }), host: v1Host() }).spec;
  assert.deepEqual(custom.linux.seccomp, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['chmod'], action: 'SCMP_ACT_ERRNO' }] });
  assert.throws(() => buildSpec({ id: 'c', rootfs: '/r', args: ['x'], seccomp: '{bad', host: v1Host() }), InvalidArgumentError);
});

test('generated specs validate against the OCI runtime config schema', () => {
  const validate = ociValidator();
  assert.equal(validate({ ociVersion: '1.0.2', process: { args: 'not-an-array', cwd: '/' } }), false, 'the validator rejects a broken spec');
  const inputs = [
    { id: 'a', rootfs: '/r', args: ['sh'], host: v1Host() },
    { id: 'b', rootfs: '/r', args: ['sh'], host: v2Host(), terminal: true, user: { uid: 1000, gid: 1000, additionalGids: [50] }, hostname: 'x',
      ulimits: [{ Name: 'nproc', Soft: 10, Hard: 20 }], init: true, initPath: '/usr/bin/catatonit', readonlyRootfs: true, annotations: { a: 'b' },
      resources: { memory: 1 << 26, cpuShares: 100, pidsLimit: 5 }, sysctls: { 'net.ipv4.ip_forward': '1' }, capAdd: ['NET_ADMIN'] },
    { id: 'c', rootfs: '/r', args: ['sh'], privileged: true, networkMode: 'host' as const, host: v1Host() },
  ];
  for (const input of inputs) {
    const { spec } = buildSpec(input);
    const ok = validate(JSON.parse(specToJson(spec)));
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 1));
  }
});

test('resolveUser: names, ids, groups, unknown users, symlinks stay inside the rootfs', async (t) => {
  const dir = await shortTempDir();
  t.after(() => removeDir(dir));
  const rootfs = makeBusyboxRootfs(dir);
  assert.deepEqual(resolveUser(rootfs, undefined), { uid: 0, gid: 0, additionalGids: [10], home: '/root' });
  assert.deepEqual(resolveUser(rootfs, 'app'), { uid: 1000, gid: 1000, additionalGids: [50, 10], home: '/home/app' });
  assert.deepEqual(resolveUser(rootfs, '1000'), { uid: 1000, gid: 1000, additionalGids: [50, 10], home: '/home/app' });
  assert.deepEqual(resolveUser(rootfs, '4242'), { uid: 4242, gid: 0, additionalGids: [], home: '/' });
  assert.deepEqual(resolveUser(rootfs, '4242:77'), { uid: 4242, gid: 77, additionalGids: [], home: '/' });
  assert.equal(resolveUser(rootfs, 'app:staff').gid, 50);
  assert.throws(() => resolveUser(rootfs, 'xyz'), (e: any) => e instanceof InvalidArgumentError && /unable to find user xyz: no matching entries in passwd file/.test(e.message));
  assert.throws(() => resolveUser(rootfs, 'app:nogrp'), InvalidArgumentError);
  // /etc/passwd as an absolute symlink pointing "outside" must resolve inside the rootfs
  const evil = join(dir, 'evil');
  mkdirSync(join(evil, 'etc'), { recursive: true });
  mkdirSync(join(evil, 'real'), { recursive: true });
  writeFileSync(join(evil, 'real/passwd'), 'inside:x:7:7::/in:/bin/sh\n');
  symlinkSync('/real/passwd', join(evil, 'etc/passwd'));
  assert.equal(resolveUser(evil, 'inside').uid, 7);
  symlinkSync('../../../../../../etc/shadow', join(evil, 'etc/group'));
  assert.equal(resolveUser(evil, 'inside').gid, 7); // the group file escapes nowhere: not found -> ignored
  assert.throws(() => resolveUser(evil, 'root'), InvalidArgumentError); // the host's root is not visible
});

test('signal names and numbers; k8s-file log lines', () => {
  assert.equal(signalNumber('TERM'), 15);
  assert.equal(signalNumber('SIGKILL'), 9);
  assert.equal(signalNumber('9'), 9);
  assert.equal(signalNumber(2), 2);
  assert.throws(() => signalNumber('NOPE'), InvalidArgumentError);
  const l = parseLogLine('2024-01-02T03:04:05.123456789+00:00 stdout F hello world')!;
  assert.equal(l.stream, 'stdout');
  assert.equal(l.data.toString(), 'hello world\n');
  assert.equal(parseLogLine('2024-01-02T03:04:05.1Z stderr P part')!.data.toString(), 'part');
  assert.equal(parseLogLine('garbage'), null);
});
