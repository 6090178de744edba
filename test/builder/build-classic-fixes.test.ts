/**
 * Classic-builder fixes: a Dockerfile outside the context or on stdin (docker CLI
 * and berth CLI), dockerd's step output on cached metadata steps and the final
 * id, `builder prune --filter until=<Go duration>`, `berth build --progress`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, apiRequest, cleanEnv, BERTH_BIN, type TestDaemon } from '../helpers/daemon.js';

const DOCKER = '/usr/local/bin/docker';
let d: TestDaemon;
let base: string;
let ctxDir: string;

function docker(args: string[], opts: { cwd?: string; input?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${d.socket}`, DOCKER_BUILDKIT: '0', DOCKER_CONFIG: join(base, 'dockercfg') };
    delete env.NODE_EXTRA_CA_CERTS;
    const child = spawn(DOCKER, args, { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`docker ${args.join(' ')} timed out`)); }, 60_000);
    child.stdout.on('data', (b) => { stdout += b; });
    child.stderr.on('data', (b) => { stderr += b; });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, stdout, stderr }); });
    child.stdin.end(opts.input ?? '');
  });
}

/** berth on a terminal: script(1) gives it a pseudo-terminal for stdout. */
function berthOnTerminal(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const cmd = [BERTH_BIN, '-H', `unix://${d.socket}`, ...args].join(' ');
    const child = spawn('script', ['-qefc', cmd, '/dev/null'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`berth ${cmd} timed out`)); }, 60_000);
    child.stdout.on('data', (b) => { out += b; });
    child.stderr.on('data', (b) => { out += b; });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, out }); });
  });
}

before(async () => {
  d = await startDaemon();
  base = mkdtempSync(join(tmpdir(), 'berth-build-fix-'));
  ctxDir = join(base, 'ctx');
  mkdirSync(ctxDir);
  mkdirSync(join(base, 'dockercfg'));
  writeFileSync(join(ctxDir, 'a.txt'), 'from the context\n');
  writeFileSync(join(ctxDir, 'ignored.txt'), 'ignored\n');
  writeFileSync(join(ctxDir, '.dockerignore'), 'ignored.txt\n');
  writeFileSync(join(base, 'Dockerfile'), 'FROM busybox\nCOPY . /ctx/\nCMD ["cat", "/ctx/a.txt"]\n');
});
after(async () => { await d?.cleanup(); if (base) rmSync(base, { recursive: true, force: true }); });

test('a Dockerfile outside the context or on stdin: docker CLI and berth CLI', async () => {
  const df = join(base, 'Dockerfile');
  const check = async (tag: string): Promise<void> => {
    const ls = await d.berth(['run', '--rm', tag, 'ls', '-A', '/ctx']);
    assert.equal(ls.code, 0, ls.stderr);
    // as Docker: .dockerignore is copied, the Dockerfile under its private name and ignored files are not
    assert.equal(ls.stdout, '.dockerignore\na.txt\n');
  };
  const r1 = await docker(['build', '-f', df, '-t', 'out:docker', ctxDir]);
  assert.equal(r1.code, 0, r1.stderr + r1.stdout);
  await check('out:docker');
  const r2 = await docker(['build', '-f', '-', '-t', 'out:docker-stdin', ctxDir], { input: 'FROM busybox\nCOPY . /ctx/\n' });
  assert.equal(r2.code, 0, r2.stderr + r2.stdout);
  await check('out:docker-stdin');
  const r3 = await d.berth(['build', '-f', df, '-t', 'out:berth', ctxDir], { timeoutMs: 60_000 });
  assert.equal(r3.code, 0, r3.stderr + r3.stdout);
  await check('out:berth');
  const r4 = await d.berth(['build', '-f', '-', '-t', 'out:berth-stdin', ctxDir], { input: 'FROM busybox\nCOPY . /ctx/\n', timeoutMs: 60_000 });
  assert.equal(r4.code, 0, r4.stderr + r4.stdout);
  await check('out:berth-stdin');
});

