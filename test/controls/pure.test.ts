/** Unit tests: cgroup v1/v2 stat parsing on generated files, generated specs, validation, the CLI's stats numbers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { oomKilledFrom, parseIoStatV2, parseLimit, parseNetDev, statsV1, statsV2, systemCpu } from '../../src/runtime/cgroup-stats.js';
import { buildSpec } from '../../src/runtime/spec.js';
import { extraOciResources, updateOciResources, validateResources, type ResourceHost } from '../../src/runtime/resources.js';
import { sysctlProblem, validateSecurity } from '../../src/runtime/security.js';
import { blkioBytes, cpuPercent, memUsage, StatsRow } from '../../src/cli/commands/controls.js';
import type { HostFacts } from '../../src/runtime/host.js';

const files = (map: Record<string, string>) => (f: string) => map[f];

test('cgroup v2: memory, cpu, io, pids from the unified directory', () => {
  const dir = '/sys/fs/cgroup/berth/abc';
  const s = statsV2(files({
    [join(dir, 'memory.current')]: '10485760\n',
    [join(dir, 'memory.max')]: '33554432\n',
    [join(dir, 'memory.stat')]: 'anon 4096\nfile 8192\ninactive_file 2097152\n',
    [join(dir, 'cpu.stat')]: 'usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 10\nnr_throttled 4\nthrottled_usec 2000\n',
    [join(dir, 'io.stat')]: '254:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n',
    [join(dir, 'pids.current')]: '3\n',
    [join(dir, 'pids.max')]: 'max\n',
  }), dir, 8 * 2 ** 30);
  assert.equal(s.memory_stats.usage, 10485760);
  assert.equal(s.memory_stats.limit, 33554432);
  assert.equal(s.memory_stats.stats.inactive_file, 2097152);
  assert.equal(s.cpu_stats.cpu_usage.total_usage, 1_500_000);
  assert.equal(s.cpu_stats.cpu_usage.usage_in_usermode, 1_000_000);
  assert.deepEqual(s.cpu_stats.throttling_data, { periods: 10, throttled_periods: 4, throttled_time: 2_000_000 });
  assert.deepEqual(s.blkio_stats.io_service_bytes_recursive, [
    { major: 254, minor: 0, op: 'read', value: 4096 }, { major: 254, minor: 0, op: 'write', value: 8192 }]);
  assert.deepEqual(s.pids_stats, { current: 3 });
  // no limit: the host's memory, as Docker reports
  const unl = statsV2(files({ [join(dir, 'memory.current')]: '1', [join(dir, 'memory.max')]: 'max' }), dir, 1234);
  assert.equal(unl.memory_stats.limit, 1234);
  assert.equal(oomKilledFrom(2, files({ [join(dir, 'memory.events')]: 'low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n' }), dir), true);
  assert.equal(oomKilledFrom(2, files({ [join(dir, 'memory.events')]: 'oom 0\noom_kill 0\n' }), dir), false);
  assert.deepEqual(parseIoStatV2('').bytes, []);
});

test('cgroup v1: per-controller files, unlimited memory, blkio throttle fallback, oom_control', () => {
  const d = (c: string) => `/cg/${c}/berth/x`;
  const s = statsV1(files({
    [`${d('memory')}/memory.usage_in_bytes`]: '5000',
    [`${d('memory')}/memory.max_usage_in_bytes`]: '9000',
    [`${d('memory')}/memory.limit_in_bytes`]: '9223372036854771712',
    [`${d('memory')}/memory.failcnt`]: '2',
    [`${d('memory')}/memory.stat`]: 'cache 100\ntotal_inactive_file 1000\n',
    [`${d('cpuacct')}/cpuacct.usage`]: '777',
    [`${d('cpuacct')}/cpuacct.usage_percpu`]: '700 77 \n',
    [`${d('cpuacct')}/cpuacct.stat`]: 'user 3\nsystem 1\n',
    [`${d('cpu')}/cpu.stat`]: 'nr_periods 5\nnr_throttled 1\nthrottled_time 99\n',
    [`${d('blkio')}/blkio.throttle.io_service_bytes_recursive`]: '254:0 Read 10\n254:0 Write 20\n254:0 Total 30\nTotal 30\n',
    [`${d('pids')}/pids.current`]: '4',
    [`${d('pids')}/pids.max`]: '20',
  }), d, 4096);
  assert.equal(s.memory_stats.limit, 4096);
  assert.equal(s.memory_stats.failcnt, 2);
  assert.deepEqual(s.cpu_stats.cpu_usage, { total_usage: 777, percpu_usage: [700, 77], usage_in_kernelmode: 1e7, usage_in_usermode: 3e7 });
  assert.deepEqual(s.cpu_stats.throttling_data, { periods: 5, throttled_periods: 1, throttled_time: 99 });
  assert.deepEqual(s.blkio_stats.io_service_bytes_recursive?.map((e: any) => e.op), ['Read', 'Write', 'Total']);
  assert.deepEqual(s.pids_stats, { current: 4, limit: 20 });
  assert.equal(oomKilledFrom(1, files({ [`${d('memory')}/memory.oom_control`]: 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n' }), d('memory')), true);
  assert.equal(parseLimit('max'), undefined);
  assert.deepEqual(Object.keys(parseNetDev('Inter-|\n face |\n    lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n  eth0: 100 2 0 0 0 0 0 0 200 3 0 0 0 0 0 0\n')), ['eth0']);
  const sys = systemCpu('cpu  10 0 10 80 0 0 0 0 0 0\ncpu0 5 0 5 40 0 0 0 0 0 0\ncpu1 5 0 5 40 0 0 0 0 0 0\n');
  assert.deepEqual(sys, { systemUsage: 100 * 1e7, onlineCpus: 2 });
});

test('CLI numbers: CPU %, memory without inactive file pages (v1 and v2 keys), block I/O', () => {
  const s = {
    cpu_stats: { cpu_usage: { total_usage: 2e8 }, system_cpu_usage: 2e9, online_cpus: 2 },
    precpu_stats: { cpu_usage: { total_usage: 1e8 }, system_cpu_usage: 1e9 },
    memory_stats: { usage: 100 * 2 ** 20, limit: 200 * 2 ** 20, stats: { inactive_file: 50 * 2 ** 20 } },
    blkio_stats: { io_service_bytes_recursive: [{ op: 'Read', value: 1000 }, { op: 'write', value: 2000 }, { op: 'Total', value: 3000 }] },
    pids_stats: { current: 7 }, name: '/web', id: 'f'.repeat(64),
  };
  assert.equal(cpuPercent(s), 20);
  assert.equal(memUsage(s.memory_stats), 50 * 2 ** 20);
  assert.equal(memUsage({ usage: 10, stats: { total_inactive_file: 4 } }), 6);
  assert.deepEqual(blkioBytes(s), { read: 1000, write: 2000 });
  const row = new StatsRow('web', s);
  assert.equal(row.CPUPerc, '20.00%');
  assert.equal(row.MemUsage, '50MiB / 200MiB');
  assert.equal(row.MemPerc, '25.00%');
  assert.equal(row.BlockIO, '1kB / 2kB');
  assert.equal(row.ID, 'ffffffffffff');
  assert.equal(row.Name, 'web');
});

function host(version: 1 | 2): HostFacts {
  return {
    capBounding: new Set(['CAP_CHOWN', 'CAP_KILL', 'CAP_SETUID', 'CAP_SETGID', 'CAP_NET_ADMIN', 'CAP_SYS_ADMIN']),
    hardLimits: { RLIMIT_NOFILE: 20000, RLIMIT_NPROC: 1000 }, arch: 'amd64', kernel: '6.1.0',
    cgroups: { version, hybrid: false, unifiedControllers: version === 2 ? ['cpu', 'memory', 'pids', 'io'] : [], v1Controllers: version === 1 ? ['memory', 'cpu'] : [] },
  };
}

test('generated specs: v2 gets a cgroup namespace; limits and extra resources are in linux.resources', () => {
  const { spec } = buildSpec({
    id: 'x', rootfs: '/r', args: ['sh'], host: host(2), seccomp: 'unconfined',
    resources: { memory: 64 * 2 ** 20, nanoCpus: 5e8, pidsLimit: 10, cpusetCpus: '0' },
    extraResources: extraOciResources({ OomKillDisable: true, DeviceCgroupRules: ['c 1:9 rwm', 'b *:* m'] }),
  });
  assert.ok(spec.linux.namespaces.some((n: any) => n.type === 'cgroup'));
  const r = spec.linux.resources;
  assert.deepEqual(r.memory, { limit: 64 * 2 ** 20, swap: 128 * 2 ** 20, disableOOMKiller: true });
  assert.deepEqual(r.cpu, { period: 100000, quota: 50000, cpus: '0' });
  assert.deepEqual(r.pids, { limit: 10 });
  assert.deepEqual(r.devices.slice(-2), [{ allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' }, { allow: true, type: 'b', access: 'm' }]);
  const v1 = buildSpec({ id: 'x', rootfs: '/r', args: ['sh'], host: host(1), seccomp: 'unconfined' }).spec;
  assert.ok(!v1.linux.namespaces.some((n: any) => n.type === 'cgroup'));
});

test('update resources: removed limits are written as unlimited', () => {
  const all = new Set(['Memory', 'MemorySwap', 'PidsLimit', 'NanoCpus']);
  assert.deepEqual(updateOciResources({ Memory: 0, PidsLimit: 0, NanoCpus: 0 }, all), { memory: { limit: -1, swap: -1 }, cpu: { period: 100000, quota: -1 }, pids: { limit: -1 } });
  assert.deepEqual(updateOciResources({ Memory: 100, MemorySwap: 0 }, new Set(['Memory'])), { memory: { limit: 100, swap: 200 } });
});

const fakeHost = (version: 1 | 2, knobs: string[] = []): ResourceHost => ({
  ncpu: 2, memTotal: 4 * 2 ** 30, cpusetCpus: '0-1', cpusetMems: '0',
  cgroups: { version, v1Controllers: [], unifiedControllers: version === 2 ? ['io'] : [], unifiedMount: '/sys/fs/cgroup' },
  hasKnob: (c, f) => knobs.includes(`${c}/${f}`),
});

test('validation: Docker wording, knobs the host lacks dropped with a warning', () => {
  assert.throws(() => validateResources({ NanoCpus: 3e9 }, fakeHost(1)), /Range of CPUs is from 0.01 to 2.00/);
  assert.throws(() => validateResources({ CpusetCpus: '0,5' }, fakeHost(1)), /Requested CPUs are not available - requested 0,5, available: 0-1/);
  assert.throws(() => validateResources({ CpuPeriod: 500 }, fakeHost(1)), /CPU cfs period can not be less than 1ms/);
  assert.throws(() => validateResources({ MemorySwap: 100 * 2 ** 20 }, fakeHost(1)), /always set the Memory limit/);
  const hc: any = { BlkioWeight: 300 };
  assert.match(validateResources(hc, fakeHost(1)).join(), /does not support Block I\/O weight/);
  assert.equal(hc.BlkioWeight, 0);
  const hc2: any = { BlkioWeight: 300 };
  assert.deepEqual(validateResources(hc2, fakeHost(1, ['blkio/blkio.weight'])), []);
  assert.equal(hc2.BlkioWeight, 300);
  const v2: any = { OomKillDisable: true, Memory: 64 * 2 ** 20, MemorySwappiness: 10 };
  assert.equal(validateResources(v2, fakeHost(2)).length, 2);
  assert.equal(v2.OomKillDisable, false);
  assert.equal(sysctlProblem('net.core.somaxconn', { NetworkMode: 'none' }), '');
  assert.match(sysctlProblem('kernel.shmmax', { IpcMode: 'host' }), /host IPC namespace/);
  assert.match(sysctlProblem('kernel.panic', {}), /not namespaced/);
  assert.throws(() => validateSecurity({ CapAdd: ['SYS_MAGIC'] }), /unknown capability: "CAP_SYS_MAGIC"/);
  assert.doesNotThrow(() => validateSecurity({ CapAdd: ['ALL'], CapDrop: ['net_raw'], SecurityOpt: ['no-new-privileges', 'seccomp=unconfined', 'label=disable'] }));
});
