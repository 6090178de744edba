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
