/**
 * A real daemon with --metrics-addr in its test namespace: containers with a memory limit, a CPU quota,
 * network traffic and disk writes; the scrape's per-container and engine series, promtool's check,
 * and a real Prometheus server scraping berth and answering a PromQL query.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { curlIn, one, parseText, type Sample } from './scrape.js';

const PORT = 9323; // dockerd's; free, since the namespace is the test daemon's own
const PROM_PORT = 9090;
let d: TestDaemon;
let prom: ChildProcess | undefined;
let promDir: string | undefined;

before(async () => {
  d = await startDaemon({ extraArgs: ['--metrics-addr', `127.0.0.1:${PORT}`] });
  await d.ok(['run', '-d', '--name', 'mem', '-m', '64m', 'busybox', 'sleep', '300']);
  await d.ok(['run', '-d', '--name', 'cpu', '--cpus', '0.5', 'busybox', 'sh', '-c', 'i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done; sleep 300']);
  // ~57 KB of ICMP to the bridge's gateway and back
  await d.ok(['run', '-d', '--name', 'net', 'busybox', 'sh', '-c', 'ping -c 40 -i 0.05 -s 1400 172.17.0.1; sleep 300']);
  // direct I/O, so the bytes are the container's own (not page cache written back later by the kernel);
  // the (never reached) write limit because this host's kernel accounts v1 blkio only for throttled cgroups
  const dev = spawnSync('findmnt', ['-no', 'SOURCE', '-T', d.root], { encoding: 'utf8' }).stdout.trim();
  await d.ok(['run', '-d', '--name', 'disk', '--device-write-bps', `${dev}:1000mb`, '-v', 'metrics-data:/data', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/data/f bs=1M count=8 oflag=direct; sleep 300']);
});

after(async () => {
  if (prom?.pid && prom.exitCode === null) {
    prom.kill('SIGKILL');
    await new Promise((r) => prom!.once('exit', r));
  }
  if (promDir) rmSync(promDir, { recursive: true, force: true });
  await d?.cleanup();
});

function scrape(): { text: string; samples: Sample[] } {
  const r = curlIn(d.netns, `http://127.0.0.1:${PORT}/metrics`);
  assert.equal(r.code, 200, r.body);
  return { text: r.body, samples: parseText(r.body) };
}

test('per-container series carry cAdvisor names and plausible values', async (t) => {
  // the ping and the dd finish within a few seconds
  let s: Sample[] = [];
  const counters = (samples: Sample[]) => {
    const net = (name: string) => samples.find((x) => x.name === name && x.labels.name === 'net' && x.labels.interface === 'eth0')?.value ?? 0;
    const wr = samples.filter((x) => x.name === 'container_fs_writes_bytes_total' && x.labels.name === 'disk').reduce((a, b) => a + b.value, 0);
    return { rx: net('container_network_receive_bytes_total'), tx: net('container_network_transmit_bytes_total'), wr };
  };
  // more than half of the 40 echo requests and replies (~1.4 KB each) counted, and the 8 MiB written
  const enough = (c: { rx: number; tx: number; wr: number }) => c.rx > 30_000 && c.tx > 30_000 && c.wr >= 8 << 20;
  const grew = await waitFor(() => { s = scrape().samples; return enough(counters(s)); }, 30_000, 'network and disk counters to grow').then(() => true, () => false);
  // the kernel's own counters, read beside berth's once the ping and the dd are over: berth reports exactly what
  // the kernel counts (the kernel may count less than the test asked for: v1 blkio accounting, a lost ping)
  const pidOf = async (name: string) => Number((await d.ok(['inspect', '-f', '{{.State.Pid}}', name])).trim());
  const netPid = await pidOf('net');
  const diskCgroup = `/sys/fs/cgroup/blkio${one(s, 'container_spec_memory_limit_bytes', { name: 'disk' }).labels.id}`;
  const blkioWrites = (file: string) => { try { return readFileSync(join(diskCgroup, file), 'utf8').split('\n').map((l) => /^\d+:\d+ Write (\d+)$/.exec(l)).reduce((a, m) => a + (m ? Number(m[1]) : 0), 0); } catch { return 0; } };
  const readKernel = () => {
    const line = readFileSync(`/proc/${netPid}/net/dev`, 'utf8').split('\n').find((l) => l.trim().startsWith('eth0:'));
    const f = line ? line.split(':')[1].trim().split(/\s+/).map(Number) : [];
    return { rx: f[0] ?? 0, tx: f[8] ?? 0, rxPackets: f[1] ?? 0, wr: blkioWrites('blkio.io_service_bytes_recursive') || blkioWrites('blkio.throttle.io_service_bytes_recursive') };
  };
  // read before and after the scrape: stray packets (neighbour discovery) may arrive in between
  const before = readKernel();
  s = scrape().samples;
  const kernel = readKernel();
  const c = counters(s);
  for (const k of ['rx', 'tx', 'wr'] as const) {
    assert.ok(c[k] >= before[k] && c[k] <= kernel[k], `berth's ${k} ${c[k]} is the kernel's (${before[k]}..${kernel[k]})`);
  }
  if (!grew) {
    const logs = await Promise.all(['net', 'disk'].map((n) => d.berth(['logs', n]).then((r) => `${n}: ${r.stdout}${r.stderr}`)));
    t.diagnostic(`the kernel counted less than the test asked for: ${JSON.stringify(kernel)}\n${logs.join('\n')}`);
  }
  assert.ok(kernel.rx > 0 && kernel.tx > 0, `no traffic counted at all: ${JSON.stringify(kernel)}`);

  const mem = one(s, 'container_spec_memory_limit_bytes', { name: 'mem' });
  assert.equal(mem.value, 64 * 1024 * 1024);
  assert.match(mem.labels.id, /^\/berth\/[0-9a-f]{64}$/);
  assert.equal(mem.labels.image, 'busybox');
  // no limit: 0, as cAdvisor
  assert.equal(one(s, 'container_spec_memory_limit_bytes', { name: 'net' }).value, 0);
  assert.equal(one(s, 'container_spec_cpu_quota', { name: 'cpu' }).value, 50_000);
  assert.equal(one(s, 'container_spec_cpu_period', { name: 'cpu' }).value, 100_000);
  const cpu = one(s, 'container_cpu_usage_seconds_total', { name: 'cpu', cpu: 'total' }).value;
  assert.ok(cpu > 0, `cpu ${cpu}`);
  // v1's usage_in_bytes is approximate (per-CPU charge batches): the working set is checked against it loosely;
  // memory.stat's rss of a sleeping busybox is a few pages, which the kernel's per-CPU stat batches may not
  // have flushed yet (0 was seen): present and not above usage, not necessarily above 0
  const ws = one(s, 'container_memory_working_set_bytes', { name: 'mem' }).value;
  const usage = one(s, 'container_memory_usage_bytes', { name: 'mem' }).value;
  const rss = one(s, 'container_memory_rss', { name: 'mem' }).value;
  assert.ok(ws >= 0 && ws <= usage && usage > 0 && rss >= 0 && rss <= usage, `working set ${ws}, usage ${usage}, rss ${rss}`);
  const rxp = one(s, 'container_network_receive_packets_total', { name: 'net', interface: 'eth0' }).value;
  assert.ok(rxp >= before.rxPackets && rxp <= kernel.rxPackets, `rx packets ${rxp} as the kernel counts them`);
  const dev = one(s, 'container_fs_writes_bytes_total', { name: 'disk' }).labels.device;
  assert.match(dev, /^\/dev\//);
  const started = one(s, 'container_start_time_seconds', { name: 'mem' }).value;
  assert.ok(Math.abs(started - Date.now() / 1000) < 600, `start time ${started}`);
  const seen = one(s, 'container_last_seen', { name: 'mem' }).value;
  assert.ok(seen >= Math.floor(started), `last seen ${seen}, started ${started}`);
  const threads = one(s, 'container_threads', { name: 'mem' }).value;
  assert.ok(threads >= 1, `threads ${threads}`);
});

test('engine series: states, actions, API requests, stores, process, engine info', async () => {
  await d.ok(['create', '--name', 'idle', 'busybox', 'true']);
  const s = scrape().samples;
  assert.equal(one(s, 'engine_daemon_container_states_containers', { state: 'running' }).value, 4);
  assert.equal(one(s, 'engine_daemon_container_states_containers', { state: 'stopped' }).value, 1);
  assert.equal(one(s, 'engine_daemon_container_states_containers', { state: 'paused' }).value, 0);
  assert.ok(one(s, 'engine_daemon_container_actions_seconds_count', { action: 'start' }).value >= 4);
  assert.ok(one(s, 'engine_daemon_container_actions_seconds_count', { action: 'create' }).value >= 5);
  assert.ok(one(s, 'engine_daemon_container_actions_seconds_bucket', { action: 'start', le: '+Inf' }).value >= 4);
  assert.ok(one(s, 'berth_api_requests_total', { method: 'POST', route: '/containers/{id}/start', status: '204' }).value >= 4);
  assert.ok(one(s, 'berth_api_requests_total', { method: 'POST', route: '/containers/create', status: '201' }).value >= 5);
  assert.ok(!s.some((x) => x.name === 'berth_api_requests_total' && /[0-9a-f]{64}/.test(x.labels.route)), 'raw IDs in route labels');
  assert.ok(one(s, 'engine_daemon_events_total').value >= 9);
  assert.ok(one(s, 'berth_images').value >= 1);
  assert.ok(one(s, 'berth_image_layers_bytes').value > 0);
  assert.equal(one(s, 'berth_volumes').value, 1);
  assert.ok(one(s, 'berth_volumes_bytes').value >= 8 << 20);
  assert.ok(one(s, 'process_resident_memory_bytes').value > 10 << 20);
  assert.ok(one(s, 'process_cpu_seconds_total').value > 0);
  const info = one(s, 'engine_daemon_engine_info');
  assert.equal(info.value, 1);
  assert.equal(info.labels.os_type, 'linux');
  assert.match(info.labels.daemon_id, /.+/);
  one(s, 'engine_daemon_health_checks_total');
});

test('exec through the API is timed', async () => {
  await d.ok(['exec', 'mem', 'true']);
  const s = scrape().samples;
  assert.ok(one(s, 'engine_daemon_container_actions_seconds_count', { action: 'exec' }).value >= 1);
});

test('a limit changed by update shows at the next scrape (the limits cache is dropped by the event)', async () => {
  assert.equal(one(scrape().samples, 'container_spec_memory_limit_bytes', { name: 'mem' }).value, 64 << 20);
  await d.ok(['update', '--memory', '128m', '--memory-swap', '256m', 'mem']);
  assert.equal(one(scrape().samples, 'container_spec_memory_limit_bytes', { name: 'mem' }).value, 128 << 20);
});

test('builds and health checks are counted with dockerd\'s names and reasons', async () => {
  const ctxDir = mkdtempSync('/tmp/bt-metrics-build-');
  try {
    writeFileSync(join(ctxDir, 'Dockerfile'), 'FROM busybox\nFROBNICATE x\n');
    const r = await d.berth(['build', '-t', 'metrics-bad', ctxDir]);
    assert.notEqual(r.code, 0);
  } finally { rmSync(ctxDir, { recursive: true, force: true }); }
  await d.ok(['run', '-d', '--name', 'healthy', '--health-cmd', 'true', '--health-interval', '1s', 'busybox', 'sleep', '300']);
  await waitFor(() => one(scrape().samples, 'engine_daemon_health_checks_total').value >= 1, 20_000, 'a health check');
  const s = scrape().samples;
  assert.ok(one(s, 'builder_builds_triggered_total').value >= 1);
  assert.equal(one(s, 'builder_builds_failed_total', { reason: 'unknown_instruction_error' }).value, 1);
  assert.ok(one(s, 'engine_daemon_image_actions_seconds_count', { action: 'build' }).value >= 1);
  assert.ok(one(s, 'berth_engine_action_failures_total', { action: 'build' }).value >= 1);
  assert.equal(one(s, 'engine_daemon_health_checks_failed_total').value, 0);
  await d.ok(['rm', '-f', 'healthy']);
});

test('promtool accepts the output', () => {
  const { text } = scrape();
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `promtool: ${r.stdout}${r.stderr}`);
  assert.equal((r.stdout + r.stderr).trim(), '', 'promtool lint findings');
});

test('only /metrics is served', () => {
  assert.equal(curlIn(d.netns, `http://127.0.0.1:${PORT}/`).code, 404);
});

test('a real Prometheus server scrapes berth and answers PromQL with the container value', async () => {
  promDir = mkdtempSync('/tmp/bt-prom-');
  writeFileSync(join(promDir, 'prometheus.yml'), [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    'scrape_configs:',
    '  - job_name: berth',
    `    static_configs: [{ targets: ['127.0.0.1:${PORT}'] }]`,
    '',
  ].join('\n'));
  // ip netns exec execs prometheus itself, so the PID is Prometheus's
  prom = spawn('ip', ['netns', 'exec', d.netns, 'prometheus', `--config.file=${join(promDir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(promDir, 'data')}`, `--web.listen-address=127.0.0.1:${PROM_PORT}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let promLog = '';
  prom.stderr!.on('data', (b) => { promLog = (promLog + b.toString()).slice(-4000); });
  const query = encodeURIComponent('container_memory_working_set_bytes{name="mem"}');
  let result: Array<{ metric: Record<string, string>; value: [number, string] }> = [];
  await waitFor(() => {
    if (prom!.exitCode !== null) throw new Error(`prometheus exited: ${promLog}`);
    const r = curlIn(d.netns, `http://127.0.0.1:${PROM_PORT}/api/v1/query?query=${query}`);
    if (r.code !== 200) return false;
    result = JSON.parse(r.body).data.result;
    return result.length === 1;
  }, 60_000, 'Prometheus to have scraped berth');
  assert.equal(result[0].metric.job, 'berth');
  assert.match(result[0].metric.id, /^\/berth\//);
  const direct = one(scrape().samples, 'container_memory_working_set_bytes', { name: 'mem' }).value;
  const viaProm = Number(result[0].value[1]);
  // a sleeping busybox's working set moves by a few pages at most between two scrapes
  assert.ok(Math.abs(viaProm - direct) <= Math.max(64 * 1024, direct * 0.1), `prometheus ${viaProm} vs scrape ${direct}`);
  const up = curlIn(d.netns, `http://127.0.0.1:${PROM_PORT}/api/v1/query?query=up`);
  assert.equal(JSON.parse(up.body).data.result[0].value[1], '1');
});
