/**
 * The shortcuts that make `berth run --rm` fast keep Docker's behaviour: a compiled seccomp profile
 * reused by later containers still confines them, --rm rootfs mounts are volatile (and only those),
 * nothing of a removed container is left behind, and the CLI's code cache is only a cache.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

const SECCOMP_BPF = 'run.oci.seccomp_bpf_data';

test('a reused compiled seccomp profile still confines the container; unconfined gets none', async () => {
  // the first run compiles the default profile, the later ones are handed the compiled program
  for (let i = 0; i < 2; i++) {
    const r = await d.berth(['run', '--rm', 'busybox', 'sh', '-c', 'grep "^Seccomp:" /proc/self/status; unshare -U true && echo escaped']);
    assert.match(r.stdout, /Seccomp:\s+2/, r.stderr);
    assert.doesNotMatch(r.stdout, /escaped/, 'unshare is refused by the default profile');
    assert.match(r.stderr, /Operation not permitted/);
  }
  const id = (await d.berth(['run', '-d', 'busybox', 'sleep', '30'])).stdout.trim();
  try {
    const spec = JSON.parse(readFileSync(join(d.root, 'containers', id, 'config.json'), 'utf8'));
    assert.ok(spec.linux.seccomp, 'the profile stays in the spec');
    assert.ok(spec.annotations?.[SECCOMP_BPF], 'crun is handed the compiled program');
  } finally {
    await d.berth(['rm', '-f', id]);
  }
  const un = await d.berth(['run', '--rm', '--security-opt', 'seccomp=unconfined', 'busybox', 'grep', '^Seccomp:', '/proc/self/status']);
  assert.match(un.stdout, /Seccomp:\s+0/, un.stderr);
});

test('--rm containers get a volatile rootfs, others a durable one that mounts again', async () => {
  const rootMount = (out: string) => out.split('\n').find((l) => l.split(' ')[4] === '/') ?? '';
  const rm = await d.berth(['run', '--rm', 'busybox', 'cat', '/proc/self/mountinfo']);
  assert.match(rootMount(rm.stdout), /\bvolatile\b/, rm.stdout);
  const keep = await d.berth(['run', '--name', 'durable', 'busybox', 'cat', '/proc/self/mountinfo']);
  assert.doesNotMatch(rootMount(keep.stdout), /\bvolatile\b/, keep.stdout);
  const again = await d.berth(['start', '-a', 'durable']);
  assert.equal(again.code, 0, again.stderr);
  await d.berth(['rm', 'durable']);
});

test('run --rm leaves no runtime state, monitor files, mounts or container dir behind', async () => {
  const r = await d.berth(['run', '--rm', '--name', 'leaves-nothing', 'busybox', 'true']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await d.api('GET', '/containers/leaves-nothing/json')).status, 404);
  const crunRoot = join(d.runRoot, 'runtime', 'crun');
  const running = new Set<string>((await d.api('GET', '/containers/json?all=1')).body.map((c: any) => c.Id as string));
  const strays = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []).filter((n) => !n.startsWith('.') && ![...running].some((id) => id.startsWith(n)));
  // the runtime's own delete of a --rm container finishes beside its removal, a moment later
  await waitFor(() => strays(crunRoot).length === 0, 5000, 'the runtime state to be deleted').catch(() => undefined);
  assert.deepEqual(strays(crunRoot), []);
  assert.deepEqual(strays(join(d.root, 'containers')), []);
  assert.equal(readFileSync('/proc/self/mountinfo', 'utf8').includes(join(d.root, 'snapshots', 'c')), false);
});

test('the CLI compile cache is only a cache: missing, garbage or unwritable, the CLI works', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cli-cache-'));
  try {
    for (const f of ['start.cjs', 'berth.cjs']) copyFileSync(join(REPO, 'dist', 'cli', f), join(dir, f));
    const cache = join(dir, '.compile-cache');
    const version = () => spawnSync(process.execPath, [join(dir, 'start.cjs'), '--version'], { encoding: 'utf8', timeout: 30_000 });
    const cacheFiles = () => readdirSync(cache, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    let r = version();
    assert.match(r.stdout, /^berth version /, r.stderr);
    assert.ok(cacheFiles().some((f) => statSync(f).size > 1000), 'the first run writes the cache');
    for (const f of cacheFiles()) writeFileSync(f, 'not a code cache');
    r = version();
    assert.match(r.stdout, /^berth version /, r.stderr);
    rmSync(cache, { recursive: true });
    writeFileSync(cache, 'a file where the cache directory would go');
    r = version();
    assert.match(r.stdout, /^berth version /, r.stderr);
    assert.equal(r.stderr, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unsupported Node.js is refused with the version berth needs, not a stack trace', (t) => {
  const r = spawnSync('/usr/bin/node', [join(REPO, 'dist', 'cli', 'start.cjs'), '--version'], { encoding: 'utf8', timeout: 30_000 });
  const system = spawnSync('/usr/bin/node', ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  if (!system || parseInt(system.slice(1), 10) >= 24) { t.skip('no Node.js older than 24 at /usr/bin/node to try'); return; }
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`Node\\.js 24 or later is required, this is ${system.replace(/\./g, '\\.')}`));
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});
