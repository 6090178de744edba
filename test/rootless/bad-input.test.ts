/**
 * Rootless mode's bad input: each missing piece is one clear message naming the line to add or the
 * Debian package to install, and `berth serve` exits 1 without leaving a namespace behind.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createRootlessUser, type RootlessUser } from '../helpers/rootless-user.js';

const users: RootlessUser[] = [];
after(async () => { for (const u of users) await u.cleanup(); });

/** A PATH directory with only these programs (symlinks to the host's), readable by the user. */
function fakeBin(u: RootlessUser, programs: string[]): string {
  const dir = join('/tmp', u.name, `bin-${programs.length}-${Date.now()}`);
  mkdirSync(dir, { mode: 0o755 });
  for (const p of programs) {
    const src = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'].map((d) => join(d, p)).find((f) => existsSync(f));
    if (!src) throw new Error(`${p} is not installed on this host`);
    symlinkSync(src, join(dir, p));
  }
  return dir;
}

async function serve(u: RootlessUser, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stderr: string }> {
  const r = await u.run(join(u.repo, 'bin', 'berth'), ['serve'], { env, timeoutMs: 30_000 });
  return { code: r.code, stderr: r.stderr + r.stdout };
}

test('a user without /etc/subuid and /etc/subgid lines is told the line to add', async () => {
  const u = await createRootlessUser({ subids: false });
  users.push(u);
  const r = await serve(u);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`rootless mode needs subordinate uids for user ${u.name}, and /etc/subuid has no line for it`));
  assert.match(r.stderr, new RegExp(`echo ${u.name}:100000:65536 >> /etc/subuid`));
  assert.ok(!existsSync(join(u.runtimeDir, 'berth', 'ns', 'holder.pid')), 'no namespace is made');
});

test('missing newuidmap, missing fuse-overlayfs, no XDG_RUNTIME_DIR: one message each', async () => {
  const u = await createRootlessUser();
  users.push(u);
  const noUidmap = await serve(u, { PATH: fakeBin(u, ['unshare', 'nsenter', 'newgidmap', 'sleep']) });
  assert.equal(noUidmap.code, 1, noUidmap.stderr);
  assert.match(noUidmap.stderr, /rootless mode needs newuidmap .* which is not installed: install the Debian package "uidmap"/);

  // fuse-overlayfs asked for (as a kernel without overlayfs in user namespaces would need it) but absent
  const noFuse = await serve(u, { PATH: fakeBin(u, ['unshare', 'nsenter', 'newuidmap', 'newgidmap', 'sleep']), BERTH_ROOTLESS_STORAGE: 'fuse-overlayfs' });
  assert.equal(noFuse.code, 1, noFuse.stderr);
  assert.match(noFuse.stderr, /fuse-overlayfs is not installed: install the Debian package "fuse-overlayfs"/);

  const noRunDir = await serve(u, { XDG_RUNTIME_DIR: '/nonexistent/run' });
  assert.equal(noRunDir.code, 1, noRunDir.stderr);
  assert.match(noRunDir.stderr, /keeps its socket in \$XDG_RUNTIME_DIR, and \/nonexistent\/run does not exist/);

  const badDriver = await serve(u, { BERTH_ROOTLESS_STORAGE: 'zfs' });
  assert.equal(badDriver.code, 1, badDriver.stderr);
  assert.match(badDriver.stderr, /unknown storage driver zfs for rootless mode/);
});
