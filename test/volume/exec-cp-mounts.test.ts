/**
 * docker CLI 28 against berth: exec into a container with named and anonymous volumes, binds
 * and tmpfs; docker cp both ways through those mounts (running and stopped), with Docker's
 * read-only rules (a :ro mount, a read-only rootfs outside the volumes).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { DOCKER, runProgram, eventually } from '../compat/helpers.js';

let d: TestDaemon;
let tmp: string;
let env: NodeJS.ProcessEnv;
before(async () => {
  d = await startDaemon();
  tmp = mkdtempSync('/tmp/bt-mnt-');
  env = { ...process.env, DOCKER_HOST: `unix://${d.socket}`, DOCKER_CONFIG: join(tmp, 'cfg'), HOME: join(tmp, 'cfg') };
  delete env.NODE_TEST_CONTEXT; delete env.DOCKER_API_VERSION; delete env.DOCKER_CONTEXT;
});
after(async () => {
  await d?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const docker = (args: string[], input?: string) => runProgram(DOCKER, args, { env, input, timeoutMs: 60_000 });
async function ok(args: string[]): Promise<string> {
  const r = await docker(args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const LOOP = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'];

test('exec and health checks work in a container with named and anonymous volumes, a bind and tmpfs', async () => {
  const bind = join(tmp, 'bind1');
  await ok(['run', '-d', '--name', 'ex', '-v', 'exvol:/data', '-v', '/anon', '-v', `${bind}:/bind`, '--tmpfs', '/scratch',
    '--mount', 'type=tmpfs,target=/scratch2', '--health-cmd', 'test -f /data/made', '--health-interval', '1s', 'busybox', ...LOOP]);
  const out = await ok(['exec', 'ex', 'sh', '-c', 'for p in /data /anon /bind /scratch /scratch2; do echo x > $p/made && cat $p/made; done; echo done']);
  assert.equal(out, 'x\nx\nx\nx\nx\ndone\n');
  assert.equal(readFileSync(join(bind, 'made'), 'utf8'), 'x\n', 'the exec wrote into the bind');
  await eventually(async () => (await ok(['inspect', '-f', '{{.State.Health.Status}}', 'ex'])).trim() === 'healthy', 20_000, 'the health probe runs');
  await ok(['rm', '-f', 'ex']);
});

test('docker cp into and out of volumes and binds (and out of tmpfs) uses the mounted data', async () => {
  const bind = join(tmp, 'bind2');
  await ok(['run', '-d', '--name', 'cp1', '-v', 'cpvol:/data', '-v', '/anon', '-v', `${bind}:/bind`, '-v', 'cpro:/ro:ro', '--tmpfs', '/scratch', 'busybox', ...LOOP]);
  await ok(['exec', 'cp1', 'sh', '-c', 'echo inside > /data/inside.txt; ln -s /data /link']);
  const src = join(tmp, 'in.txt');
  writeFileSync(src, 'payload\n');
  for (const dst of ['/data', '/anon', '/bind', '/link']) await ok(['cp', src, `cp1:${dst}/`]);
  const seen = await ok(['exec', 'cp1', 'sh', '-c', 'cat /data/in.txt /anon/in.txt /bind/in.txt']);
  assert.equal(seen, 'payload\n'.repeat(3), 'each copy landed in the mounted data the container sees');
  // a tmpfs lives in the container's mount namespace: read by cp, not written (a clear error, not a hidden write)
  const intmp = await docker(['cp', src, 'cp1:/scratch/']);
  assert.notEqual(intmp.code, 0);
  assert.match(intmp.stderr, /tmpfs mount \/scratch .* not supported/);
  await ok(['exec', 'cp1', 'sh', '-c', 'echo payload > /scratch/in.txt']);
  assert.equal(readFileSync(join(bind, 'in.txt'), 'utf8'), 'payload\n');
  const vol = JSON.parse(await ok(['volume', 'inspect', 'cpvol']))[0];
  assert.equal(readFileSync(join(vol.Mountpoint, 'in.txt'), 'utf8'), 'payload\n', 'in the named volume on the host');
  // out of the named volume: a file, a whole directory, through the symlink
  await ok(['cp', 'cp1:/data/inside.txt', join(tmp, 'out.txt')]);
  assert.equal(readFileSync(join(tmp, 'out.txt'), 'utf8'), 'inside\n');
  await ok(['cp', 'cp1:/data', join(tmp, 'datadir')]);
  assert.equal(readFileSync(join(tmp, 'datadir', 'inside.txt'), 'utf8'), 'inside\n');
  await ok(['cp', 'cp1:/scratch/in.txt', join(tmp, 'fromtmpfs.txt')]);
  assert.equal(readFileSync(join(tmp, 'fromtmpfs.txt'), 'utf8'), 'payload\n');
  // the engine's /etc files are what the container sees too
  await ok(['cp', 'cp1:/etc/hostname', join(tmp, 'hostname.txt')]);
  assert.equal(readFileSync(join(tmp, 'hostname.txt'), 'utf8').trim(), (await ok(['exec', 'cp1', 'hostname'])).trim());
  // a :ro mount refuses the copy with Docker's wording
  const ro = await docker(['cp', src, 'cp1:/ro/']);
  assert.equal(ro.code, 1);
  assert.match(ro.stderr, /Error response from daemon: mounted volume is marked read-only/);

  // stopped: the volume and bind data are still what cp sees
  await ok(['stop', 'cp1']);
  await ok(['cp', 'cp1:/data/inside.txt', join(tmp, 'out2.txt')]);
  assert.equal(readFileSync(join(tmp, 'out2.txt'), 'utf8'), 'inside\n');
  writeFileSync(join(tmp, 'late.txt'), 'late\n');
  await ok(['cp', join(tmp, 'late.txt'), 'cp1:/data/']);
  await ok(['cp', join(tmp, 'late.txt'), 'cp1:/bind/']);
  assert.equal(readFileSync(join(bind, 'late.txt'), 'utf8'), 'late\n');
  await ok(['start', 'cp1']);
  assert.equal(await ok(['exec', 'cp1', 'cat', '/data/late.txt']), 'late\n');
  await ok(['rm', '-f', 'cp1']);
});

test('a read-only rootfs refuses cp outside the volumes, a volume on it accepts it', async () => {
  await ok(['create', '--name', 'rofs', '--read-only', '-v', 'rovol:/vol', 'busybox', 'true']);
  const src = join(tmp, 'ro.txt');
  writeFileSync(src, 'ro\n');
  const r = await docker(['cp', src, 'rofs:/tmp/']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Error response from daemon: container rootfs is marked read-only/);
  await ok(['cp', src, 'rofs:/vol/']);
  const vol = JSON.parse(await ok(['volume', 'inspect', 'rovol']))[0];
  assert.ok(existsSync(join(vol.Mountpoint, 'ro.txt')));
  await ok(['rm', 'rofs']);
});
