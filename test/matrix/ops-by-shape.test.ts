/**
 * The everyday operations against every container shape, through the real docker CLI (28):
 * one daemon, one container per shape created once, each operation run against each shape.
 * Features tested alone miss the bugs that live where two meet (cp into a volume, commit of a
 * user-namespaced container, restart of a --rm one), so every cell is its own test named
 * `<op> × <shape>` and asserts the operation's real effect. Compose-expressible shapes are
 * driven through docker-compose 1.29 in test/matrix/compose-by-shape.test.ts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cleanEnv, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { DOCKER, runOk, runProgram } from '../compat/helpers.js';

const work = mkdtempSync('/tmp/bt-matrix-');
// --userns=auto takes its range from subordinate-id files of the test's own, not the host's
writeFileSync(join(work, 'subuid'), '');
writeFileSync(join(work, 'subgid'), '');
process.env.BERTH_SUBUID_FILE = join(work, 'subuid');
process.env.BERTH_SUBGID_FILE = join(work, 'subgid');
const bindDir = join(work, 'bind');

interface Shape {
  name: string;
  run: string[];
  /** where cp goes and comes from (the shape's mount when cp into it is Docker's behaviour) */
  cpDir: string;
  /** the shape's mount, written by exec; volume data must stay out of commit/export/diff */
  volDir?: string;
  /** the host side of volDir, for shapes whose data lives on the host */
  hostData?: () => Promise<string>;
  readOnly?: boolean;
  uid: number;
  /** docker CLI 28 refuses --userns other than host, so that shape is made by berth's CLI (then driven by docker's) */
  viaBerth?: boolean;
}

const LOOP = (name: string) => ['sh', '-c', `trap "exit 0" TERM; echo ready ${name}; while true; do sleep 0.5; done`];
const ids: Record<string, string> = {};

const SHAPES: Shape[] = [
  { name: 'named volume', run: ['-v', 'mx-named:/data'], cpDir: '/data', volDir: '/data', uid: 0,
    hostData: async () => (await dockerOk(['volume', 'inspect', '-f', '{{.Mountpoint}}', 'mx-named'])).trim() },
  { name: 'anonymous volume', run: ['-v', '/data'], cpDir: '/data', volDir: '/data', uid: 0,
    hostData: async () => (await dockerOk(['inspect', '-f', '{{range .Mounts}}{{.Source}}{{end}}', ids['anonymous volume']])).trim() },
  { name: 'bind', run: ['-v', `${bindDir}:/data`], cpDir: '/data', volDir: '/data', uid: 0, hostData: async () => bindDir },
  // docker cp cannot see a tmpfs (it lives only in the container's mount namespace): cp uses the rootfs
  { name: 'tmpfs', run: ['--tmpfs', '/data'], cpDir: '/tmp', volDir: '/data', uid: 0 },
  { name: 'read-only rootfs', run: ['--read-only'], cpDir: '/tmp', readOnly: true, uid: 0 },
  { name: 'user-defined network', run: ['--network', 'mx-net'], cpDir: '/tmp', uid: 0 },
  { name: 'custom user', run: ['--user', '1000:1000'], cpDir: '/tmp', uid: 1000 },
  { name: 'user namespace', run: ['--userns=auto'], cpDir: '/tmp', uid: 0, viaBerth: true },
  { name: 'healthcheck', run: ['--health-cmd', 'test -f /etc/hostname', '--health-interval', '300ms', '--health-start-period', '0s'], cpDir: '/tmp', uid: 0 },
  { name: '--rm', run: ['--rm', '-v', '/cache'], cpDir: '/tmp', uid: 0 },
];

/** Cells known to be broken, with the reason: run, but reported as todo (none at the moment). */
const TODO: Record<string, string> = {};

function cell(op: string, shape: Shape | string, fn: (s: Shape) => Promise<void>): void {
  const s = typeof shape === 'string' ? SHAPES.find((x) => x.name === shape)! : shape;
  const name = `${op} × ${s.name}`;
  const todo = TODO[name] ?? TODO[`${op} × *`];
  test(name, todo ? { todo } : {}, () => fn(s));
}

