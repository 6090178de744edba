/** The metrics pieces without a daemon: the text writer, route labels, addresses, build failure reasons, cgroup v1/v2 readers over fixture files shaped like real ones, and a real cgroup v2 CPU reading. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Exposition, labels, withLabel } from '../../src/metrics/exposition.js';
import { routeTemplate } from '../../src/api/router.js';
import { parseMetricsAddr, isLoopback } from '../../src/metrics/server.js';
import { buildFailureReason } from '../../src/metrics/daemon-metrics.js';
import { specV1, specV2 } from '../../src/metrics/cgroup-spec.js';
import { samplesText, type ContainerSample } from '../../src/metrics/container-series.js';
import { readFileOrUndefined, statsV1, statsV2 } from '../../src/runtime/cgroup-stats.js';
import { BerthError, InvalidArgumentError } from '../../src/common/errors.js';
import { one, parseText } from './scrape.js';

const FIX = fileURLToPath(new URL('./fixtures/', import.meta.url));
const MEM_TOTAL = 8 << 30;

function promtool(text: string): string {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return (r.stdout + r.stderr).trim();
}

test('label values and help texts are escaped; families without samples are left out', () => {
  const x = new Exposition();
  x.family('a_total', 'help with \\ and\nnewline', 'counter').add(labels({ name: 'q"uo\\te\nx', skip: undefined }), 3);
  x.family('empty', 'never written', 'gauge');
  x.family('b', 'gauge', 'gauge').add(withLabel('', 'k', 'v'), NaN);
  const text = x.text();
  assert.equal(text, '# HELP a_total help with \\\\ and\\nnewline\n# TYPE a_total counter\na_total{name="q\\"uo\\\\te\\nx"} 3\n# HELP b gauge\n# TYPE b gauge\nb{k="v"} NaN\n');
  assert.equal(parseText(text)[0].labels.name, 'q"uo\\te\nx');
  assert.equal(promtool(text), '');
});

test('route templates bound the API label to the routes, not the paths', () => {
  assert.equal(routeTemplate('/containers/([^/]+)/start'), '/containers/{id}/start');
  assert.equal(routeTemplate('/images/(.+)/json'), '/images/{name}/json');
  assert.equal(routeTemplate('/images/.+/attestations'), '/images/{name}/attestations');
  assert.equal(routeTemplate('/_ping'), '/_ping');
});

test('metrics addresses: host:port, [v6]:port, :port; loopback detection', () => {
  assert.deepEqual(parseMetricsAddr('127.0.0.1:9323'), { host: '127.0.0.1', port: 9323, display: '127.0.0.1:9323' });
  assert.equal(parseMetricsAddr('[::1]:9323').host, '::1');
  assert.equal(parseMetricsAddr(':9323').host, '0.0.0.0');
  for (const bad of ['127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', '[zz]:1', 'a:b:1']) {
    assert.throws(() => parseMetricsAddr(bad), (e: unknown) => e instanceof InvalidArgumentError && e.code === 'ERR_METRICS_ADDR', bad);
  }
  assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost'));
  assert.ok(!isLoopback('0.0.0.0') && !isLoopback('10.0.0.1'));
});

test("build failures map to dockerd's reasons", () => {
  assert.equal(buildFailureReason(new BerthError('x', { code: 'ERR_ABORTED', status: 499 })), 'build_canceled');
  assert.equal(buildFailureReason(new BerthError('x', { code: 'ERR_DOCKERFILE_UNKNOWN_INSTRUCTION', status: 400 })), 'unknown_instruction_error');
  assert.equal(buildFailureReason(new BerthError('the Dockerfile is empty', { code: 'ERR_DOCKERFILE_PARSE', status: 400 })), 'dockerfile_empty_error');
  assert.equal(buildFailureReason(new BerthError('x', { code: 'ERR_BUILD_TARGET', status: 400 })), 'build_target_not_reachable_error');
  assert.equal(buildFailureReason(new Error('step failed')), 'error_processing_commands_error');
});

function sampleOf(version: 1 | 2): ContainerSample {
  const dir = join(FIX, `cgroup-v${version}`);
  const stats = version === 2 ? statsV2(readFileOrUndefined, dir, MEM_TOTAL) : statsV1(readFileOrUndefined, (c) => join(dir, c), MEM_TOTAL);
  const spec = version === 2 ? specV2(readFileOrUndefined, dir) : specV1(readFileOrUndefined, (c) => join(dir, c));
  return {
    id: '/berth/abc', name: 'web', image: 'busybox', version, stats, spec, startedAt: 1700000000.5,
    networks: { eth0: { rx_bytes: 100, rx_packets: 2, rx_errors: 0, rx_dropped: 1, tx_bytes: 50, tx_packets: 1, tx_errors: 0, tx_dropped: 0 } },
  };
}

test('cgroup v2 files become cAdvisor series (working set, rss, cache, quota, io, threads)', () => {
  const text = samplesText([sampleOf(2)], 1700000100);
  assert.equal(promtool(text), '');
  const s = parseText(text);
  const c = { name: 'web' };
  assert.equal(one(s, 'container_memory_usage_bytes', c).value, 73449472);
  // usage - inactive_file
  assert.equal(one(s, 'container_memory_working_set_bytes', c).value, 73449472 - 20971520);
  assert.equal(one(s, 'container_memory_rss', c).value, 41943040);
  assert.equal(one(s, 'container_memory_cache', c).value, 29360128);
  assert.equal(one(s, 'container_spec_memory_limit_bytes', c).value, 134217728);
  assert.equal(one(s, 'container_spec_cpu_quota', c).value, 50000);
  assert.equal(one(s, 'container_spec_cpu_period', c).value, 100000);
  assert.equal(one(s, 'container_spec_cpu_shares', c).value, 2 + Math.round((99 * 262142) / 9999));
  assert.equal(one(s, 'container_cpu_usage_seconds_total', { ...c, cpu: 'total' }).value, 2.5);
  assert.equal(one(s, 'container_cpu_user_seconds_total', c).value, 2);
  assert.equal(one(s, 'container_cpu_system_seconds_total', c).value, 0.5);
  assert.equal(one(s, 'container_cpu_cfs_throttled_periods_total', c).value, 4);
  assert.equal(one(s, 'container_cpu_cfs_throttled_seconds_total', c).value, 0.12);
  const w = one(s, 'container_fs_writes_bytes_total', c);
  assert.equal(w.value, 8388608);
  assert.match(w.labels.device, /^(\/dev\/\S+|250:77)$/);
  assert.equal(one(s, 'container_fs_reads_bytes_total', c).value, 1048576);
  assert.equal(one(s, 'container_threads', c).value, 3);
  assert.equal(one(s, 'container_threads_max', c).value, 100);
  assert.equal(one(s, 'container_network_receive_packets_dropped_total', { ...c, interface: 'eth0' }).value, 1);
  assert.equal(one(s, 'container_start_time_seconds', c).value, 1700000000.5);
  assert.equal(one(s, 'container_last_seen', c).value, 1700000100);
  assert.equal(one(s, 'container_memory_usage_bytes', c).labels.id, '/berth/abc');
});

test('cgroup v2 "max" limits are 0 (unlimited), as cAdvisor writes them', () => {
  const read = (f: string) => (f.endsWith('memory.max') ? 'max\n' : f.endsWith('cpu.max') ? 'max 100000\n' : readFileOrUndefined(f));
  const spec = specV2(read, join(FIX, 'cgroup-v2'));
  assert.equal(spec.memoryLimit, undefined);
  assert.equal(spec.cpuQuota, undefined);
  const s = parseText(samplesText([{ ...sampleOf(2), spec }]));
  assert.equal(one(s, 'container_spec_memory_limit_bytes').value, 0);
  assert.ok(!s.some((x) => x.name === 'container_spec_cpu_quota' || x.name === 'container_cpu_cfs_periods_total'));
});

test('cgroup v1 files become the same series (total_* stats, blkio per device)', () => {
  const text = samplesText([sampleOf(1)]);
  assert.equal(promtool(text), '');
  const s = parseText(text);
  assert.equal(one(s, 'container_memory_working_set_bytes').value, 10485760 - 3145728);
  assert.equal(one(s, 'container_memory_rss').value, 5242880);
  assert.equal(one(s, 'container_memory_max_usage_bytes').value, 12582912);
  assert.equal(one(s, 'container_spec_memory_limit_bytes').value, 0);
  assert.equal(one(s, 'container_spec_cpu_shares').value, 512);
  assert.equal(one(s, 'container_cpu_user_seconds_total').value, 1);
  assert.equal(one(s, 'container_fs_writes_bytes_total').value, 1048576);
  assert.equal(one(s, 'container_fs_writes_total').value, 256);
  assert.equal(one(s, 'container_threads_max').value, 0);
});

const UNIFIED = '/sys/fs/cgroup/unified';

test('a real cgroup v2 directory: CPU time of a busy process', { skip: !existsSync(join(UNIFIED, 'cgroup.procs')) && 'no cgroup v2 hierarchy at /sys/fs/cgroup/unified' }, async () => {
  // this hybrid host's v2 hierarchy has no controllers enabled, but cpu.stat is always there: the CPU part is real
  const dir = join(UNIFIED, `berth-metrics-test-${process.pid}`);
  mkdirSync(dir);
  try {
    const child = spawn('sh', ['-c', `echo $$ > ${dir}/cgroup.procs && i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done`], { stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0);
    const stats = statsV2(readFileOrUndefined, dir);
    const usage = stats.cpu_stats.cpu_usage;
    assert.ok(usage.total_usage > 1e7, `usage ${usage.total_usage} ns`);
    assert.ok(Math.abs(usage.usage_in_usermode + usage.usage_in_kernelmode - usage.total_usage) <= 0.05 * usage.total_usage + 1e6);
    assert.match(readFileSync(join(dir, 'cpu.stat'), 'utf8'), /^usage_usec \d+/);
  } finally {
    rmdirSync(dir);
  }
});

