/**
 * `berth completion bash|zsh|fish`: the scripts parse in their shell, cover the whole command tree,
 * and complete commands, subcommands, flags and the names of a real daemon's objects (through the
 * hidden `berth __complete`, which never starts a daemon). zsh and fish are optional: their checks
 * skip, saying so, when the shell is not installed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BERTH_BIN, cleanEnv, runBerth, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { buildProgram } from '../../src/cli/main.js';
import { CliContext } from '../../src/cli/context.js';

let d: TestDaemon;
let dir: string;
const scripts: Record<string, string> = {};
before(async () => {
  d = await startDaemon();
  dir = mkdtempSync('/tmp/bt-compl-');
  await d.ok(['run', '-d', '--name', 'comp-alpha', 'busybox', 'sleep', '60']);
  await d.ok(['volume', 'create', 'comp-vol']);
  for (const sh of ['bash', 'zsh', 'fish']) {
    scripts[sh] = join(dir, `berth.${sh}`);
    writeFileSync(scripts[sh], await d.ok(['completion', sh]));
  }
});
after(async () => {
  await d?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function shellPath(name: string): string | undefined {
  return ['/usr/bin', '/bin', '/usr/local/bin'].map((p) => join(p, name)).find((p) => existsSync(p));
}

function sh(shell: string, args: string[], env: NodeJS.ProcessEnv = {}): { code: number; out: string; err: string } {
  const r = spawnSync(shell, args, { encoding: 'utf8', timeout: 30_000, env: cleanEnv(env) });
  return { code: r.status ?? 1, out: r.stdout ?? '', err: r.stderr ?? '' };
}

/** COMPREPLY of the bash function for a command line whose last word is being completed. */
function bashComplete(words: string[]): string[] {
  const quoted = [BERTH_BIN, ...words].map((w) => `'${w}'`).join(' ');
  const r = sh('bash', ['-c', `source '${scripts.bash}'; COMP_WORDS=(${quoted}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _berth; printf '%s\\n' "\${COMPREPLY[@]}"`]);
  assert.equal(r.code, 0, r.err);
  return r.out.split('\n').filter(Boolean);
}

test('bash: the script parses and completes commands, subcommands, flags and object names', () => {
  const n = sh('bash', ['-n', scripts.bash]);
  assert.equal(n.code, 0, n.err);
  const host = ['-H', `unix://${d.socket}`];
  assert.deepEqual(bashComplete(['contai']), ['container']);
  assert.deepEqual(bashComplete(['network', 'l']), ['ls', 'list']);
  assert.deepEqual(bashComplete(['ps', '--a']), ['--all', '--all-namespaces']);
  assert.ok(bashComplete(['run', '-']).includes('--volumes-from'));
  assert.deepEqual(bashComplete([...host, 'stop', 'comp-']), ['comp-alpha']);
  assert.deepEqual(bashComplete([...host, 'container', 'logs', '--tail', '5', 'comp']), ['comp-alpha'], 'a flag value is skipped');
  assert.deepEqual(bashComplete([...host, 'rmi', 'busy']), ['busybox:latest']);
  assert.deepEqual(bashComplete([...host, 'network', 'inspect', 'b']), ['bridge']);
  assert.deepEqual(bashComplete([...host, 'volume', 'rm', 'comp']), ['comp-vol']);
  assert.deepEqual(bashComplete([...host, 'run', '--network', 'h']), ['host']);
  assert.deepEqual(bashComplete([...host, 'rename', 'comp-alpha', 'x']), [], 'a new name is not completed');
});

test('the script covers every command of the program, but not the hidden __complete', () => {
  const text = sh('bash', ['-c', `source '${scripts.bash}'; echo "\${_berth_subs[berth]}"; echo "\${_berth_flags[berth_container_run]}"`]).out.split('\n');
  const top = new Set(text[0].split(' '));
  for (const c of buildProgram(new CliContext({})).commands) {
    if (c.name() === '__complete') assert.ok(!top.has(c.name()));
    else assert.ok(top.has(c.name()), `${c.name()} is completed`);
  }
  for (const f of ['-d', '--detach', '--name', '--rm', '--help']) assert.ok(text[1].split(' ').includes(f), f);
});

test('__complete lists names and never starts a daemon', async () => {
  assert.deepEqual((await d.ok(['__complete', 'volumes'])).split('\n').filter(Boolean), ['comp-vol']);
  assert.ok((await d.ok(['__complete', 'objects'])).split('\n').includes('comp-alpha'));
  const bad = await d.berth(['__complete', 'cats']);
  assert.equal(bad.code, 125);
  assert.match(bad.stderr, /unknown completion kind "cats"/);
  const socket = join(dir, 'none', 'berth.sock');
  const r = await runBerth(socket, ['__complete', 'containers'], { env: { BERTH_NO_AUTOSTART: '0' } });
  assert.notEqual(r.code, 0);
  assert.equal(r.stdout, '');
  assert.ok(!existsSync(join(dir, 'none')), 'no daemon was started');
});

test('completion without a shell prints its help; an unknown shell is an unknown command', async () => {
  const help = await d.berth(['completion']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage:\s+berth completion COMMAND/);
  assert.match(help.stdout, /bash .*\n.*fish .*\n.*zsh /s);
  const bad = await d.berth(['completion', 'tcsh']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /unknown command/);
});

test('zsh: the script parses (zsh -n) and its function offers a subcommand and a container name', (t) => {
  const zsh = shellPath('zsh');
  if (!zsh) { t.skip('zsh is not installed (apt-get install zsh)'); return; }
  const r = sh(zsh, ['-n', scripts.zsh]);
  assert.equal(r.code, 0, r.err);
  // outside compinit: compdef is a no-op and compadd prints what it is given (zsh itself filters by prefix)
  const offer = (words: string[]) => {
    const z = sh(zsh, ['-fc', `compdef() {}; compadd() { [[ $1 == -a ]] && print -l -- \${(P)2} || { shift; print -l -- "$@" } }
      source '${scripts.zsh}'; words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; _berth`], { PATH: `${dirname(BERTH_BIN)}:${process.env.PATH ?? ''}` });
    assert.equal(z.err, '');
    return z.out.split('\n').filter(Boolean);
  };
  assert.ok(offer(['berth', 'network', 'l']).includes('ls'));
  assert.deepEqual(offer(['berth', '-H', `unix://${d.socket}`, 'logs', '--tail', '5', '']), ['comp-alpha']);
});

test('fish: the script parses (fish -n) and completes a command and a container name', (t) => {
  const fish = shellPath('fish');
  if (!fish) { t.skip('fish is not installed (apt-get install fish)'); return; }
  const n = sh(fish, ['-n', scripts.fish]);
  assert.equal(n.code, 0, n.err);
  // `berth` as typed: the script calls back into the berth found on PATH
  const path = `${dirname(BERTH_BIN)}:${process.env.PATH ?? ''}`;
  const complete = (line: string) => sh(fish, ['-c', `source '${scripts.fish}'; complete -C '${line}'`], { PATH: path }).out.split('\n').filter(Boolean).map((l) => l.split('\t')[0]);
  assert.deepEqual(complete('berth contai'), ['container']);
  assert.deepEqual(complete('berth ps --a'), ['--all', '--all-namespaces']);
  assert.deepEqual(complete(`berth -H unix://${d.socket} stop comp-`), ['comp-alpha']);
});
