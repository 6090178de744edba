/** Resource limits with real containers: cgroup files, OOM kill, pids limit, CPU quota, update, stats, bad input. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { containerCgroup } from '../../src/runtime/cgroup-locate.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

const IDLE = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'];

async function ok(args: string[]): Promise<string> {
  const r = await d.berth(args);
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

function cg(id: string, controller: string, file: string): string {
  return readFileSync(`${containerCgroup(`/berth/${id}`).dir(controller)}/${file}`, 'utf8').trim();
}

async function inspect(name: string): Promise<any> { return JSON.parse(await ok(['inspect', name]))[0]; }

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (let i = 0; i < 400 && Date.now() < end; i++) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as T;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('limits land in the cgroup, the process and HostConfig', async () => {
  const id = await ok(['run', '-d', '--name', 'lim', '--memory', '32m', '--memory-reservation', '16m', '--cpus', '0.5', '--cpu-shares', '512',
    '--cpuset-cpus', '0', '--pids-limit', '50', '--ulimit', 'nofile=1024:2048', '--shm-size', '16m', 'busybox', ...IDLE]);
  const cgv = containerCgroup(`/berth/${id}`);
  if (cgv.version === 1) {
    assert.equal(cg(id, 'memory', 'memory.limit_in_bytes'), String(32 * 1024 * 1024));
    assert.equal(cg(id, 'memory', 'memory.soft_limit_in_bytes'), String(16 * 1024 * 1024));
    assert.equal(cg(id, 'cpu', 'cpu.cfs_quota_us'), '50000');
    assert.equal(cg(id, 'cpu', 'cpu.cfs_period_us'), '100000');
    assert.equal(cg(id, 'cpu', 'cpu.shares'), '512');
    assert.equal(cg(id, 'cpuset', 'cpuset.cpus'), '0');
  } else {
    assert.equal(cg(id, 'memory', 'memory.max'), String(32 * 1024 * 1024));
    assert.equal(cg(id, 'cpu', 'cpu.max'), '50000 100000');
  }
  assert.equal(cg(id, 'pids', 'pids.max'), '50');
  const out = await ok(['exec', 'lim', 'sh', '-c', 'ulimit -n; ulimit -Hn; df -k /dev/shm | tail -1']);
  const [soft, hard, shm] = out.split('\n');
  assert.equal(soft, '1024');
  assert.equal(hard, '2048');
  assert.match(shm, /^shm\s+16384\s/);
  const info = await inspect('lim');
  assert.equal(info.HostConfig.Memory, 32 * 1024 * 1024);
  assert.equal(info.HostConfig.MemorySwap, 64 * 1024 * 1024, 'Docker records twice the memory as swap limit');
  assert.equal(info.HostConfig.NanoCpus, 5e8);
  assert.equal(info.HostConfig.PidsLimit, 50);
});

test('update changes the limits of a running container', async () => {
  const id = await ok(['run', '-d', '--name', 'upd', '--memory', '32m', '--pids-limit', '40', 'busybox', ...IDLE]);
  assert.equal(await ok(['update', '--memory', '64m', '--memory-swap', '128m', '--pids-limit', '30', '--cpus', '0.25', '--restart', 'on-failure:3', 'upd']), 'upd');
  const v1 = containerCgroup(`/berth/${id}`).version === 1;
  assert.equal(cg(id, 'memory', v1 ? 'memory.limit_in_bytes' : 'memory.max'), String(64 * 1024 * 1024));
  assert.equal(cg(id, 'pids', 'pids.max'), '30');
  assert.equal(cg(id, 'cpu', v1 ? 'cpu.cfs_quota_us' : 'cpu.max'), v1 ? '25000' : '25000 100000');
  const hc = (await inspect('upd')).HostConfig;
  assert.equal(hc.Memory, 64 * 1024 * 1024);
  assert.equal(hc.PidsLimit, 30);
  assert.deepEqual(hc.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
  // Docker's refusal: more memory than the swap limit already set
  const r = await d.berth(['update', '--memory', '512m', 'upd']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /memory limit should be smaller than already set memoryswap limit/);
  const none = await d.berth(['update', 'upd']);
  assert.notEqual(none.code, 0);
  assert.match(none.stderr, /you must provide one or more flags/);
});

test('an OOM kill ends with exit 137 and State.OOMKilled', async () => {
  const r = await d.berth(['run', '--name', 'oom', '--memory', '16m', '--memory-swap', '16m', 'busybox', 'sh', '-c', 'tail /dev/zero']);
  assert.equal(r.code, 137, r.stderr);
  const st = (await inspect('oom')).State;
  assert.equal(st.ExitCode, 137);
  assert.equal(st.OOMKilled, true);
  const ev = await ok(['events', '--since', '0', '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'container=oom', '--format', '{{.Action}}']);
  assert.match(ev, /^oom$/m);
  // a normal exit is not an OOM kill
  await d.berth(['run', '--name', 'notoom', '--memory', '16m', 'busybox', 'sh', '-c', 'exit 3']);
  assert.equal((await inspect('notoom')).State.OOMKilled, false);
});

test('a fork bomb stops at the pids limit and the container can still be stopped', async () => {
  const id = await ok(['run', '-d', '--name', 'bomb', '--pids-limit', '20', 'busybox', 'sleep', '300']);
  // the bomb forks until the kernel refuses (its shell keeps trying, a busy loop)
  await ok(['exec', '-d', 'bomb', 'sh', '-c', 'while :; do sleep 60 & done 2>/dev/null']);
  const current = await until('the pids limit to be reached', () => { const n = Number(cg(id, 'pids', 'pids.current')); return n >= 19 ? n : undefined; });
  assert.ok(current <= 20, `pids.current ${current} > 20`);
  const stats = (await d.api('GET', '/containers/bomb/stats?stream=0&one-shot=1')).body;
  assert.ok(stats.pids_stats.current <= 20 && stats.pids_stats.current >= 19, JSON.stringify(stats.pids_stats));
  assert.equal(stats.pids_stats.limit, 20);
  await ok(['rm', '-f', 'bomb']);
});

test('a CPU quota slows a busy loop: the container gets about its share of CPU', async () => {
  const id = await ok(['run', '-d', '--name', 'busy', '--cpus', '0.2', 'busybox', 'sh', '-c', 'while :; do :; done']);
  const s1 = (await d.api('GET', `/containers/${id}/stats?stream=0&one-shot=1`)).body;
  await new Promise((r) => setTimeout(r, 2000));
  const s2 = (await d.api('GET', `/containers/${id}/stats?stream=0&one-shot=1`)).body;
  const cpuNs = s2.cpu_stats.cpu_usage.total_usage - s1.cpu_stats.cpu_usage.total_usage;
  const wallNs = (Date.parse(s2.read) - Date.parse(s1.read)) * 1e6;
  const share = cpuNs / wallNs;
  // an unthrottled loop uses a whole CPU (1.0); the quota holds it near 0.2
  assert.ok(share < 0.4, `CPU share ${share.toFixed(2)} with --cpus 0.2`);
  assert.ok(s2.cpu_stats.throttling_data.throttled_periods > 0, 'the kernel throttled the loop');
  await ok(['rm', '-f', 'busy']);
});

test('stats: memory moves when the container allocates; --no-stream table and --format', async () => {
  await ok(['run', '-d', '--name', 'mem', '--memory', '128m', 'busybox', ...IDLE]);
  const before = (await d.api('GET', '/containers/mem/stats?stream=0&one-shot=1')).body;
  assert.equal(before.name, '/mem');
  assert.equal(before.memory_stats.limit, 128 * 1024 * 1024);
  // /dev/shm pages are charged to the container's memory cgroup
  await ok(['exec', 'mem', 'sh', '-c', 'head -c 40000000 /dev/zero > /dev/shm/blob']);
  const after = (await d.api('GET', '/containers/mem/stats?stream=0&one-shot=1')).body;
  assert.ok(after.memory_stats.usage - before.memory_stats.usage > 30_000_000, `usage ${before.memory_stats.usage} -> ${after.memory_stats.usage}`);
  const table = await ok(['stats', '--no-stream', 'mem']);
  const [head, row] = table.split('\n');
  assert.match(head, /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/);
  assert.match(row, /^[0-9a-f]{12}\s+mem\s+\d+\.\d\d%\s+[\d.]+MiB \/ 128MiB\s+\d+\.\d\d%\s+\S+ \/ \S+\s+\S+ \/ \S+\s+\d+$/);
  const json = JSON.parse(await ok(['stats', '--no-stream', '--format', '{{json .}}', 'mem']));
  assert.deepEqual(Object.keys(json).sort(), ['BlockIO', 'CPUPerc', 'Container', 'ID', 'MemPerc', 'MemUsage', 'Name', 'NetIO', 'PIDs']);
  assert.match(await ok(['stats', '--no-stream', '--format', '{{.Name}}:{{.PIDs}}', 'mem']), /^mem:\d+$/);
  // the stream sends one JSON document per second, precpu filled from the second on
  const res = await fetchStream(`/containers/mem/stats`, 2);
  assert.equal(res.length, 2);
  assert.notEqual(res[1].precpu_stats.system_cpu_usage ?? 0, 0);
});

async function fetchStream(path: string, n: number): Promise<any[]> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const out: any[] = [];
    const req = request({ socketPath: d.socket, path }, (res) => {
      let buf = '';
      res.on('data', (c) => {
        buf += c;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          out.push(JSON.parse(buf.slice(0, i)));
          buf = buf.slice(i + 1);
          if (out.length >= n) { clearTimeout(timer); req.destroy(); resolve(out); return; }
        }
      });
    });
    const timer = setTimeout(() => { req.destroy(); reject(new Error('stats stream timed out')); }, 15_000);
    req.on('error', (e) => { if (out.length < n) reject(e); });
    req.end();
  });
}

test('bad input fails clearly before anything is created', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--memory', '12q'], /invalid argument "12q" for "-m, --memory" flag: invalid suffix: 'q'/],
    [['--memory', 'lots'], /invalid argument "lots" for "-m, --memory" flag: invalid size: 'lots'/],
    [['--memory', '1m'], /Minimum memory limit allowed is 6MB/],
    [['--cpus', '64'], /Range of CPUs is from 0.01 to \d+\.00, as specified by runtime.NumCPU\(\)/],
    [['--cpus', 'lots'], /invalid argument "lots" for "--cpus" flag/],
    [['--cpus', '0.5', '--cpu-quota', '50000'], /Conflicting options: Nano CPUs and CPU Quota cannot both be set/],
    [['--cpuset-cpus', '0-63'], /Requested CPUs are not available/],
    [['--memory', '64m', '--memory-swap', '32m'], /Minimum memoryswap limit should be larger than memory limit/],
    [['--memory', '64m', '--memory-reservation', '128m'], /Minimum memory limit can not be less than memory reservation limit/],
    [['--cap-add', 'NOT_A_CAP'], /unknown capability: "CAP_NOT_A_CAP"/],
    [['--restart', 'on-failure:x'], /maximum retry count must be an integer/],
    [['--restart', 'always:3'], /maximum retry count can only be used with 'on-failure'/],
    [['--restart', 'sometimes'], /invalid restart policy/],
    [['--rm', '--restart', 'always'], /Conflicting options: --restart and --rm/],
    [['--blkio-weight', '5'], /Range of blkio weight is from 10 to 1000/],
    [['--sysctl', 'vm.swappiness=10'], /sysctl "vm.swappiness" is not namespaced/],
    [['--network', 'host', '--sysctl', 'net.ipv4.ip_forward=1'], /not allowed in host network namespace/],
    [['--security-opt', 'seccomp=/nonexistent.json'], /opening seccomp profile \(\/nonexistent.json\) failed/],
    [['--health-on-failure', 'explode', '--health-cmd', 'true'], /invalid --health-on-failure "explode"/],
    [['--device-cgroup-rule', 'x 1:2 rwm'], /invalid device cgroup rule format/],
  ];
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const dir = mkdtempSync('/tmp/bt-seccomp-');
  try {
    writeFileSync(`${dir}/bad.json`, '{ this is not json');
    cases.push([['--security-opt', `seccomp=${dir}/bad.json`], /seccomp profile .* failed/]);
    for (const [flags, msg] of cases) {
      const r = await d.berth(['create', '--name', 'bad', ...flags, 'busybox', 'true']);
      assert.notEqual(r.code, 0, `${flags.join(' ')} was accepted`);
      assert.match(r.stderr, msg, flags.join(' '));
      assert.equal((await d.berth(['ps', '-a', '-q', '--filter', 'name=^bad$'])).stdout.trim(), '', `${flags.join(' ')} created a container`);
    }
    // the API checks too (a client that is not the CLI): a seccomp profile that is not JSON
    const api = await d.api('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { SecurityOpt: ['seccomp={nope'] } });
    assert.equal(api.status, 400);
    assert.match(api.body.message, /Decoding seccomp profile failed/);
    const api2 = await d.api('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: -2 } } });
    assert.equal(api2.status, 400);
    assert.match(api2.body.message, /maximum retry count cannot be negative/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