let d: TestDaemon;
let env: NodeJS.ProcessEnv;
const docker = (args: string[], o: { timeoutMs?: number; input?: string } = {}) => runProgram(DOCKER, args, { env, timeoutMs: 60_000, ...o });
async function dockerOk(args: string[], o: { timeoutMs?: number; input?: string } = {}): Promise<string> {
  return (await runOk(DOCKER, args, { env, timeoutMs: 60_000, ...o })).stdout;
}
const execOk = (s: Shape, script: string) => dockerOk(['exec', ids[s.name], 'sh', '-c', script]);
const inspect = async (ref: string) => JSON.parse(await dockerOk(['inspect', ref]))[0];

async function until(fn: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

before(async () => {
  d = await startDaemon();
  // a user-namespaced root must pass through the helper's private (0700) temp dir, as through /var/lib
  chmodSync(dirname(d.root), 0o711);
  env = { ...cleanEnv(), DOCKER_HOST: `unix://${d.socket}`, DOCKER_CONFIG: work, HOME: work };
  delete env.DOCKER_API_VERSION;
  delete env.DOCKER_CONTEXT;
  mkdirSync(bindDir);
  chmodSync(work, 0o755);
  await dockerOk(['pull', 'busybox'], { timeoutMs: 120_000 });
  await dockerOk(['network', 'create', 'mx-net']);
  for (const s of SHAPES) {
    const args = ['run', '-d', '--name', cname(s), ...s.run, 'busybox', ...LOOP(s.name)];
    ids[s.name] = (s.viaBerth ? await d.ok(args) : await dockerOk(args)).trim();
  }
});

after(async () => {
  if (d) await d.cleanup();
  rmSync(work, { recursive: true, force: true });
});

function hostUserName(uid: number): string {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[2] === String(uid));
  return line ? line.split(':')[0] : String(uid);
}

function cname(s: Shape): string {
  return 'mx-' + s.name.replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '');
}

// ---- exec: the process runs as the shape's user and writes where the shape says
for (const s of SHAPES) {
  cell('exec', s, async () => {
    assert.equal((await execOk(s, 'id -u')).trim(), String(s.uid));
    // -u, -w and -e of exec apply over the shape's own settings
    assert.equal(await dockerOk(['exec', '-u', '0', '-w', '/etc', '-e', 'MX=1', ids[s.name], 'sh', '-c', 'echo $(id -u) $PWD $MX']), '0 /etc 1\n');
    if (s.readOnly) {
      const r = await docker(['exec', ids[s.name], 'sh', '-c', 'echo x > /tmp/mx-root']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Read-only file system/);
      return;
    }
    await execOk(s, `echo ${JSON.stringify(s.name)} > /tmp/mx-root${s.volDir ? ` && echo vol > ${s.volDir}/mx-vol` : ''}`);
    assert.equal(await execOk(s, 'cat /tmp/mx-root'), `${s.name}\n`);
    if (s.hostData) assert.equal(readFileSync(join(await s.hostData(), 'mx-vol'), 'utf8'), 'vol\n', 'exec wrote into the volume data on the host');
    if (s.name === 'tmpfs') assert.match(await execOk(s, 'grep " /data " /proc/mounts'), /^tmpfs \/data tmpfs /);
    if (s.name === 'user namespace') {
      const map = (await execOk(s, 'cat /proc/self/uid_map')).trim().split(/\s+/).map(Number);
      assert.ok(map[0] === 0 && map[1] > 0, `root inside is an unprivileged host uid: ${map}`);
    }
  });
}

