import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { buildProgram, REGISTRARS, registrarsFor } from '../../src/cli/main.js';
import { CliContext } from '../../src/cli/context.js';

const GROUPS = ['container', 'image', 'system'];

/** Every command path a program defines: top-level names, and "group sub" for the three groups. */
function paths(program: Command): Set<string> {
  const out = new Set<string>();
  for (const c of program.commands) {
    const names = [c.name(), ...c.aliases()];
    if (GROUPS.includes(c.name())) {
      for (const sub of c.commands) for (const n of [sub.name(), ...sub.aliases()]) out.add(`${c.name()} ${n}`);
    } else {
      for (const n of names) out.add(n);
    }
  }
  return out;
}

test('the registrar table names exactly the commands each registrar defines', () => {
  const ctx = new CliContext({});
  for (const r of REGISTRARS) {
    const program = new Command('berth').enablePositionalOptions();
    const groups = { container: program.command('container').enablePositionalOptions(), image: program.command('image'), system: program.command('system') };
    r.register(program, ctx, groups);
    assert.deepEqual([...paths(program)].sort(), [...r.commands].sort(), `registrar ${r.name}`);
  }
});

test('a command path builds only its registrars; the whole program has every command', () => {
  const ctx = new CliContext({});
  const all = paths(buildProgram(ctx));
  const listed = new Set(REGISTRARS.flatMap((r) => r.commands));
  for (const p of all) if (!['inspect', 'serve'].includes(p)) assert.ok(listed.has(p), `${p} is in the table`);
  assert.deepEqual(registrarsFor(['run']).map((r) => r.name), ['run']);
  assert.deepEqual(registrarsFor(['container', 'ls']).map((r) => r.name), ['containers']);
  assert.equal(registrarsFor(['nonsense']).length, REGISTRARS.length);
  const run = paths(buildProgram(ctx, ['run']));
  assert.ok(run.has('run') && run.has('inspect') && !run.has('ps'));
  // run's ~100 options are added once for `run`, and not at all for `start -a`
  assert.ok(!run.has('container run') && !run.has('create') && !run.has('start'));
  const start = paths(buildProgram(ctx, ['start']));
  assert.ok(start.has('start') && start.has('attach') && !start.has('run') && !start.has('create'));
});

test('a container command builds that command alone, at the top level and under container, with its aliases', () => {
  const ctx = new CliContext({});
  const containerPaths = (p: Set<string>) => [...p].filter((x) => x !== 'inspect' && x !== 'serve').sort();
  assert.deepEqual(containerPaths(paths(buildProgram(ctx, ['stop']))), ['container stop', 'stop']);
  assert.deepEqual(containerPaths(paths(buildProgram(ctx, ['exec']))), ['container exec', 'exec']);
  assert.deepEqual(containerPaths(paths(buildProgram(ctx, ['container', 'ls']))), ['container list', 'container ls', 'container ps', 'ps']);
  assert.deepEqual(containerPaths(paths(buildProgram(ctx, ['container', 'remove']))), ['container remove', 'container rm', 'rm']);
  assert.deepEqual(containerPaths(paths(buildProgram(ctx, ['container', 'prune']))), ['container prune']);
  assert.deepEqual(containerPaths(paths(buildProgram(ctx, ['container', 'inspect']))), ['container inspect']);
  assert.deepEqual(containerPaths(paths(buildProgram(ctx, ['pause']))), ['container pause', 'pause']);
  assert.deepEqual(containerPaths(paths(buildProgram(ctx, ['cp']))), ['container cp', 'cp']);
  // a path the table does not name (a group alone, an unknown subcommand) still gets every command
  const group = paths(buildProgram(ctx, ['container']));
  for (const p of ['container stop', 'container ls', 'container prune', 'stop', 'ps', 'logs']) assert.ok(group.has(p), p);
  const unknown = paths(buildProgram(ctx, ['container', 'nonsense']));
  assert.ok(unknown.has('container exec') && unknown.has('exec'));
});
