/** Interpolation: the substitution table, errors with file:line and key, unset warnings, typed casts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { substitute, MissingRequiredError, InvalidTemplateError } from '../../src/compose/loader/template.js';
import { load, loadError, projectDir } from './loader-helpers.js';

const vars: Record<string, string> = { SET: 'value', EMPTY: '', NUM: '3', OTHER: 'other' };
const lookup = (k: string) => vars[k];

test('substitution table', () => {
  const table: Array<[string, string]> = [
    ['plain', 'plain'],
    ['$SET', 'value'],
    ['${SET}', 'value'],
    ['a${SET}b', 'avalueb'],
    ['$SET-x', 'value-x'],
    ['${UNSET}', ''],
    ['$UNSET', ''],
    ['${UNSET:-dflt}', 'dflt'],
    ['${EMPTY:-dflt}', 'dflt'],
    ['${EMPTY-dflt}', ''],
    ['${UNSET-dflt}', 'dflt'],
    ['${SET:-dflt}', 'value'],
    ['${SET:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${UNSET+alt}', ''],
    ['${UNSET:-${OTHER}}', 'other'],
    ['${UNSET:-${ALSO_UNSET:-deep}}', 'deep'],
    ['${UNSET:-a ${SET} b}', 'a value b'],
    ['$$', '$'],
    ['$${SET}', '${SET}'],
    ['$$SET', '$SET'],
    ['cost: 5$', 'cost: 5$'],
    ['$1 and $ ', '$1 and $ '],
    ['${SET:?must}', 'value'],
    ['${EMPTY?must}', ''],
    ['${UNSET:-}', ''],
  ];
  for (const [input, want] of table) assert.equal(substitute(input, lookup), want, input);
});

test('required variables and invalid templates', () => {
  assert.throws(() => substitute('${UNSET:?is needed}', lookup), (e: Error) => e instanceof MissingRequiredError && e.message === 'required variable UNSET is missing a value: is needed');
  assert.throws(() => substitute('${EMPTY:?}', lookup), (e: Error) => e instanceof MissingRequiredError && e.message === 'required variable EMPTY is missing a value');
  assert.throws(() => substitute('${UNSET?x ${SET}}', lookup), /missing a value: x value/);
  assert.throws(() => substitute('${', lookup), InvalidTemplateError);
  assert.throws(() => substitute('${1abc}', lookup), InvalidTemplateError);
  assert.throws(() => substitute('${SET', lookup), InvalidTemplateError);
  const unset: string[] = [];
  substitute('$A ${B} ${C:-x} ${D-}', () => undefined, { onUnset: (n) => unset.push(n) });
  assert.deepEqual(unset, ['A', 'B']);
});

test('a file: values interpolated, keys not; unset warns once in compose v2 words; process env wins over .env', async (t) => {
  const dir = projectDir(t, {
    'compose.yaml': 'services:\n  web:\n    image: "busybox:${TAG}"\n    labels:\n      ${KEY}: "${MISSING}"\n      b: "${MISSING}"\n    environment:\n      FROM_DOTENV: ${DOT}\n',
    '.env': 'TAG=from-dotenv\nDOT=dot\n',
  });
  const { project, warnings } = await load(dir, { env: { TAG: 'from-process' } });
  const web = project.services.web!;
  assert.equal(web.image, 'busybox:from-process');
  assert.deepEqual(web.labels, { '${KEY}': '', b: '' });
  assert.equal(web.environment.FROM_DOTENV, 'dot');
  assert.deepEqual(warnings, ['The "MISSING" variable is not set. Defaulting to a blank string.']);
});

test('a missing required variable names the file, line, column and key', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': 'services:\n  web:\n    image: busybox\n    environment:\n      DB: ${DB_URL:?set DB_URL}\n' });
  const e = await loadError(dir);
  assert.equal((e as { code?: string }).code, 'ERR_COMPOSE_INTERPOLATION');
  assert.equal(e.message, `${dir}/compose.yaml:5:11: error while interpolating services.web.environment.DB: required variable DB_URL is missing a value: set DB_URL`);
});

test('an invalid template names the key and says how to escape', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': 'services:\n  web:\n    image: busybox\n    command: echo ${\n' });
  const e = await loadError(dir);
  assert.equal(e.code, 'ERR_COMPOSE_INTERPOLATION');
  assert.match(e.message, /compose\.yaml:4:14: invalid interpolation format for services\.web\.command\.\nYou may need to escape any \$ with another \$\.\necho \$\{/);
});

test('typed fields are cast after interpolation', async (t) => {
  const dir = projectDir(t, {
    'compose.yaml': 'services:\n  web:\n    image: busybox\n    tty: ${TTY}\n    deploy:\n      replicas: ${N}\n    ports:\n      - target: ${P}\n        published: "8080"\n',
  });
  const { project } = await load(dir, { env: { TTY: 'true', N: '3', P: '80' } });
  const web = project.services.web!;
  assert.equal(web.tty, true);
  assert.equal(web.deploy?.replicas, 3);
  assert.equal(web.ports[0]!.target, 80);
  const e = await loadError(dir, { env: { TTY: 'maybe', N: '3', P: '80' } });
  assert.match(e.message, /compose\.yaml:4:10: error while interpolating services\.web\.tty: failed to cast to expected type: invalid boolean: maybe/);
});

test('--no-interpolate keeps the variables as written', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': 'services:\n  web:\n    image: "busybox:${TAG:?required}"\n' });
  const { project } = await load(dir, { noInterpolate: true });
  assert.equal(project.services.web!.image, 'busybox:${TAG:?required}');
});