// ---- cp into the container: visible via exec at the right place, owned by the container's root, in the volume's data
for (const s of SHAPES) {
  cell('cp in', s, async () => {
    const src = join(work, `in-${cname(s)}.txt`);
    writeFileSync(src, `cp ${s.name}\n`);
    const r = await docker(['cp', src, `${ids[s.name]}:${s.cpDir}/in.txt`]);
    if (s.readOnly) {
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /container rootfs is marked read-only/);
      return;
    }
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await execOk(s, `cat ${s.cpDir}/in.txt; stat -c %u:%g ${s.cpDir}/in.txt`), `cp ${s.name}\n0:0\n`);
    if (s.hostData) assert.equal(readFileSync(join(await s.hostData(), 'in.txt'), 'utf8'), `cp ${s.name}\n`, 'cp landed in the volume data');
  });
}

// ---- cp out of the container: what cp in and exec wrote comes back
for (const s of SHAPES) {
  cell('cp out', s, async () => {
    const out = mkdtempSync(join(work, 'out-'));
    if (s.readOnly) {
      await dockerOk(['cp', `${ids[s.name]}:/etc/passwd`, join(out, 'passwd')]);
      assert.match(readFileSync(join(out, 'passwd'), 'utf8'), /^root:x:0:0:/);
      return;
    }
    await dockerOk(['cp', `${ids[s.name]}:${s.cpDir}/in.txt`, join(out, 'in.txt')]);
    assert.equal(readFileSync(join(out, 'in.txt'), 'utf8'), `cp ${s.name}\n`);
    if (s.hostData) {
      // a directory of the volume, with what exec wrote into it
      await dockerOk(['cp', `${ids[s.name]}:${s.volDir}`, join(out, 'vol')]);
      assert.equal(readFileSync(join(out, 'vol', 'mx-vol'), 'utf8'), 'vol\n');
    }
    // as a tar: the entry carries the container's ids (the user namespace's root is 0, not its host uid)
    const tarFile = join(out, 'mx-root.tar');
    await runOk('sh', ['-c', `"$0" cp "$1" - > "$2"`, DOCKER, `${ids[s.name]}:/tmp/mx-root`, tarFile], { env });
    const list = (await runOk('tar', ['--numeric-owner', '-tvf', tarFile], { env })).stdout;
    assert.match(list, s.uid ? /^-rw-r--r-- 1000\/1000 .* mx-root$/m : /^-rw-r--r-- 0\/0 .* mx-root$/m);
  });
}
for (const s of SHAPES) {
  cell('cp out /etc/hostname', s, async () => {
    const out = mkdtempSync(join(work, 'out-'));
    await dockerOk(['cp', `${ids[s.name]}:/etc/hostname`, join(out, 'hostname')]);
    assert.equal(readFileSync(join(out, 'hostname'), 'utf8'), `${ids[s.name].slice(0, 12)}\n`);
  });
}

// ---- diff: exactly the rootfs changes, as Docker shows them: the mount points of volumes and
// tmpfs are made in the rootfs (A), the engine's own (/etc/hostname, /proc ...) are not shown,
// and a volume's data never is
for (const s of SHAPES) {
  cell('diff', s, async () => {
    const lines = (await dockerOk(['diff', ids[s.name]])).trim().split('\n').filter(Boolean).sort();
    const expected = s.readOnly ? [] : ['A /tmp/mx-root', 'C /tmp'];
    if (!s.readOnly && s.cpDir !== s.volDir) expected.push(`A ${s.cpDir}/in.txt`); // cp in wrote into the rootfs
    if (s.volDir) expected.push(`A ${s.volDir}`);
    if (s.name === '--rm') expected.push('A /cache');
    assert.deepEqual(lines, expected.sort());
  });
}

// ---- commit: the image carries the rootfs change with the container's ids, not the volume's data
for (const s of SHAPES) {
  cell('commit', s, async () => {
    const ref = `mx/${cname(s)}:1`;
    await dockerOk(['commit', ids[s.name], ref]);
    const img = JSON.parse(await dockerOk(['image', 'inspect', ref]))[0];
    if (s.uid) assert.equal(img.Config.User, '1000:1000');
    const r = await docker(['run', '--rm', '--network', 'none', '--user', '0', ref, 'sh', '-c', 'cat /tmp/mx-root && stat -c %u:%g /tmp/mx-root; ls -A /data 2>/dev/null; true']);
    assert.equal(r.code, 0, r.stderr);
    if (s.readOnly) { assert.equal(r.stdout, ''); return; }
    const [content, owner, ...data] = r.stdout.trim().split('\n');
    assert.equal(content, s.name);
    assert.equal(owner, s.uid ? '1000:1000' : '0:0');
    assert.deepEqual(data, [], 'volume data is not committed');
    await dockerOk(['rmi', ref]);
  });
}

