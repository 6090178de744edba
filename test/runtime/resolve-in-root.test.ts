import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SYMLINKS, followInRoot, resolveInRoot } from '../../src/runtime/resolve-in-root.ts';

async function tempRoot(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'berth-inroot-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'etc/ssl'), { recursive: true });
  await writeFile(join(root, 'etc/passwd'), 'x');
  return root;
}

test('symlinks are followed inside the root: absolute targets re-rooted, `..` clamped at the root', async (t) => {
  const root = await tempRoot(t);
  await symlink('/etc', join(root, 'abs'));
  await symlink('../../../../etc', join(root, 'up'));
  await symlink('ssl/..', join(root, 'etc/back'));
  assert.equal(resolveInRoot(root, '/abs/passwd'), join(root, 'etc/passwd'));
  assert.equal(resolveInRoot(root, 'up/passwd'), join(root, 'etc/passwd'));
  assert.equal(resolveInRoot(root, '/../../etc/./passwd'), join(root, 'etc/passwd'));
  assert.equal(resolveInRoot(root, '/etc/back/passwd'), join(root, 'etc/passwd'));
  assert.equal(resolveInRoot(root, '/'), join(root, '/'));
  // `..` after a symlink climbs from where the link points, as the kernel walks it
  assert.equal(resolveInRoot(root, '/abs/ssl/../passwd'), join(root, 'etc/passwd'));
  await symlink('/etc/ssl', join(root, 'deep'));
  assert.equal(resolveInRoot(root, '/deep/../passwd'), join(root, 'etc/passwd'));
});

test('missing components are kept; the last one is not followed on request', async (t) => {
  const root = await tempRoot(t);
  await symlink('/etc/passwd', join(root, 'pw'));
  assert.equal(resolveInRoot(root, '/no/such/file'), join(root, 'no/such/file'));
  assert.equal(resolveInRoot(root, '/pw'), join(root, 'etc/passwd'));
  assert.equal(resolveInRoot(root, '/pw', false), join(root, 'pw'));
  assert.throws(() => resolveInRoot(root, '/etc/\0x'), { status: 400 });
});

test("Linux's limit: a chain of 40 symlinks resolves, 41 and loops are refused", async (t) => {
  const root = await tempRoot(t);
  assert.equal(MAX_SYMLINKS, 40);
  await symlink('/etc/passwd', join(root, 'l0'));
  for (let i = 1; i <= MAX_SYMLINKS; i++) await symlink(`/l${i - 1}`, join(root, `l${i}`));
  assert.equal(resolveInRoot(root, `/l${MAX_SYMLINKS - 1}`), join(root, 'etc/passwd'));
  assert.throws(() => resolveInRoot(root, `/l${MAX_SYMLINKS}`), { code: 'ERR_SYMLINK_LOOP', message: /too many levels of symbolic links/ });
  await symlink('loop', join(root, 'loop'));
  assert.throws(() => resolveInRoot(root, '/loop/x'), { code: 'ERR_SYMLINK_LOOP' });
});

test('followInRoot looks each step up where the caller says (a mount over part of the tree)', async (t) => {
  const root = await tempRoot(t);
  const volume = await mkdtemp(join(tmpdir(), 'berth-inroot-vol-'));
  t.after(() => rm(volume, { recursive: true, force: true }));
  await symlink('/etc', join(volume, 'to-etc'));
  const hostPathOf = (p: string) => (p === '/data' || p.startsWith('/data/') ? join(volume, p.slice('/data'.length)) : join(root, p));
  assert.equal(followInRoot('/data/to-etc/passwd', hostPathOf), '/etc/passwd');
  assert.equal(followInRoot('/data/to-etc', hostPathOf, false), '/data/to-etc');
});
