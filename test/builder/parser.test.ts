import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDockerfile, dumpDockerfile } from '../../src/builder/parser/ast.js';
import { DockerfileError } from '../../src/builder/parser/errors.js';

const DIR = new URL('../../../shared/conformance/dockerfile-parser/', import.meta.url);
const index = JSON.parse(readFileSync(new URL('index.json', DIR), 'utf8')) as Array<{ name: string; dockerfile: string; result?: string; negative: boolean }>;

for (const c of index) {
  test(`conformance ${c.negative ? 'negative ' : ''}${c.name}`, () => {
    const text = readFileSync(new URL(c.dockerfile, DIR), 'utf8');
    if (c.negative) {
      assert.throws(() => parseDockerfile(text), DockerfileError);
      return;
    }
    const expected = readFileSync(new URL(c.result!, DIR), 'utf8');
    assert.equal(dumpDockerfile(parseDockerfile(text)), expected);
  });
}

test('line information', () => {
  const res = parseDockerfile(readFileSync(new URL('testfile-line/Dockerfile', DIR), 'utf8'));
  assert.equal(res.startLine, 5);
  assert.equal(res.endLine, 31);
  assert.deepEqual(res.children.map((n) => [n.startLine, n.endLine]), [[5, 5], [11, 12], [17, 31]]);
});

test('heredocs: several per instruction, chomp, quoted', () => {
  const res = parseDockerfile('FROM busybox\nRUN <<EOF cat - && cat <<-"END" >/x\necho $HOME\nEOF\n\tliteral $X\n\tEND\nRUN true\n');
  const run = res.children[1];
  assert.equal(run.heredocs.length, 2);
  assert.deepEqual(run.heredocs[0], { name: 'EOF', content: 'echo $HOME\n', expand: true, chomp: false, fd: 0 });
  assert.deepEqual(run.heredocs[1], { name: 'END', content: '\tliteral $X\n', expand: false, chomp: true, fd: 0 });
  assert.equal(res.children[2].startLine, 7);
});

test('errors name file, line and column', () => {
  assert.throws(() => parseDockerfile('FROM x\n  ENV PATH\n', 'ctx/Dockerfile'), (e: any) => {
    assert.match(e.message, /ctx\/Dockerfile:2:3/);
    assert.match(e.message, /ENV must have two arguments/);
    return true;
  });
  assert.throws(() => parseDockerfile('# escape=x\nFROM a\n'), /invalid escape token/);
  assert.throws(() => parseDockerfile('FROM a\nRUN <<EOF\nnever ends\n'), /:2:1: unterminated heredoc/);
});

test('directives and escape token', () => {
  const res = parseDockerfile('# syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN echo \\ `\n  b\n');
  assert.equal(res.directives.syntax, 'docker/dockerfile:1');
  assert.equal(res.directives.escape, '`');
  assert.equal(res.children[1].next[0].value, 'echo \\   b');
});