// ---- export: the tar lists the change, with the container's own ids
for (const s of SHAPES) {
  cell('export', s, async () => {
    const file = join(work, `${cname(s)}.tar`);
    await dockerOk(['export', '-o', file, ids[s.name]]);
    const list = (await runOk('tar', ['--numeric-owner', '-tvf', file], { env })).stdout;
    rmSync(file);
    assert.match(list, / bin\/busybox\n/);
    if (s.readOnly) { assert.doesNotMatch(list, /mx-root/); return; }
    const line = list.split('\n').find((l) => l.endsWith(' tmp/mx-root'));
    assert.ok(line, list.slice(0, 2000));
    assert.match(line, s.uid ? / 1000\/1000 / : / 0\/0 /);
    assert.doesNotMatch(list, /mx-vol|data\/in\.txt/, 'volume data is not exported');
  });
}

// ---- logs, top, stats
for (const s of SHAPES) {
  cell('logs', s, async () => {
    assert.match(await dockerOk(['logs', ids[s.name]]), new RegExp(`^ready ${s.name.replace(/-/g, '\\-')}$`, 'm'));
  });
}
for (const s of SHAPES) {
  cell('top', s, async () => {
    const top = await dockerOk(['top', ids[s.name]]);
    assert.match(top.split('\n')[0], /^UID\s+PID\s+PPID/);
    assert.match(top, /while true/);
    // ps shows host users, as Docker's top does: uid 1000 by the host's name for it, the user
    // namespace's root as its (long, so cut by ps) host uid
    const uid = top.split('\n')[1].split(/\s+/)[0];
    if (s.uid) assert.equal(uid, hostUserName(1000));
    else if (s.name === 'user namespace') assert.match(uid, /^\d{6,}\+?$/);
    else assert.equal(uid, 'root');
  });
}
for (const s of SHAPES) {
  cell('stats', s, async () => {
    const line = (await dockerOk(['stats', '--no-stream', '--format', '{{.Name}}|{{.MemUsage}}|{{.PIDs}}', ids[s.name]])).trim();
    const [name, mem, pids] = line.split('|');
    assert.equal(name, cname(s));
    assert.doesNotMatch(mem, /^0B/, line);
    assert.ok(Number(pids) >= 1, line);
  });
}

// ---- update: the new limit reaches the container's cgroup
async function cgroupFile(id: string, controller: string, file: string): Promise<string> {
  const pid = (await inspect(id)).State.Pid;
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
  const v1 = lines.find((l) => l.split(':')[1].split(',').includes(controller));
  const path = v1 ? `/sys/fs/cgroup/${v1.split(':')[1]}${v1.split(':')[2]}` : `/sys/fs/cgroup${lines.find((l) => l.startsWith('0::'))!.slice(3)}`;
  return readFileSync(join(path, file), 'utf8').trim();
}
for (const s of SHAPES) {
  cell('update', s, async () => {
    await dockerOk(['update', '--pids-limit', '99', '--cpu-shares', '512', ids[s.name]]);
    const hc = (await inspect(ids[s.name])).HostConfig;
    assert.equal(hc.PidsLimit, 99);
    assert.equal(hc.CpuShares, 512);
    assert.equal(await cgroupFile(ids[s.name], 'pids', 'pids.max'), '99');
  });
}
for (const s of SHAPES) {
  cell('update --memory', s, async () => {
    await dockerOk(['update', '--memory', '64m', '--memory-swap', '64m', ids[s.name]]);
    assert.equal((await inspect(ids[s.name])).HostConfig.Memory, 64 * 1024 * 1024);
  });
}

