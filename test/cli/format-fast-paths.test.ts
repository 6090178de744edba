/**
 * The CLI's output fast paths (issue 27, CLI start) print exactly what the general code prints:
 * templates of plain `{{.Field}}` actions, the tabwriter's width count, Go quoting and ellipsis.
 * Each is checked against a reference written the slow, obvious way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, ellipsis, renderItems } from '../../src/client/format/formatter.ts';
import { tabwrite } from '../../src/client/format/tabwriter.ts';
import { goQuote } from '../../src/client/format/printf.ts';
import { ContainerContext, CONTAINER_HEADERS } from '../../src/client/format/contexts.ts';
import { PS_DEFAULT_TABLE } from '../../src/cli/commands/containers.ts';

class Row {
  constructor(readonly Name: string, private readonly n: number) {}
  get Count(): number { return this.n; }
  Upper(): string { return this.Name.toUpperCase(); }
  Label(key: string): string { return `label:${key}`; }
}

test('plain-field templates: struct fields, getters and argument-less methods as before', () => {
  const r = new Row('web', 3);
  assert.equal(compile('{{.Name}}\t{{.Count}} {{.Upper}}!').execute(r), 'web\t3 WEB!');
  assert.equal(compile('just text').execute(r), 'just text');
  assert.equal(compile('{{.Name}}{{.Name}}').execute(r), 'webweb');
  // what the fast path leaves to the general executor keeps the executor's results and errors
  assert.throws(() => compile('{{.Nope}}').execute(r), /can't evaluate field Nope in type \*Row/);
  assert.throws(() => compile('{{.Label}}').execute(r), /wrong number of args for Label: want 1 got 0/);
  assert.equal(compile('{{.Label "x"}}').execute(r), 'label:x');
  assert.equal(compile('{{.Name}}').execute({ Name: 'map' }), 'map');
  assert.equal(compile('{{.Missing}}').execute({ Name: 'map' }), '<no value>');
  assert.equal(compile('{{.Name}}').execute(new Map([['Name', 'gomap']])), 'gomap');
  assert.throws(() => compile('{{.Name}}').execute('str'), /can't evaluate field Name in type string/);
  assert.equal(compile('{{.Count}} {{.Name}}').execute({ Count: undefined, Name: null }), '<no value> <nil>');
});

test('a getter runs once per row even when the row falls back to the general executor', () => {
  let calls = 0;
  class Counted { get A(): string { calls++; return 'a'; } }
  // the general executor evaluates A, then fails at B: A ran once, not once more by the fast path
  assert.throws(() => compile('{{.A}} {{.B}}').execute(new Counted()), /can't evaluate field B/);
  assert.equal(calls, 1);
  assert.equal(compile('{{.A}}').execute(new Counted()), 'a');
  assert.equal(calls, 2);
});

/** The reference: every code point counted by iteration. */
function refWidth(s: string): number { let n = 0; for (const _ of s) n++; return n; }

test('tabwriter: cells padded by code points (surrogate pairs once, lone surrogates once each)', () => {
  const cells = ['abc', 'é', '😀x', 'a\ud800b', 'a\udc00b', '\ud83d', '\ud83d\ude00\ud83d\ude00', ''];
  for (const c of cells) {
    const out = tabwrite(`${c}\tEND\n`, { minWidth: 0, padding: 1 });
    assert.equal(out, `${c}${' '.repeat(refWidth(c) + 1 - refWidth(c))}END\n`, JSON.stringify(c));
  }
  const table = tabwrite('NAME\tX\n😀😀😀😀😀😀😀😀😀😀😀\ty\nab\tz\n');
  assert.equal(table, 'NAME          X\n😀😀😀😀😀😀😀😀😀😀😀   y\nab            z\n');
});

test('goQuote and ellipsis: the shortcuts agree with the character walk', () => {
  assert.equal(goQuote('sleep 3600'), '"sleep 3600"');
  assert.equal(goQuote('say "hi"\\'), '"say \\"hi\\"\\\\"');
  assert.equal(goQuote('tab\tnl\n'), '"tab\\tnl\\n"');
  assert.equal(goQuote('\x7f\x1b'), '"\\x7f\\x1b"');
  assert.equal(goQuote('héllo'), '"héllo"');
  assert.equal(ellipsis('short', 20), 'short');
  assert.equal(ellipsis('exactly-twenty-chars', 20), 'exactly-twenty-chars');
  assert.equal(ellipsis('a string longer than twenty', 20), 'a string longer tha…');
  assert.equal(ellipsis('😀'.repeat(12), 12), '😀'.repeat(12));
  assert.equal(ellipsis('😀'.repeat(13), 12), '😀'.repeat(11) + '…');
});

test('ps table of many containers: the same bytes as the general executor gives', () => {
  const now = Date.UTC(2026, 0, 2);
  const list = Array.from({ length: 300 }, (_, i) => ({
    Id: `${i.toString(16).padStart(4, '0')}${'ab'.repeat(30)}`, Names: [`/c${i}`], Image: i % 3 ? 'busybox' : 'sha256:' + 'f'.repeat(64),
    ImageID: 'sha256:' + 'f'.repeat(64), Command: i % 2 ? 'sh -c "echo \\"hi\\""' : 'true', Created: now / 1000 - i * 97,
    Ports: i % 5 ? [] : [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8000 + i, Type: 'tcp' }], State: 'exited', Status: `Exited (${i % 3}) 2 minutes ago`,
  }));
  const rows = list.map((c) => new ContainerContext(c, true, now));
  const got = renderItems({ format: '', defaultTable: PS_DEFAULT_TABLE, headers: CONTAINER_HEADERS }, rows);
  // the reference: the same table inside {{if true}}…{{end}}, which only the general executor runs
  const wrapped = `table {{if true}}${PS_DEFAULT_TABLE.slice('table '.length)}{{end}}`;
  const ref = renderItems({ format: '', defaultTable: wrapped, headers: CONTAINER_HEADERS }, list.map((c) => new ContainerContext(c, true, now)));
  assert.equal(got, ref);
  assert.match(got.split('\n')[0], /^CONTAINER ID   IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$/);
  assert.equal(got.split('\n').length, 302);
});
