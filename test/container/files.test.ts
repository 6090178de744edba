import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { containerEnv, collectLogs, text, within } from './helpers.js';

async function tarOf(entries: Array<{ name: string; type?: 'file' | 'directory' | 'symlink'; body?: string; linkname?: string; uid?: number }>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => { for await (const c of pack) chunks.push(c as Buffer); })();
  for (const e of entries) {
    const body = e.body ?? '';
    pack.entry({ name: e.name, type: e.type ?? 'file', mode: e.type === 'directory' ? 0o755 : 0o644, linkname: e.linkname, uid: e.uid ?? 0, gid: e.uid ?? 0,
      size: e.type && e.type !== 'file' ? 0 : Buffer.byteLength(body) }, (e.type && e.type !== 'file' ? undefined : body) as string); // undefined: no body (tar-stream's types only spell that as the one-argument form)
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function readTar(stream: Readable): Promise<Map<string, { type: string; body: string; linkname?: string }>> {
  const ex = tar.extract();
  const out = new Map<string, { type: string; body: string; linkname?: string }>();
  ex.on('entry', (h, s, next) => {
    const parts: Buffer[] = [];
    s.on('data', (c) => parts.push(c as Buffer));
    s.on('end', () => { out.set(h.name, { type: h.type ?? 'file', body: Buffer.concat(parts).toString(), linkname: h.linkname ?? undefined }); next(); });
  });
  const done = new Promise<void>((resolve, reject) => { ex.on('finish', resolve); ex.on('error', reject); });
  stream.pipe(ex as any);
  await done;
  return out;
}

test('docker cp: stat, get, put; hostile archives refused; symlinks stay inside', async (t) => {
  const { mgr } = await containerEnv(t);
  const { Id } = await mgr.create({ Image: 'busybox', Cmd: ['sleep', '300'] });
  // works on a created (never started) container: the rootfs is mounted for the copy
  await mgr.archivePut(Id, '/tmp', Readable.from(await tarOf([{ name: 'dir', type: 'directory' }, { name: 'dir/hello.txt', body: 'hi there\n', uid: 1234 }])));
  const st = await mgr.archiveStat(Id, '/tmp/dir/hello.txt');
  assert.equal(st.name, 'hello.txt');
  assert.equal(st.size, 9);
  assert.equal(st.mode, 0o644);
  assert.equal(st.linkTarget, '');
  const dirStat = await mgr.archiveStat(Id, '/tmp/dir');
  assert.equal(dirStat.mode, 2 ** 31 + 0o755);
  await assert.rejects(mgr.archiveStat(Id, '/no/such'), { status: 404 });

  await mgr.start(Id);
  const got = await mgr.archiveGet(Id, '/tmp/dir');
  const entries = await readTar(got.tar);
  assert.equal(entries.get('dir/hello.txt')?.body, 'hi there\n');
  assert.equal(got.stat.name, 'dir');
  // ownership went to the container's root without copyUIDGID
  const x = await mgr.execCreate(Id, { Cmd: ['sh', '-c', 'cat /tmp/dir/hello.txt; stat -c %u /tmp/dir/hello.txt'], AttachStdout: true });
  const io = (await mgr.execStart(x.Id, {}))!;
  const out: Buffer[] = [];
  io.onOutput((_s, d) => out.push(d));
  await within(new Promise<void>((r) => io.onEnd(r)), 20_000, 'exec');
  assert.equal(Buffer.concat(out).toString(), 'hi there\n0\n');

  // a symlink pointing far outside: stat reports the target inside the container, get never leaves the root
  await mgr.archivePut(Id, '/tmp', Readable.from(await tarOf([{ name: 'esc', type: 'symlink', linkname: '../../../../../../etc' }])));
  const ls = await mgr.archiveStat(Id, '/tmp/esc');
  assert.equal(ls.linkTarget, '/etc');
  const through = await readTar((await mgr.archiveGet(Id, '/tmp/esc/')).tar);
  assert.ok(through.has('esc/passwd'));
  const { readFileSync, existsSync } = await import('node:fs');
  assert.notEqual(through.get('esc/passwd')!.body, readFileSync('/etc/passwd', 'utf8'), 'the host /etc must not be copied');

  // hostile: path traversal, and a write through a symlink that points out of the root
  await assert.rejects(mgr.archivePut(Id, '/tmp', Readable.from(await tarOf([{ name: '../../../../tmp/evil', body: 'x' }]))), (e: any) => e.status === 400);
  // a symlink to "/../../tmp" then a file through it: either refused or written inside the container, never on the host
  await mgr.archivePut(Id, '/tmp', Readable.from(await tarOf([
    { name: 'out', type: 'symlink', linkname: '/../../../../../../tmp' }, { name: 'out/evil-berth-test', body: 'x' },
  ]))).catch((e) => assert.equal(e.status, 400));
  assert.equal(existsSync('/tmp/evil'), false);
  assert.equal(existsSync('/tmp/evil-berth-test'), false);
  await assert.rejects(mgr.archivePut(Id, '/etc/passwd', Readable.from(await tarOf([{ name: 'a', body: 'x' }]))), { status: 400 });
});

test('commit: the new image runs with the committed file; changes, export, diff', async (t) => {
  const env = await containerEnv(t);
  const { mgr } = env;
  const { Id } = await mgr.create({ Image: 'busybox', Cmd: ['sh', '-c', 'echo committed > /data.txt; rm /bin/vi'] });
  const w = mgr.wait(Id, 'next-exit');
  await mgr.start(Id);
  assert.equal((await within(w, 20_000, 'exit')).StatusCode, 0);
  const changes = await mgr.changes(Id);
  assert.ok(changes.some((c) => c.Path === '/data.txt' && c.Kind === 1));
  assert.ok(changes.some((c) => c.Path === '/bin/vi' && c.Kind === 2));
  const { Id: imageId } = await mgr.commit(Id, { repo: 'mine/committed', tag: 'v1', comment: 'a test', author: 'me', changes: ['CMD ["cat", "/data.txt"]'] });
  assert.match(imageId, /^sha256:[a-f0-9]{64}$/);
  assert.ok(env.seen.some((e) => e.Action === 'commit' && e.Actor.ID === Id));
  const img = env.images.resolve('mine/committed:v1');
  assert.equal(img.id, imageId);
  const run = await mgr.create({ Image: 'mine/committed:v1' });
  const w2 = mgr.wait(run.Id, 'next-exit');
  await mgr.start(run.Id);
  assert.equal((await within(w2, 20_000, 'exit 2')).StatusCode, 0);
  assert.equal(text(await collectLogs(mgr.logs(run.Id, {}))), 'committed\n');
  assert.equal(mgr.imageInUse(imageId), run.Id);

  const exported = await readTar(await mgr.export(Id));
  assert.equal(exported.get('data.txt')?.body, 'committed\n');
  assert.ok(!exported.has('bin/vi'));
  assert.ok(exported.has('bin/sh'));
});

test('prune removes stopped containers only (label filter)', async (t) => {
  const { mgr } = await containerEnv(t);
  const keep = await mgr.create({ Image: 'busybox', Cmd: ['sleep', '300'] }, 'running1');
  await mgr.start(keep.Id);
  const a = await mgr.create({ Image: 'busybox', Cmd: ['true'], Labels: { gone: 'yes' } }, 'stopped1');
  const b = await mgr.create({ Image: 'busybox', Cmd: ['true'] }, 'stopped2');
  const r1 = await mgr.prune({ label: ['gone=yes'] });
  assert.deepEqual(r1.ContainersDeleted, [a.Id]);
  const r2 = await mgr.prune();
  assert.deepEqual(r2.ContainersDeleted, [b.Id]);
  assert.deepEqual(mgr.list({ all: true }).map((s: any) => s.Id), [keep.Id]);
});

test('prune until: Go durations before now (1.5h keeps a new container, -1m reaches past it), timestamps, and a clear error', async (t) => {
  const { mgr } = await containerEnv(t);
  const c = await mgr.create({ Image: 'busybox', Cmd: ['true'] }, 'fresh');
  assert.deepEqual((await mgr.prune({ until: ['1.5h'] })).ContainersDeleted, []);
  assert.deepEqual((await mgr.prune({ until: ['1h30m'] })).ContainersDeleted, []);
  await assert.rejects(mgr.prune({ until: ['soon'] }), { status: 400, message: "invalid filter 'until=soon'" });
  assert.deepEqual((await mgr.prune({ until: ['-1m'] })).ContainersDeleted, [c.Id]);
});