// ---- rename: the container answers to the new name, then gets its old one back
for (const s of SHAPES) {
  cell('rename', s, async () => {
    await dockerOk(['rename', cname(s), `${cname(s)}-2`]);
    assert.equal((await inspect(ids[s.name])).Name, `/${cname(s)}-2`);
    assert.equal(await dockerOk(['exec', `${cname(s)}-2`, 'echo', 'renamed']), 'renamed\n');
    assert.match(await dockerOk(['ps', '--filter', `name=${cname(s)}-2`, '--format', '{{.Names}}']), new RegExp(`^${cname(s)}-2$`, 'm'));
    await dockerOk(['rename', `${cname(s)}-2`, cname(s)]);
    assert.equal((await inspect(cname(s))).Id, ids[s.name]);
  });
}

// ---- inspect: the shape is what was asked for
async function checkInspect(s: Shape): Promise<void> {
  const c = await inspect(ids[s.name]);
  assert.equal(c.State.Status, 'running');
  const mounts = c.Mounts.map((m: any) => `${m.Type}:${m.Name ?? ''}:${m.Destination}:${m.RW}`);
  const expected: Record<string, string[]> = {
    'named volume': ['volume:mx-named:/data:true'],
    'bind': ['bind::/data:true'],
    'tmpfs': [],
    '--rm': [`volume:${c.Mounts[0]?.Name}:/cache:true`],
    'anonymous volume': [`volume:${c.Mounts[0]?.Name}:/data:true`],
  };
  assert.deepEqual(mounts, expected[s.name] ?? []);
  if (s.name === 'anonymous volume' || s.name === '--rm') assert.match(c.Mounts[0].Name, /^[0-9a-f]{64}$/);
  if (s.name === 'bind') assert.equal(c.Mounts[0].Source, bindDir);
  if (s.name === 'tmpfs') assert.deepEqual(c.HostConfig.Tmpfs, { '/data': '' });
  assert.equal(c.HostConfig.ReadonlyRootfs, !!s.readOnly);
  assert.equal(c.Config.User, s.uid ? '1000:1000' : '');
  assert.equal(c.HostConfig.AutoRemove, s.name === '--rm');
  if (s.name === 'user namespace') assert.equal(c.HostConfig.UsernsMode, 'auto');
  if (s.name === 'user-defined network') {
    const ip = c.NetworkSettings.Networks['mx-net']?.IPAddress;
    assert.match(ip ?? '', /^\d+\.\d+\.\d+\.\d+$/);
    assert.match(await execOk(s, 'ip -4 addr show eth0'), new RegExp(`inet ${ip.replace(/\./g, '\\.')}/`));
  }
  if (s.name === 'healthcheck') {
    await until(async () => (await inspect(ids[s.name])).State.Health?.Status === 'healthy', 'healthy');
  } else {
    assert.equal(c.State.Health, undefined);
  }
}
for (const s of SHAPES) cell('inspect', s, () => checkInspect(s));

// ---- daemon restart: the containers survive it and the operations still work after it
test('daemon restart × all shapes', async () => {
  const before = new Map<string, number>();
  for (const s of SHAPES) before.set(s.name, (await inspect(ids[s.name])).State.Pid);
  await d.crash();
  await d.restart();
  for (const s of SHAPES) {
    const c = await inspect(ids[s.name]);
    assert.equal(c.State.Status, 'running', s.name);
    assert.equal(c.State.Pid, before.get(s.name), `${s.name} kept its process`);
  }
});
for (const s of SHAPES) {
  cell('ops after daemon restart', s, async () => {
    assert.match(await dockerOk(['logs', ids[s.name]]), new RegExp(`^ready ${s.name.replace(/-/g, '\\-')}$`, 'm'));
    assert.equal((await execOk(s, 'id -u')).trim(), String(s.uid));
    assert.match(await dockerOk(['top', ids[s.name]]), /while true/);
    assert.match(await dockerOk(['stats', '--no-stream', '--format', '{{.Name}}', ids[s.name]]), new RegExp(cname(s)));
    await checkInspect(s);
    if (s.name === 'user namespace') assert.notEqual((await execOk(s, 'cat /proc/self/uid_map')).trim().split(/\s+/)[1], '0', 'exec joins the user namespace');
    if (!s.readOnly) {
      assert.equal(await execOk(s, 'cat /tmp/mx-root'), `${s.name}\n`);
      const out = mkdtempSync(join(work, 'out-'));
      await dockerOk(['cp', `${ids[s.name]}:/tmp/mx-root`, join(out, 'f')]);
      assert.equal(readFileSync(join(out, 'f'), 'utf8'), `${s.name}\n`);
    }
  });
}

