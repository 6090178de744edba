import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintDockerfile } from '../../src/lint/runner.js';
import { ALL_RULES, BUILDKIT_RULES, defaultLintConfig } from '../../src/lint/registry.js';
import { BERTH_RULES } from '../../src/lint/rules/berth/index.js';
import type { LintRule } from '../../src/lint/types.js';

/** BuildKit's checks only (berth's own rules have their tests in berth-rules.test.ts) unless a test names its rules. */
const lintBuildkit = (text: string, opts: Parameters<typeof lintDockerfile>[1]) => lintDockerfile(text, { rules: BUILDKIT_RULES, ...opts });
const codes = (text: string, opts: Parameters<typeof lintDockerfile>[1] = { file: 'Dockerfile' }): string[] =>
  lintBuildkit(text, opts).findings.map((f) => `${f.line}:${f.code}`);

const BAD = 'FROM scratch As Builder\nMAINTAINER me\nCMD echo hi\n';

test('the registry holds BuildKit\'s 21 checks and the berth list', () => {
  assert.equal(BUILDKIT_RULES.length, 21);
  assert.equal(new Set(BUILDKIT_RULES.map((r) => r.code)).size, 21);
  assert.deepEqual(ALL_RULES, [...BUILDKIT_RULES, ...BERTH_RULES]);
  for (const r of BUILDKIT_RULES) {
    assert.equal(r.origin, 'buildkit');
    assert.match(r.url!, /^https:\/\/docs\.docker\.com\/go\/dockerfile\/rule\/[a-z-]+\/$/);
  }
  assert.deepEqual(BUILDKIT_RULES.filter((r) => r.experimental).map((r) => r.code), ['InvalidDefinitionDescription']);
  assert.equal(defaultLintConfig().failureThreshold, 'warning');
});

test('findings come sorted by line with file, column, fix and URL', () => {
  const r = lintBuildkit(BAD, { file: 'sub/Dockerfile' });
  assert.equal(r.parseError, undefined);
  assert.deepEqual(r.findings.map((f) => `${f.line}:${f.code}`), ['1:StageNameCasing', '1:FromAsCasing', '2:MaintainerDeprecated', '3:JSONArgsRecommended']);
  const f = r.findings[0];
  assert.equal(f.file, 'sub/Dockerfile');
  assert.equal(f.column, 1);
  assert.equal(f.severity, 'warning');
  assert.equal(f.message, "Stage name 'Builder' should be lowercase");
  assert.equal(f.url, 'https://docs.docker.com/go/dockerfile/rule/stage-name-casing/');
  assert.ok(f.fix);
  assert.equal(r.failBuild, false);
});

test('# check=skip= drops the named checks, skip=all drops BuildKit\'s', () => {
  assert.deepEqual(codes('# check=skip=StageNameCasing,MaintainerDeprecated\n' + BAD), ['2:FromAsCasing', '4:JSONArgsRecommended']);
  assert.deepEqual(codes('# check=skip = FromAsCasing ; error=false\n' + BAD), ['2:StageNameCasing', '3:MaintainerDeprecated', '4:JSONArgsRecommended']);
  assert.deepEqual(codes('# check=skip=all\n' + BAD), []);
  // skip=all is BuildKit's directive: a berth rule still reports
  const own: LintRule = { code: 'BL9999', name: 'test', description: 'test', defaultSeverity: 'info', origin: 'berth', check: (_i, report) => report({ line: 2, message: 'own' }) };
  assert.deepEqual(codes('# check=skip=all\n' + BAD, { file: 'Dockerfile', rules: [...BUILDKIT_RULES, own] }), ['2:BL9999']);
});

test('# check=error=true marks the result to fail a build when there are findings', () => {
  const bad = lintBuildkit('# check=error=true\n' + BAD, { file: 'Dockerfile' });
  assert.equal(bad.check?.error, true);
  assert.equal(bad.failBuild, true);
  const good = lintBuildkit('# check=error=true\nFROM scratch AS base\nCMD ["x"]\n', { file: 'Dockerfile' });
  assert.deepEqual(good.findings, []);
  assert.equal(good.failBuild, false);
});

test('experimental checks run only when asked for', () => {
  const text = '# a comment that is not a description\nFROM scratch AS base\n';
  assert.deepEqual(codes(text), []);
  assert.deepEqual(codes('# check=experimental=InvalidDefinitionDescription\n' + text), ['3:InvalidDefinitionDescription']);
  assert.deepEqual(codes('# check=experimental=all\n' + text), ['3:InvalidDefinitionDescription']);
  assert.deepEqual(codes(text, { file: 'Dockerfile', config: { enabled: ['InvalidDefinitionDescription'] } }), ['2:InvalidDefinitionDescription']);
});

test('a check= comment right above an instruction skips checks for that instruction only', () => {
  const text = 'FROM scratch\n# check=skip=MaintainerDeprecated\nMAINTAINER a\nMAINTAINER b\n';
  assert.deepEqual(codes(text), ['4:MaintainerDeprecated']);
});

