/** Compose's .env grammar, and where env files come from (.env, --env-file, COMPOSE_ENV_FILES, env_file:). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDotenv } from '../../src/compose/loader/dotenv.js';
import { load, loadError, projectDir } from './loader-helpers.js';

test('dotenv grammar', () => {
  const src = [
    '# a comment',
    '',
    'PLAIN=value',
    'SPACED = spaced value   ',
    'export EXPORTED=yes',
    'INLINE=before # a comment',
    'HASH=a#b',
    "SINGLE='literal ${PLAIN} \\n'",
    'DOUBLE="tab\\there \\"quoted\\" ${PLAIN}"',
    'ESCDOLLAR="\\$PLAIN"',
    'MULTI="line1',
    'line2"',
    "MULTI_SINGLE='a",
    "b'",
    'EXPANDED=${PLAIN}-${FROM_ENV}',
    'DEFAULTED=${NOPE:-fallback}',
    'COLON: yaml-like',
    'EMPTY=',
    'EQUALS=a=b=c',
    'INHERITED',
    'NOT_IN_ENV',
    'DOTTED.KEY=ok',
    'QUOTED_TRAILING="v" # comment',
  ].join('\n');
  const env = parseDotenv(src, (k) => ({ FROM_ENV: 'env', INHERITED: 'inherited' } as Record<string, string>)[k]);
  assert.deepEqual(env, {
    PLAIN: 'value',
    SPACED: 'spaced value',
    EXPORTED: 'yes',
    INLINE: 'before',
    HASH: 'a#b',
    SINGLE: 'literal ${PLAIN} \\n',
    DOUBLE: 'tab\there "quoted" value',
    ESCDOLLAR: '$PLAIN',
    MULTI: 'line1\nline2',
    MULTI_SINGLE: 'a\nb',
    EXPANDED: 'value-env',
    DEFAULTED: 'fallback',
    COLON: 'yaml-like',
    EMPTY: '',
    EQUALS: 'a=b=c',
    INHERITED: 'inherited',
    'DOTTED.KEY': 'ok',
    QUOTED_TRAILING: 'v',
  });
});

test('dotenv errors name the line', () => {
  assert.throws(() => parseDotenv('OK=1\nBAD KEY=1\n'), /line 2: key cannot contain a space/);
  assert.throws(() => parseDotenv('A="unterminated\n'), /line 1: unterminated quoted value/);
  assert.throws(() => parseDotenv('A$B=1'), /line 1: unexpected character "\$" in variable name/);
});

test('--env-file (several, later wins) replaces .env; COMPOSE_ENV_FILES too; a missing one is an error', async (t) => {
  const dir = projectDir(t, {
    'compose.yaml': 'services:\n  web:\n    image: "busybox:${TAG}"\n    labels: ["a=${A}"]\n',
    '.env': 'TAG=dotenv\nA=dotenv\n',
    'one.env': 'TAG=one\nA=one\n',
    'two.env': 'TAG=two\n',
  });
  let { project } = await load(dir, { envFiles: ['one.env', 'two.env'] });
  assert.equal(project.services.web!.image, 'busybox:two');
  assert.equal(project.services.web!.labels.a, 'one');
  ({ project } = await load(dir, { env: { COMPOSE_ENV_FILES: 'one.env' } }));
  assert.equal(project.services.web!.image, 'busybox:one');
  ({ project } = await load(dir));
  assert.equal(project.services.web!.image, 'busybox:dotenv');
  const e = await loadError(dir, { envFiles: ['nope.env'] });
  assert.equal(e.code, 'ERR_COMPOSE_ENV_FILE');
  assert.equal(e.message, `couldn't find env file: ${dir}/nope.env`);
});

test('service env_file: string, list, {path, required, format}; environment wins; a missing required file fails', async (t) => {
  const dir = projectDir(t, {
    'compose.yaml': [
      'services:',
      '  a:',
      '    image: busybox',
      '    env_file: a.env',
      '    environment: [OVER=service, FROM_PROJECT, UNSET_ONE]',
      '  b:',
      '    image: busybox',
      '    env_file:',
      '      - a.env',
      '      - path: raw.env',
      '        format: raw',
      '      - path: optional.env',
      '        required: false',
      '  c:',
      '    image: busybox',
      '    env_file: [missing.env]',
      '',
    ].join('\n'),
    'a.env': 'X=1\nOVER=file\nUSES=${PROJECT_VAR}\n',
    'raw.env': 'R="kept quotes" ${NOT_EXPANDED}\n',
    '.env': 'PROJECT_VAR=pv\nFROM_PROJECT=fp\n',
  });
  const e = await loadError(dir);
  assert.equal(e.code, 'ERR_COMPOSE_ENV_FILE');
  assert.match(e.message, new RegExp(`env file ${dir}/missing.env not found`));

  const ok = projectDir(t, {
    'compose.yaml': 'services:\n  a:\n    image: busybox\n    env_file: a.env\n    environment: [OVER=service, FROM_PROJECT, UNSET_ONE]\n  b:\n    image: busybox\n    env_file:\n      - a.env\n      - path: raw.env\n        format: raw\n      - path: optional.env\n        required: false\n',
    'a.env': 'X=1\nOVER=file\nUSES=${PROJECT_VAR}\n',
    'raw.env': 'R="kept quotes" ${NOT_EXPANDED}\n',
    '.env': 'PROJECT_VAR=pv\nFROM_PROJECT=fp\n',
  });
  const { project } = await load(ok);
  assert.deepEqual(project.services.a!.environment, { X: '1', OVER: 'service', USES: 'pv', FROM_PROJECT: 'fp', UNSET_ONE: null });
  assert.deepEqual(project.services.b!.environment, { X: '1', OVER: 'file', USES: 'pv', R: '"kept quotes" ${NOT_EXPANDED}' });
  assert.deepEqual(project.services.b!.env_file, [
    { path: `${ok}/a.env`, required: true }, { path: `${ok}/raw.env`, required: true, format: 'raw' }, { path: `${ok}/optional.env`, required: false },
  ]);
});