// ---- restart: a new start of the same container, with the shape's data kept (or not, for tmpfs)
for (const s of SHAPES) {
  cell('restart', s, async () => {
    // the --rm cell gets a container of its own: the bug it catches would take the shared one away
    const id = s.name === '--rm' ? (await dockerOk(['run', '-d', ...s.run, 'busybox', ...LOOP(s.name)])).trim() : ids[s.name];
    const before = (await inspect(id)).State;
    await dockerOk(['restart', '-t', '3', id]);
    const after = (await inspect(id)).State;
    assert.equal(after.Status, 'running');
    assert.notEqual(after.Pid, before.Pid);
    assert.notEqual(after.StartedAt, before.StartedAt);
    const probe = await dockerOk(['exec', id, 'sh', '-c', 'id -u; cat /tmp/mx-root 2>/dev/null; cat /data/mx-vol 2>/dev/null; true']);
    const lines = probe.trim().split('\n');
    assert.equal(lines[0], String(s.uid));
    const ready = (await dockerOk(['logs', id])).split('\n').filter((l) => l === `ready ${s.name}`);
    assert.equal(ready.length, 2, 'the log goes on across the restart');
    if (s.name === '--rm') { await dockerOk(['rm', '-f', id]); return; }
    if (!s.readOnly) assert.equal(lines[1], s.name, 'the rootfs change survives a restart');
    if (s.hostData) assert.equal(lines[2], 'vol', 'the volume data survives a restart');
    if (s.name === 'tmpfs') assert.equal(lines[2], undefined, 'a tmpfs starts empty again');
    await checkInspect(s);
  });
}

// ---- rm -v: anonymous volumes go with the container, named volumes and binds stay
for (const s of SHAPES) {
  cell('rm -v', s, async () => {
    const c = await inspect(ids[s.name]);
    const anon = c.Mounts.filter((m: any) => m.Type === 'volume' && /^[0-9a-f]{64}$/.test(m.Name)).map((m: any) => m.Name);
    if (s.name === '--rm') {
      // --rm: stopping it is what removes it, with its anonymous volume
      await dockerOk(['stop', '-t', '3', ids[s.name]]);
      await until(async () => (await docker(['inspect', ids[s.name]])).code !== 0, 'the --rm container to be removed');
    } else {
      await dockerOk(['rm', '-f', '-v', ids[s.name]]);
      assert.notEqual((await docker(['inspect', ids[s.name]])).code, 0);
    }
    const vols = (await dockerOk(['volume', 'ls', '-q'])).trim().split('\n');
    for (const v of anon) assert.ok(!vols.includes(v), `anonymous volume ${v} removed`);
    if (s.name === 'named volume') {
      assert.ok(vols.includes('mx-named'), 'a named volume outlives rm -v');
      await dockerOk(['volume', 'rm', 'mx-named']);
    }
    if (s.name === 'bind') assert.ok(existsSync(join(bindDir, 'mx-vol')), 'a bind source is left alone');
    if (s.name === 'user-defined network') {
      assert.equal(await dockerOk(['network', 'inspect', '-f', '{{len .Containers}}', 'mx-net']), '0\n', 'the removed container left the network');
      await dockerOk(['network', 'rm', 'mx-net']);
    }
  });
}