test('config: disabled, enabled and severities', () => {
  assert.deepEqual(codes(BAD, { file: 'Dockerfile', config: { disabled: ['FromAsCasing'] } }), ['1:StageNameCasing', '2:MaintainerDeprecated', '3:JSONArgsRecommended']);
  assert.deepEqual(codes(BAD, { file: 'Dockerfile', config: { enabled: ['MaintainerDeprecated'] } }), ['2:MaintainerDeprecated']);
  const r = lintBuildkit(BAD, { file: 'Dockerfile', config: { severities: { MaintainerDeprecated: 'error' } } });
  assert.equal(r.findings.find((f) => f.code === 'MaintainerDeprecated')?.severity, 'error');
});

test('a Dockerfile that does not parse gives the parser\'s message and line, no throw', () => {
  const r = lintBuildkit('FROM scratch\nRUN echo \\\nFOO bar\nBOGUS x\n', { file: 'Dockerfile' });
  assert.deepEqual(r.findings, []);
  assert.equal(r.parseError?.line, 4);
  assert.match(r.parseError!.message, /Dockerfile:4:1: unknown instruction: BOGUS/);
  const empty = lintBuildkit('# only a comment\n', { file: 'x/Dockerfile' });
  assert.match(empty.parseError!.message, /file with no instructions/);
  const heredoc = lintBuildkit('FROM scratch\nRUN <<EOF\necho\n', { file: 'Dockerfile' });
  assert.match(heredoc.parseError!.message, /unterminated heredoc/);
  assert.equal(heredoc.parseError!.line, 2);
  const noStage = lintBuildkit('RUN echo\n', { file: 'Dockerfile' });
  assert.match(noStage.parseError!.message, /no build stage/);
});

test('a bad check directive is reported like BuildKit\'s error', () => {
  const r = lintBuildkit('# check=skip\nFROM scratch\n', { file: 'Dockerfile' });
  assert.equal(r.parseError?.line, 1);
  assert.match(r.parseError!.message, /failed to parse check options: invalid check option "skip"/);
  const r2 = lintBuildkit('# check=error=maybe\nFROM scratch\n', { file: 'Dockerfile' });
  assert.match(r2.parseError!.message, /failed to parse check option "error=maybe"/);
  const r3 = lintBuildkit('# check=warn=true\nFROM scratch\n', { file: 'Dockerfile' });
  assert.match(r3.parseError!.message, /invalid check option "warn"/);
});

test('duplicate stage names are a finding, not a parse error', () => {
  assert.deepEqual(codes('FROM scratch AS a\nFROM scratch AS A\n'), ['2:StageNameCasing', '2:DuplicateStageName']);
});

test('a rule that throws does not lose the others', () => {
  const broken: LintRule = { code: 'BL0000', name: 'broken', description: 'x', defaultSeverity: 'info', origin: 'berth', check: () => { throw new Error('boom'); } };
  const r = lintBuildkit(BAD, { file: 'Dockerfile', rules: [broken, ...BUILDKIT_RULES] });
  assert.equal(r.findings.length, 4);
  assert.deepEqual(r.ruleErrors, [{ rule: 'BL0000', message: 'boom' }]);
});

test('CRLF files and a byte-order mark lint like plain files', () => {
  assert.deepEqual(codes('\uFEFFFROM scratch As Builder\r\nMAINTAINER me\r\n'), ['1:StageNameCasing', '1:FromAsCasing', '2:MaintainerDeprecated']);
});

test('the rules see the context: .dockerignore patterns, whether there is one, the build args', () => {
  const seen: unknown[] = [];
  const probe: LintRule = {
    code: 'BL9998', name: 'probe', description: 'x', defaultSeverity: 'info', origin: 'berth',
    check: (input) => { seen.push([input.hasDockerignore, input.ignorePatterns, input.isIgnored?.('node_modules/x'), input.buildArgs]); },
  };
  lintDockerfile('FROM scratch\n', { file: 'Dockerfile', rules: [probe], dockerignore: '# c\nnode_modules\n', buildArgs: { A: '1' } });
  lintDockerfile('FROM scratch\n', { file: 'Dockerfile', rules: [probe], hasDockerignore: false });
  lintDockerfile('FROM scratch\n', { file: 'Dockerfile', rules: [probe] });
  assert.deepEqual(seen, [[true, ['node_modules'], true, { A: '1' }], [false, undefined, undefined, {}], [undefined, undefined, undefined, {}]]);
});

test('a build checks the instructions of the stages its target needs only, as BuildKit dispatches them', () => {
  const text = 'ARG DEP=dep\nFROM scratch AS unused\nCMD echo a\nFROM scratch AS dep\nENV key value\nFROM scratch AS mounted\nWORKDIR rel\n'
    + 'FROM scratch\nCOPY --from=${DEP} /x /x\nRUN --mount=type=bind,from=mounted,target=/m true\n';
  const all = ['3:JSONArgsRecommended', '5:LegacyKeyValueFormat', '5:SecretsUsedInArgOrEnv', '7:WorkdirRelativePath'];
  assert.deepEqual(codes(text), all);
  assert.deepEqual(codes(text, { file: 'Dockerfile', stages: 'all' }), all);
  assert.deepEqual(codes(text, { file: 'Dockerfile', stages: {} }), all.slice(1));
  assert.deepEqual(codes(text, { file: 'Dockerfile', stages: { target: 'unused' } }), ['3:JSONArgsRecommended']);
  // the checks of FROM lines and names still look at every stage
  assert.deepEqual(codes('FROM scratch AS Unused\nFROM scratch\n', { file: 'Dockerfile', stages: {} }), ['1:StageNameCasing']);
});
