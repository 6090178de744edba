/** `.berth-lint.yaml`, `--config`, `--strict`, `--no-shellcheck`, inline ignores and hadolint's codes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyConfig, applyInlineIgnores, canonicalCode, defaultLintConfig, failsThreshold, inlineIgnores, loadLintConfig, parseLintConfig,
} from '../../src/lint/config.js';
import { BerthError } from '../../src/common/errors.js';
import { berthFindings, lintInput, runRules } from './berth-rules-helper.js';
import { BERTH_RULES } from '../../src/lint/rules/berth/index.js';

const withDir = async (fn: (dir: string) => Promise<void>): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-lint-config-'));
  try { await fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
};

test('the defaults: nothing disabled, warnings fail, ShellCheck on', () => {
  const c = defaultLintConfig();
  assert.deepEqual(c, { disabled: [], severities: {}, trustedRegistries: [], failureThreshold: 'warning', shellcheck: true });
});

test('a config file: every key, hadolint codes mapped, hadolint override form', () => {
  const c = parseLintConfig([
    'ignored: [BL6003, DL3008, DL3015]',
    'severity:',
    '  BL1001: error',
    '  BL2002: off',
    '  sc2086: warning',
    'override:',
    '  style: [DL3009]',
    'trustedRegistries: [docker.io/library, registry.example.com:5000]',
    'failureThreshold: info',
    'shellcheck: false',
  ].join('\n'), '.berth-lint.yaml');
  assert.deepEqual(c.disabled.sort(), ['BL2002', 'BL3001', 'BL6003']);
  assert.deepEqual(c.severities, { BL1001: 'error', SC2086: 'warning', BL3002: 'style' });
  assert.deepEqual(c.trustedRegistries, ['docker.io/library', 'registry.example.com:5000']);
  assert.equal(c.failureThreshold, 'info');
  assert.equal(c.shellcheck, false);
  assert.deepEqual(parseLintConfig('enabled: [BL1001, StageNameCasing]\nfailure-threshold: none\n', 'x').enabled, ['BL1001', 'StageNameCasing']);
  assert.equal(canonicalCode('DL3008'), undefined, 'no berth rule pins apt versions');
  assert.equal(canonicalCode('DL3000'), 'WorkdirRelativePath');
});

test('a bad config is ERR_LINT_CONFIG naming the file and the setting', () => {
  const bad: Array<[string, RegExp]> = [
    ['ignored: BL1001', /"ignored" must be a list/],
    ['severity: {BL1001: fatal}', /severity\.BL1001.*not "fatal"/],
    ['failureThreshold: loud', /failureThreshold/],
    ['shellcheck: maybe', /"shellcheck" must be true or false/],
    ['trustedRegistries: ["not a registry!"]', /trustedRegistries/],
    ['colour: red', /unknown setting "colour"/],
    ['- just\n- a list', /must be a mapping/],
    ['ignored: [a\n  b: [', /not valid YAML/],
  ];
  for (const [text, re] of bad) {
    assert.throws(() => parseLintConfig(text, 'ctx/.berth-lint.yaml'), (e: unknown) => {
      assert.ok(e instanceof BerthError);
      assert.equal(e.code, 'ERR_LINT_CONFIG');
      assert.match(e.message, /ctx\/\.berth-lint\.yaml/);
      assert.match(e.message, re);
      return true;
    }, text);
  }
  assert.deepEqual(parseLintConfig('', 'x'), defaultLintConfig(), 'an empty file is the defaults');
});

test('loading: found in the context, --config wins, a missing --config fails, --strict and --no-shellcheck on top', async () => {
  await withDir(async (dir) => {
    assert.deepEqual((await loadLintConfig({ contextDir: dir })).config, defaultLintConfig());
    writeFileSync(join(dir, '.berth-lint.yaml'), 'ignored: [BL1001]\n');
    const found = await loadLintConfig({ contextDir: dir, strict: true, noShellcheck: true });
    assert.equal(found.file, join(dir, '.berth-lint.yaml'));
    assert.deepEqual(found.config.disabled, ['BL1001']);
    assert.equal(found.config.failureThreshold, 'style');
    assert.equal(found.config.shellcheck, false);
    writeFileSync(join(dir, 'other.yaml'), 'ignored: [BL2002]\n');
    assert.deepEqual((await loadLintConfig({ contextDir: dir, configPath: join(dir, 'other.yaml') })).config.disabled, ['BL2002']);
    await assert.rejects(loadLintConfig({ configPath: join(dir, 'missing.yaml') }), (e: BerthError) => e.code === 'ERR_LINT_CONFIG' && /missing\.yaml.*ENOENT/.test(e.message));
  });
});

test('the failure threshold decides the exit status; --strict fails on style', () => {
  const f = (severity: 'error' | 'warning' | 'info' | 'style') => [{ severity, code: 'BL1001', message: 'm', file: 'Dockerfile', line: 1, column: 1 }];
  assert.ok(failsThreshold(f('warning'), 'warning'));
  assert.ok(!failsThreshold(f('info'), 'warning'));
  assert.ok(failsThreshold(f('style'), 'style'));
  assert.ok(!failsThreshold(f('error'), 'none'));
  assert.ok(!failsThreshold([], 'style'));
});

test('applying the config: disabled and not-enabled codes go, severities change', () => {
  const text = 'FROM node\nRUN apt-get install -y curl\n';
  const all = berthFindings(text);
  assert.ok(all.some((f) => f.code === 'BL1001') && all.some((f) => f.code === 'BL3001'));
  const cfg = parseLintConfig('ignored: [DL3015]\nseverity: {BL1001: error}\n', 'x');
  const out = applyConfig(cfg, all);
  assert.ok(!out.some((f) => f.code === 'BL3001'));
  assert.equal(out.find((f) => f.code === 'BL1001')?.severity, 'error');
  assert.deepEqual(applyConfig(parseLintConfig('enabled: [BL1001]', 'x'), all).map((f) => f.code), ['BL1001']);
});

test('inline ignores: berth-ignore and hadolint ignore above an instruction, file-wide forms', () => {
  const text = [
    'FROM node:20',                                        // 1
    '# berth-ignore=BL3001, BL3002',                       // 2
    'RUN apt-get update && \\',                            // 3
    '    apt-get install -y curl',                         // 4
    '# hadolint ignore=DL3015,SC2086',                     // 5
    '# another comment',                                   // 6
    'RUN apt-get install -y wget && rm -rf /var/lib/apt/lists/*', // 7
    '',                                                    // 8
    'RUN apt-get install -y git',                          // 9
    'USER node',                                           // 10
  ].join('\n');
  const input = lintInput(text);
  const all = runRules(BERTH_RULES, input);
  const ign = inlineIgnores(input.lines, input.ast.children);
  const kept = applyInlineIgnores(ign, all).map((f) => `${f.code}@${f.line}`);
  assert.ok(all.some((f) => f.code === 'BL3001' && f.line === 4));
  assert.ok(!kept.includes('BL3001@4') && !kept.includes('BL3002@4'), 'ignored on a continuation line of the instruction below the comment');
  assert.ok(!kept.includes('BL3001@7'), 'hadolint DL3015 = BL3001');
  assert.ok(kept.includes('BL3001@9') && kept.includes('BL3002@9'), 'the next instruction is not covered');
  assert.deepEqual(berthFindings(text).map((f) => `${f.code}@${f.line}`).sort(), [...kept].sort(), 'the runner applies them');
  const sc = applyInlineIgnores(ign, [{ code: 'SC2086', severity: 'info', message: 'm', file: 'Dockerfile', line: 7, column: 5 }]);
  assert.deepEqual(sc, []);
  const global = lintInput('# hadolint global ignore=DL3015\nFROM debian:12\nRUN apt-get install -y x\n');
  const kept2 = applyInlineIgnores(inlineIgnores(global.lines, global.ast.children), runRules(BERTH_RULES, global)).map((f) => f.code);
  assert.ok(!kept2.includes('BL3001') && kept2.includes('BL3002'));
});
