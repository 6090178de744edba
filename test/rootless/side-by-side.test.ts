/**
 * A rootful and a rootless berth on one machine, side by side, and one unprivileged user (made by the
 * test) switching between them with contexts and no flags: `berth context use`, DOCKER_CONTEXT, and
 * the docker CLI on the same contexts. Root's daemon is a test daemon (its own root, run root and
 * network namespace) whose socket the user may use through its group (`berth serve --group`), as a
 * docker group gives users root's dockerd.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, type RunResult, type TestDaemon } from '../helpers/daemon.js';
import { DOCKER_CLI } from '../helpers/dockerd.js';
import { createRootlessUser, type RootlessUser } from '../helpers/rootless-user.js';

let u: RootlessUser;
let root: TestDaemon;

before(async () => {
  u = await createRootlessUser();
  await u.startDaemon();
  // the directory holding root's daemon must be traversable for the user to reach its socket
  const base = mkdtempSync('/tmp/bt-sbs-');
  chmodSync(base, 0o711);
  root = await startDaemon({ base, extraArgs: ['--group', u.name] });
});

after(async () => {
  await root?.cleanup();
  await u?.cleanup();
});

/** `berth ARGS` as the user, with no -H: the user's contexts decide. Autostart off unless asked. */
function berth(args: string[], env: NodeJS.ProcessEnv = {}, autostart = false): Promise<RunResult> {
  return u.run(join(u.repo, 'bin', 'berth'), args, { env: { ...(autostart ? {} : { BERTH_NO_AUTOSTART: '1' }), ...env }, timeoutMs: 120_000 });
}

async function ok(args: string[], env: NodeJS.ProcessEnv = {}, autostart = false): Promise<string> {
  const r = await berth(args, env, autostart);
  assert.equal(r.code, 0, `berth ${args.join(' ')} (as ${u.name}) exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

function hostUid(pid: number): number {
  return Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

test('one user, two engines: contexts switch between the rootless and the rootful berth without flags', async () => {
  await ok(['context', 'create', 'rootless', '--description', 'my rootless berth', '--docker', `host=unix://${u.socket}`]);
  await ok(['context', 'create', 'root', '--description', "root's berth", '--docker', `host=unix://${root.socket}`]);

  // before any context is chosen, the user's "default" engine is its own rootless one
  const ls = await ok(['context', 'ls', '--format', '{{.Name}} {{.Current}} {{.DockerEndpoint}}']);
  assert.match(ls, new RegExp(`^default true unix://${u.socket}$`, 'm'));
  assert.equal((await ok(['info', '--format', '{{.Rootless}}'])).trim(), 'true');

  for (const ctx of ['rootless', 'root']) {
    await ok(['context', 'use', ctx]);
    await ok(['image', 'bootstrap', 'busybox']);
    // the same container name on both engines: two separate worlds
    await ok(['run', '-d', '--name', 'web', '--network', 'none', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done']);
  }

  await ok(['context', 'use', 'rootless']);
  assert.match(await ok(['info', '--format', '{{json .SecurityOptions}}']), /name=rootless/);
  const rlPid = Number((await ok(['inspect', '-f', '{{.State.Pid}}', 'web'])).trim());
  assert.equal(hostUid(rlPid), u.uid, 'the rootless engine\'s container runs as the user on the host');

  await ok(['context', 'use', 'root']);
  // docker's way to tell: SecurityOptions has name=rootless on a rootless engine only
  assert.doesNotMatch(await ok(['info', '--format', '{{json .SecurityOptions}}']), /name=rootless/);
  const rootPid = Number((await ok(['inspect', '-f', '{{.State.Pid}}', 'web'])).trim());
  assert.equal(hostUid(rootPid), 0, 'root\'s engine\'s container runs as root on the host');
  assert.notEqual(rootPid, rlPid);
  // what root's engine holds is root's: the user sees it through root's engine only
  assert.equal(((await root.api('GET', '/containers/json')).body as unknown[]).length, 1);

  // one command elsewhere, without switching
  assert.equal((await ok(['info', '--format', '{{.Rootless}}'], { DOCKER_CONTEXT: 'rootless' })).trim(), 'true');
  assert.equal((await ok(['--context', 'rootless', 'inspect', '-f', '{{.State.Pid}}', 'web'])).trim(), String(rlPid));
  assert.equal((await ok(['context', 'show'])).trim(), 'root');

  // the docker CLI, run by the same user, follows the same contexts
  if (!existsSync(DOCKER_CLI)) assert.fail(`the docker CLI (${DOCKER_CLI}) is needed: scripts/install-deps.sh --test installs docker.io`);
  const docker = (args: string[]) => u.run(DOCKER_CLI, args, { timeoutMs: 60_000 });
  let d = await docker(['inspect', '-f', '{{.State.Pid}}', 'web']);
  assert.equal(d.code, 0, d.stderr);
  assert.equal(d.stdout.trim(), String(rootPid));
  d = await docker(['context', 'use', 'rootless']);
  assert.equal(d.code, 0, d.stderr);
  d = await docker(['inspect', '-f', '{{.State.Pid}}', 'web']);
  assert.equal(d.stdout.trim(), String(rlPid), d.stderr);
  assert.equal((await ok(['context', 'show'])).trim(), 'rootless');

  for (const ctx of ['rootless', 'root']) await ok(['--context', ctx, 'rm', '-f', 'web']);
});

test('the rootless context names the user\'s own engine: berth starts it when it is down; another engine it never starts', async () => {
  await ok(['context', 'use', 'rootless']);
  await u.stopDaemon();
  // a context at some other socket is only connected to, never started, autostart or not
  const other = join(u.runtimeDir, 'other-engine.sock');
  await ok(['context', 'create', 'elsewhere', '--docker', `host=unix://${other}`]);
  const refused = await berth(['--context', 'elsewhere', 'ps'], {}, true);
  assert.notEqual(refused.code, 0);
  assert.doesNotMatch(refused.stderr, /started daemon/);
  assert.equal(existsSync(other), false);
  // the user's own engine, named by the current context: started as with no context at all
  const r = await berth(['ps', '--format', '{{.Names}}'], {}, true);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /started daemon/);
  assert.equal((await ok(['info', '--format', '{{.Rootless}}'])).trim(), 'true');
});