test('builder prune --filter until= takes Go durations and timestamps (CLI and API)', async () => {
  const build = () => d.berth(['build', '-t', 'prune:1', '-'], { input: 'FROM busybox\nRUN echo layer > /l\n', timeoutMs: 60_000 });
  const first = await build();
  assert.equal(first.code, 0, first.stderr);
  // a fresh cache entry is younger than any of these: nothing is removed
  for (const v of ['1h30m', '90m', '2h45m10s', '1.5h', '24h']) {
    const r = await d.berth(['builder', 'prune', '-f', '--filter', `until=${v}`]);
    assert.equal(r.code, 0, `${v}: ${r.stderr}`);
    assert.equal(r.stdout, 'Total reclaimed space: 0B\n', v);
  }
  const api = await apiRequest(d.socket, 'POST', `/build/prune?filters=${encodeURIComponent(JSON.stringify({ until: ['1h30m'] }))}`);
  assert.equal(api.status, 200, JSON.stringify(api.body));
  assert.deepEqual(api.body.CachesDeleted, []);
  assert.match((await build()).stdout, /Using cache/);
  // a timestamp after the entry's last use removes it
  const later = new Date(Date.now() + 60_000).toISOString();
  const api2 = await apiRequest(d.socket, 'POST', `/build/prune?filters=${encodeURIComponent(JSON.stringify({ until: [later] }))}`);
  assert.equal(api2.status, 200, JSON.stringify(api2.body));
  assert.ok(api2.body.CachesDeleted.length >= 1);
  assert.match((await build()).stdout, /Running in/);
  const r = await d.berth(['builder', 'prune', '-f', '--filter', `until=${Math.floor(Date.now() / 1000) + 60}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Deleted build cache objects:\n[0-9a-f]{64}\n\nTotal reclaimed space: /);
  const bad = await d.berth(['builder', 'prune', '-f', '--filter', 'until=soon']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /"until" filter expects a duration \(e\.g\., '24h'\)/);
});

test('classic output: every cached step prints Using cache and its id; the last id is the image', async () => {
  const dir = join(base, 'meta');
  mkdirSync(dir);
  writeFileSync(join(dir, 'Dockerfile'), [
    'FROM busybox', 'ENV A=1', 'WORKDIR /w', 'RUN echo run | tee f', 'LABEL l=v', 'EXPOSE 80', 'USER nobody',
    'STOPSIGNAL SIGTERM', 'ENTRYPOINT ["cat"]', 'CMD ["/w/f"]',
  ].join('\n') + '\n');
  const steps = (out: string): string[] => out.split(/^(?=Step \d+\/\d+ : )/m).filter((p) => p.startsWith('Step ')).map((p) => p.replace(/\nSuccessfully[\s\S]*$/, '\n'));
  const lastId = (out: string): string => [...out.matchAll(/^ ---> ([0-9a-f]{12})$/gm)].at(-1)![1];
  const first = await docker(['build', '-t', 'meta:1', dir]);
  assert.equal(first.code, 0, first.stderr + first.stdout);
  assert.doesNotMatch(first.stdout, /Using cache/);
  assert.match(first.stdout, /^Step 4\/10 : RUN echo run \| tee f\n ---> Running in ([0-9a-f]{12})\nrun\n ---> Removed intermediate container \1\n ---> [0-9a-f]{12}\n/m);
  const built = first.stdout.match(/^Successfully built ([0-9a-f]{12})$/m)![1];
  assert.equal(lastId(first.stdout), built);
  assert.equal((await docker(['images', '-q', 'meta:1'])).stdout.trim(), built);

  const second = await docker(['build', '-t', 'meta:1', dir]);
  assert.equal(second.code, 0, second.stderr + second.stdout);
  const a = steps(first.stdout), b = steps(second.stdout);
  assert.equal(b.length, 10);
  assert.equal(b[0], a[0]); // FROM: the base image's id
  for (let i = 1; i < 10; i++) {
    const id = a[i].match(/ ---> ([0-9a-f]{12})\n$/)![1];
    assert.equal(b[i], `${a[i].split('\n')[0]}\n ---> Using cache\n ---> ${id}\n`, `step ${i + 1}`);
  }
  assert.match(second.stdout, new RegExp(` ---> ${built}\\nSuccessfully built ${built}\\nSuccessfully tagged meta:1\\n$`));

  // a changed step: the metadata steps after it are built again, those before it still cached
  writeFileSync(join(dir, 'Dockerfile'), [
    'FROM busybox', 'ENV A=1', 'WORKDIR /w', 'RUN echo changed > f', 'LABEL l=v', 'CMD ["/w/f"]',
  ].join('\n') + '\n');
  const third = await docker(['build', '-t', 'meta:2', dir]);
  assert.equal(third.code, 0, third.stderr + third.stdout);
  const c = steps(third.stdout);
  assert.match(c[1], /Using cache/);
  assert.match(c[2], /Using cache/);
  for (const s of c.slice(3)) assert.doesNotMatch(s, /Using cache/);
  const built3 = third.stdout.match(/^Successfully built ([0-9a-f]{12})$/m)![1];
  assert.equal(lastId(third.stdout), built3);
  assert.equal((await d.berth(['images', '-q', 'meta:2'])).stdout.trim(), built3);
});

test('berth build --progress plain|quiet|tty|auto and -q; bad values get Docker\'s errors', async () => {
  const dir = join(base, 'progress');
  mkdirSync(dir);
  writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nRUN echo tty-out; sleep 0.5\nCMD ["true"]\n');
  const plain = await d.berth(['build', '--progress', 'plain', '-t', 'prog:1', dir], { timeoutMs: 60_000 });
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /^Sending build context to berth daemon\nStep 1\/3 : FROM busybox\n[\s\S]*Step 2\/3 : RUN echo tty-out; sleep 0\.5\n ---> Running in \w+\ntty-out\n[\s\S]*Successfully built [0-9a-f]{12}\nSuccessfully tagged prog:1\n$/);
  assert.doesNotMatch(plain.stdout, /\x1b\[/);
  const auto = await d.berth(['build', '-t', 'prog:1', dir], { timeoutMs: 60_000 }); // not a terminal: plain
  assert.equal(auto.code, 0, auto.stderr);
  assert.match(auto.stdout, /Step 2\/3 : RUN echo tty-out; sleep 0\.5\n ---> Using cache\n/);
  assert.doesNotMatch(auto.stdout, /\x1b\[/);
  for (const flags of [['--progress', 'quiet'], ['-q'], ['--progress=plain', '--quiet']]) {
    const q = await d.berth(['build', ...flags, dir], { timeoutMs: 60_000 });
    assert.equal(q.code, 0, q.stderr);
    assert.match(q.stdout, /^sha256:[0-9a-f]{64}\n$/, flags.join(' '));
  }
  const bad = await d.berth(['build', '--progress', 'bogus', dir]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /invalid progress mode bogus/);
  const noTty = await d.berth(['build', '--progress', 'tty', dir]);
  assert.equal(noTty.code, 1);
  assert.match(noTty.stderr, /failed to get console: provided file is not a console/);

  // on a terminal: the live view (redrawn in place), the running step's output under it while it runs
  const tty = await berthOnTerminal(['build', '--progress', 'tty', '--no-cache', '-t', 'prog:2', dir]);
  assert.equal(tty.code, 0, tty.out);
  assert.match(tty.out, /\[\+\] Building \d+\.\ds \(\d\/3\)/);
  assert.match(tty.out, / => => # tty-out/);
  assert.match(tty.out, /\x1b\[\d+A/); // moved back over the last drawing
  assert.match(tty.out, /\[\+\] Building \d+\.\ds \(3\/3\) FINISHED\r?\n => Step 1\/3 : FROM busybox \d+\.\ds\r?\n => Step 2\/3 : RUN echo tty-out; sleep 0\.5 \d+\.\ds\r?\n => Step 3\/3 : CMD \["true"\] \d+\.\ds\r?\nSuccessfully built [0-9a-f]{12}\r?\nSuccessfully tagged prog:2\r?\n/);
  assert.doesNotMatch(tty.out, /Running in|Removed intermediate/);
  const autoTty = await berthOnTerminal(['build', '-t', 'prog:2', dir]); // auto on a terminal: tty
  assert.equal(autoTty.code, 0, autoTty.out);
  assert.match(autoTty.out, / => CACHED Step 2\/3 : RUN echo tty-out; sleep 0\.5\r?\n/);
  // a failing step stays on screen with its last output
  const failDir = join(base, 'progress-fail');
  mkdirSync(failDir);
  writeFileSync(join(failDir, 'Dockerfile'), 'FROM busybox\nRUN echo boom; exit 3\n');
  const failed = await berthOnTerminal(['build', '--progress', 'tty', failDir]);
  assert.equal(failed.code, 3, failed.out);
  assert.match(failed.out, / ERROR\r?\n => Step 1\/2 : FROM busybox \d+\.\ds\r?\n => ERROR Step 2\/2 : RUN echo boom; exit 3 \d+\.\ds\r?\n => => # boom\r?\n/);
  assert.match(failed.out, /returned a non-zero code: 3/);
});
