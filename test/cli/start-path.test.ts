/**
 * The CLI's start path (issue 27, CLI start) keeps its behaviour: the bundle defers the built-ins
 * (scripts/lazy-builtins.mjs) yet every member reads as the real module's; the hot commands
 * (version, ps, inspect, logs, exec, run, --help) print what they printed before against a live
 * `berth serve`; a daemon that is down gives the same words and exit code. Needs `npm run build`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BERTH_BIN, REPO, cleanEnv, runBerth, startDaemon } from '../helpers/daemon.js';
import { LAZY_BUILTINS, lazyModuleSource } from '../../scripts/lazy-builtins.mjs';

const BUNDLE = join(REPO, 'dist', 'cli', 'berth.cjs');
const realRequire = createRequire(import.meta.url);

test('a lazy built-in stand-in loads nothing until a member is read, then gives the real members', () => {
  for (const name of ['child_process', 'crypto', 'fs/promises', 'http', 'os', 'stream']) {
    const required: string[] = [];
    const module = { exports: {} as Record<string, unknown> };
    const fakeRequire = (id: string) => { required.push(id); return realRequire(id); };
    new Function('exports', 'require', 'module', lazyModuleSource(name))(module.exports, fakeRequire, module);
    assert.deepEqual(required, [], `${name}: nothing required while the bundle loads`);
    const real = realRequire(`node:${name}`) as Record<string, unknown>;
    assert.deepEqual(Object.keys(module.exports).sort(), Object.keys(real).filter((k) => k !== 'default').sort(), name);
    for (const k of Object.keys(real)) if (k !== 'default') assert.equal(module.exports[k], real[k], `${name}.${k}`);
    assert.deepEqual(required, [`node:${name}`], `${name}: required once, on first use`);
  }
});

test('loading the CLI bundle loads none of the deferred built-ins', () => {
  assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: run npm run build`);
  // the list is taken before process.stdout is touched (a pipe's stdout loads net and stream itself)
  const script = `const before = new Set(process.moduleLoadList); require(${JSON.stringify(BUNDLE)});
    const loaded = JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m))); process.stdout.write(loaded);`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: cleanEnv() });
  assert.equal(r.status, 0, r.stderr);
  const loaded = (JSON.parse(r.stdout) as string[]).filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
  for (const name of LAZY_BUILTINS) assert.ok(!loaded.includes(name), `${name} loaded with the bundle (${loaded.join(', ')})`);
});

test('no daemon: --version, --help, and the daemon-down message and exit code', async () => {
  const dir = mkdtempSync('/tmp/bt-start-');
  try {
    const sock = join(dir, 'none.sock');
    const env = cleanEnv({ BERTH_NO_AUTOSTART: '1', DOCKER_CONFIG: join(dir, 'cfg'), HOME: dir });
    const version = spawnSync(BERTH_BIN, ['--version'], { encoding: 'utf8', env });
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, /^berth version \d+\.\d+\.\d+/);
    const help = spawnSync(BERTH_BIN, ['--help'], { encoding: 'utf8', env });
    assert.equal(help.status, 0, help.stderr);
    for (const cmd of ['ps', 'run', 'exec', 'logs', 'inspect', 'version', 'context']) assert.match(help.stdout, new RegExp(`^  ${cmd}\\b`, 'm'), cmd);
    for (const args of [['ps', '-a'], ['version'], ['logs', 'x'], ['exec', 'x', 'true']]) {
      const r = await runBerth(sock, args, { env: { DOCKER_CONFIG: join(dir, 'cfg'), HOME: dir } });
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`Cannot connect to the berth daemon at unix://${sock}\\. Is the daemon running\\?`), args.join(' '));
    }
    const conflict = await runBerth(sock, ['--context', 'other', 'ps'], { env: { DOCKER_CONFIG: join(dir, 'cfg'), HOME: dir } });
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /conflicting options: cannot specify both --host and --context/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the CLI runs with its optimizing compilers on the main thread (an exit during a worker\'s Maglev job deadlocked Node)', async () => {
  const dir = mkdtempSync('/tmp/bt-start-');
  // login --password-stdin waits for its stdin: the running CLI's command line can be read meanwhile
  const cli = spawn(BERTH_BIN, ['-H', `unix://${join(dir, 'none.sock')}`, 'login', '-u', 'x', '--password-stdin', '127.0.0.1:1'],
    { env: cleanEnv({ BERTH_NO_AUTOSTART: '1', DOCKER_CONFIG: join(dir, 'cfg'), HOME: dir }), stdio: ['pipe', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((res) => cli.on('close', res));
  try {
    let argv: string[] = [];
    // bin/berth is sh until it execs node, under the same pid
    for (let i = 0; i < 100 && !argv.some((a) => a.endsWith('start.cjs')); i++) {
      await new Promise((r) => setTimeout(r, 50));
      try { argv = readFileSync(`/proc/${cli.pid}/cmdline`, 'utf8').split('\0'); } catch { /* not yet */ }
    }
    const script = argv.findIndex((a) => a.endsWith('start.cjs'));
    assert.ok(script > 0, `the CLI's command line: ${argv.join(' ')}`);
    const nodeFlags = argv.slice(1, script);
    assert.ok(nodeFlags.includes('--no-concurrent-recompilation'), nodeFlags.join(' '));
    assert.ok(nodeFlags.includes('--no-concurrent-sparkplug'), nodeFlags.join(' '));
    cli.stdin.end('pw\n');
    assert.equal(await exited, 1); // no daemon there
  } finally {
    cli.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the hot commands against a live daemon: version, ps, inspect, logs, exec, run', async (t) => {
  const d = await startDaemon();
  t.after(() => d.cleanup());
  assert.equal((await d.api('POST', '/images/create?fromImage=busybox&tag=latest')).status, 200);
  await d.ok(['run', '-d', '--name', 'talker', '--network', 'none', 'busybox', 'sh', '-c', 'echo one; echo two >&2; sleep 300']);
  for (let i = 0; i < 3; i++) await d.ok(['create', '--name', `idle${i}`, '--network', 'none', 'busybox', 'echo', `say "${i}"`]);

  const version = await d.ok(['version']);
  assert.match(version, /^Client:\n Version: +\d/);
  assert.match(version, /\nServer: berth\n Engine:\n  Version: +\d/);

  const ps = (await d.ok(['ps', '-a'])).split('\n');
  assert.match(ps[0], /^CONTAINER ID   IMAGE     COMMAND                  CREATED +STATUS +PORTS +NAMES$/);
  assert.equal(ps.length, 6); // header, four rows, final newline
  const idle = ps.find((l) => l.endsWith(' idle1'));
  assert.match(idle ?? '', /^[0-9a-f]{12}   busybox   "echo say \\"1\\"" +\S.* ago +Created +idle1$/);
  assert.deepEqual((await d.ok(['ps', '-a', '--format', '{{.Names}}\t{{.Image}}'])).split('\n').filter(Boolean).sort(),
    ['idle0\tbusybox', 'idle1\tbusybox', 'idle2\tbusybox', 'talker\tbusybox']);
  assert.equal((await d.ok(['ps', '-q'])).trim().split('\n').length, 1);

  assert.equal(await d.ok(['inspect', '-f', '{{.Name}} {{.State.Running}}', 'talker']), '/talker true\n');
  const logs = await d.berth(['logs', 'talker']);
  assert.equal(logs.code, 0, logs.stderr);
  assert.equal(logs.stdout, 'one\n');
  assert.equal(logs.stderr, 'two\n');
  const exec = await d.berth(['exec', 'talker', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.deepEqual([exec.code, exec.stdout, exec.stderr], [3, 'out\n', 'err\n']);
  const run = await d.berth(['run', '--rm', '--network', 'none', 'busybox', 'echo', 'ran']);
  assert.deepEqual([run.code, run.stdout], [0, 'ran\n'], run.stderr);
  const missing = await d.berth(['inspect', 'nosuch']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Error: No such object: nosuch/);
});

test('the compile cache: used from a copy of the release elsewhere, never for a changed bundle', (t) => {
  const dir = mkdtempSync('/tmp/bt-cc-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cli = join(dir, 'dist', 'cli');
  mkdirSync(cli, { recursive: true });
  for (const f of ['start.cjs', 'berth.cjs']) copyFileSync(join(REPO, 'dist', 'cli', f), join(cli, f));
  // the build warmed it (scripts/bundle-cli.mjs); the release ships it
  cpSync(join(REPO, 'dist', 'cli', '.compile-cache'), join(cli, '.compile-cache'), { recursive: true });
  const run = () => spawnSync(process.execPath, [join(cli, 'start.cjs'), '--version'], { encoding: 'utf8', env: cleanEnv({ NODE_DEBUG_NATIVE: 'COMPILE_CACHE' }) });
  const moved = run();
  assert.equal(moved.status, 0, moved.stderr);
  assert.match(moved.stdout, /^berth version \d/);
  assert.match(moved.stderr, /V8 code cache for CommonJS \S*berth\.cjs was accepted/, 'a copy at another path uses the shipped cache');
  // a bundle changed after the cache was written: its own code runs, the cache entry is refused
  const bundle = join(cli, 'berth.cjs');
  writeFileSync(bundle, readFileSync(bundle, 'utf8').replace(/berth version \$\{/, 'berth CHANGED version ${'));
  const changed = run();
  assert.equal(changed.status, 0, changed.stderr);
  assert.match(changed.stdout, /^berth CHANGED version \d/);
  assert.doesNotMatch(changed.stderr, /V8 code cache for CommonJS \S*berth\.cjs was accepted/);
});
