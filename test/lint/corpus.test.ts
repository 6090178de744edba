/**
 * The lint corpus: berth's own rules over Dockerfiles with known findings, so that each rule fires where it
 * should and nowhere else ("no rule fires on a file that is correct for it").
 *
 * - test/lint/corpus/*.Dockerfile: `# expect: CODE[, CODE]` in the comment block right above an
 *   instruction lists the berth findings on that instruction (a finding on any line of a multi-line
 *   instruction counts for its first line); a file without any is clean. A first-line
 *   `# corpus: {"hasDockerignore": false, "config": {...}}` sets what a context would.
 * - the real Dockerfiles of the parser conformance data (../shared/conformance/dockerfile-parser), read in
 *   place, with their findings recorded in corpus/conformance.expected.json ("parse error" for those the
 *   builder refuses).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parseDockerfile } from '../../src/builder/parser/ast.js';
import { lintDockerfile } from '../../src/lint/runner.js';
import { BERTH_RULES } from '../../src/lint/rules/berth/index.js';
import { defaultLintConfig } from '../../src/lint/registry.js';
import type { LintConfig, LintFinding } from '../../src/lint/types.js';

const CORPUS = new URL('./corpus/', import.meta.url);
const CONFORMANCE = new URL('../../../shared/conformance/dockerfile-parser/', import.meta.url);

/** Findings as `CODE@line`, each at the first line of its instruction. */
function atInstructions(text: string, findings: LintFinding[]): string[] {
  const nodes = parseDockerfile(text).children;
  return findings.map((f) => `${f.code}@${nodes.find((n) => n.startLine <= f.line && f.line <= n.endLine)?.startLine ?? f.line}`).sort();
}

function expected(text: string): string[] {
  const lines = text.split('\n');
  const out: string[] = [];
  lines.forEach((l, i) => {
    const m = /^#\s*expect:\s*(.+)$/.exec(l.trim());
    if (!m) return;
    let j = i + 1;
    while (j < lines.length && /^\s*(#.*)?$/.test(lines[j])) j++;
    for (const code of m[1].split(/[\s,]+/).filter(Boolean)) out.push(`${code}@${j + 1}`);
  });
  return out.sort();
}

function lint(text: string, file: string, opts: { hasDockerignore?: boolean; config?: Partial<LintConfig> } = {}) {
  return lintDockerfile(text, {
    file, rules: BERTH_RULES, config: { ...defaultLintConfig(), ...opts.config },
    ...(opts.hasDockerignore !== undefined ? { hasDockerignore: opts.hasDockerignore } : {}),
  });
}

const own = readdirSync(CORPUS).filter((f) => f.endsWith('.Dockerfile')).sort();
const conformanceExpected: Record<string, Array<[string, number]> | 'parse error'> = JSON.parse(readFileSync(new URL('conformance.expected.json', CORPUS), 'utf8'));

test('the corpus has at least 60 Dockerfiles, good and bad, and covers every rule', () => {
  assert.ok(own.length + Object.keys(conformanceExpected).length >= 60, `${own.length} + ${Object.keys(conformanceExpected).length}`);
  const clean = own.filter((f) => expected(readFileSync(new URL(f, CORPUS), 'utf8')).length === 0);
  assert.ok(clean.length >= 10, `clean files: ${clean.length}`);
  const seen = new Set(own.flatMap((f) => expected(readFileSync(new URL(f, CORPUS), 'utf8')).map((e) => e.split('@')[0])));
  for (const r of BERTH_RULES) assert.ok(seen.has(r.code), `${r.code} is expected somewhere in the corpus`);
});

for (const name of own) {
  test(`corpus ${name}`, () => {
    const text = readFileSync(new URL(name, CORPUS), 'utf8');
    const header = /^# corpus: (\{.*\})$/m.exec(text.split('\n')[0]);
    const opts = header ? JSON.parse(header[1]) : {};
    const r = lint(text, name, opts);
    assert.equal(r.parseError, undefined);
    assert.equal(r.ruleErrors, undefined);
    assert.deepEqual(atInstructions(text, r.findings), expected(text));
  });
}

test('the parser conformance Dockerfiles: recorded findings, parse errors reported not thrown', () => {
  const dirs = ['testfiles', 'testfiles-negative'].flatMap((d) => readdirSync(new URL(`${d}/`, CONFORMANCE)).map((x) => `${d}/${x}`));
  dirs.push('testfile-line');
  assert.deepEqual(dirs.sort(), Object.keys(conformanceExpected).sort(), 'every conformance Dockerfile has its expectation');
  for (const d of dirs) {
    const text = readFileSync(new URL(`${d}/Dockerfile`, CONFORMANCE), 'utf8');
    const r = lint(text, d);
    const want = conformanceExpected[d];
    if (want === 'parse error') {
      assert.ok(r.parseError && r.parseError.message.length > 0, d);
      continue;
    }
    assert.equal(r.parseError, undefined, d);
    assert.deepEqual(atInstructions(text, r.findings), want.map(([c, l]) => `${c}@${l}`).sort(), d);
  }
});
