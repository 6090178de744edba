/**
 * berth and podman read each other's Kubernetes YAML: `podman kube generate` of a podman container is
 * played by `berth kube play` (what berth does not run is warned about, not dropped), and `berth kube
 * generate` of a berth container is played by `podman kube play`; both serve the same page on their host
 * port. Podman (Debian's 4.3) runs with a root, run root, config and network namespace of this test's own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { cleanEnv, waitFor } from '../helpers/daemon.js';
import { kubeHarness, eventually } from './helpers.js';

const PODMAN = '/usr/bin/podman';

interface Podman { run(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }>; netns: string; cleanup(): Promise<void> }

function pidsWithArg(needle: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try { if (readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').join(' ').includes(needle)) out.push(Number(e)); } catch { /* gone */ }
  }
  return out;
}

/**
 * Podman asks for RLIMIT_NOFILE/NPROC above this machine's hard limits and crun then fails
 * ("setrlimit: Operation not permitted"): ask for what this process has (as bench/peers/podman.ts).
 */
function ulimits(): string[] {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const hard = (label: string, fallback: number) => {
    const m = new RegExp(`^${label}\\s+\\S+\\s+(\\S+)`, 'm').exec(limits);
    return m && /^\d+$/.test(m[1]) ? Number(m[1]) : fallback;
  };
  const nofile = hard('Max open files', 1024);
  const nproc = Math.min(hard('Max processes', 32768), 32768);
  return [`nofile=${nofile}:${nofile}`, `nproc=${nproc}:${nproc}`];
}

async function startPodman(): Promise<Podman> {
  const dir = mkdtempSync('/tmp/bt-kube-podman-');
  const netns = `berth-test-${randomBytes(4).toString('hex')}`;
  const r = spawnSync('ip', ['netns', 'add', netns], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip netns add: ${r.stderr}`);
  spawnSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
  const p = { root: join(dir, 'root'), runRoot: join(dir, 'run'), tmp: join(dir, 'tmp'), net: join(dir, 'net'), conf: join(dir, 'containers.conf') };
  for (const d of [p.root, p.runRoot, p.tmp, p.net]) mkdirSync(d, { recursive: true });
  writeFileSync(p.conf, ['[containers]', `default_ulimits = [${ulimits().map((u) => JSON.stringify(u)).join(', ')}]`, '[engine]', 'cgroup_manager = "cgroupfs"', 'events_logger = "file"', `events_logfile_path = "${dir}/events.log"`,
    'runtime = "crun"', `tmp_dir = "${p.tmp}"`, '[network]', 'network_backend = "netavark"', `network_config_dir = "${p.net}"`, ''].join('\n'));
  const run: Podman['run'] = (args, input) => new Promise((resolve, reject) => {
    const child = spawn('nsenter', [`--net=/run/netns/${netns}`, PODMAN, '--root', p.root, '--runroot', p.runRoot, '--tmpdir', p.tmp, '--storage-driver', 'overlay', ...args],
      { env: cleanEnv({ CONTAINERS_CONF: p.conf }), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`podman ${args.join(' ')} timed out`)); }, 120_000);
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }); });
    child.stdin.end(input ?? '');
  });
  return {
    run, netns,
    async cleanup() {
      await run(['pod', 'rm', '-af', '-t', '0']).catch(() => {});
      await run(['rm', '-af', '-t', '0']).catch(() => {});
      // conmons of this root only (their command lines name it)
      for (const pid of pidsWithArg(p.runRoot)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
      await waitFor(() => pidsWithArg(p.runRoot).length === 0, 10_000, 'podman conmons to exit').catch(() => {});
      const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((m) => m && m.startsWith(dir));
      for (const m of mounts.sort((a, b) => b.length - a.length)) spawnSync('umount', ['-l', m]);
      spawnSync('ip', ['netns', 'del', netns]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const podmanMissing = !existsSync(PODMAN) ? `${PODMAN} not installed (scripts/install-deps.sh --test installs podman)` : process.getuid?.() !== 0 ? 'podman with its own root needs root' : false;

test('berth and podman play each other\'s generated YAML', { skip: podmanMissing || undefined }, async (t) => {
  const h = await kubeHarness(t);
  const pm = await startPodman();
  t.after(() => pm.cleanup());
  const pulled = await h.d.api('POST', '/images/create?fromImage=busybox&tag=latest');
  assert.equal(pulled.status, 200);
  const tar = join(h.dir, 'busybox.tar');
  await h.ok(['save', '-o', tar, 'busybox:latest']);
  const loaded = await pm.run(['load', '-i', tar]);
  assert.equal(loaded.code, 0, loaded.stderr);

  // podman → berth
  const made = await pm.run(['run', '-d', '--name', 'pweb', '-p', '18088:8080', '-e', 'WHO=podman', 'docker.io/library/busybox:latest',
    'sh', '-c', 'echo "hello $WHO" > /tmp/index.html; exec httpd -f -p 8080 -h /tmp']);
  assert.equal(made.code, 0, made.stderr);
  const fromPodman = await pm.run(['kube', 'generate', 'pweb']);
  assert.equal(fromPodman.code, 0, fromPodman.stderr);
  await pm.run(['rm', '-f', '-t', '0', 'pweb']);
  const file = h.file('from-podman.yaml', fromPodman.stdout);
  const played = await h.berth(['kube', 'play', file]);
  assert.equal(played.code, 0, `${played.stderr}\n${fromPodman.stdout}`);
  // every field of podman's that berth does not run is named (none is silently dropped)
  for (const line of played.stderr.trim().split('\n').filter(Boolean)) assert.match(line, /^WARNING: .*from-podman\.yaml:\d+: /);
  await eventually(() => h.inNs(['busybox', 'wget', '-qO-', 'http://127.0.0.1:18088/']).out === 'hello podman\n', 30_000, 'podman\'s pod on berth');

  // berth → podman
  await h.ok(['run', '-d', '--name', 'bweb', '-p', '18089:8080', '-e', 'WHO=berth', 'busybox', 'sh', '-c', 'echo "hello $WHO" > /tmp/index.html; exec httpd -f -p 8080 -h /tmp']);
  const gen = h.file('from-berth.yaml', await h.ok(['kube', 'generate', 'bweb']));
  const pplay = await pm.run(['kube', 'play', gen]);
  assert.equal(pplay.code, 0, `${pplay.stderr}\n${readFileSync(gen, 'utf8')}`);
  await eventually(() => {
    const w = spawnSync('ip', ['netns', 'exec', pm.netns, 'busybox', 'wget', '-qO-', 'http://127.0.0.1:18089/'], { encoding: 'utf8', timeout: 20_000 });
    return w.stdout === 'hello berth\n';
  }, 30_000, 'berth\'s pod on podman');
  const pdown = await pm.run(['kube', 'play', '--down', gen]);
  assert.equal(pdown.code, 0, pdown.stderr);
  await h.ok(['kube', 'play', '--down', file]);
});
