/** Which files make the project, and its name and directory. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { load, loadError, projectDir } from './loader-helpers.js';

const svc = (image: string) => `services:\n  web:\n    image: ${image}\n`;

test('default names are searched upwards from cwd, with the override file next to them', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': svc('base'), 'compose.override.yaml': svc('overridden'), 'deep/er/.keep': '' });
  const { project } = await load(join(dir, 'deep', 'er'));
  assert.deepEqual(project.configFiles, [join(dir, 'compose.yaml'), join(dir, 'compose.override.yaml')]);
  assert.equal(project.workingDir, dir);
  assert.equal(project.services.web!.image, 'overridden');
});

test('compose.yaml is preferred over docker-compose.yml, with a warning naming both', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': svc('new'), 'docker-compose.yml': svc('old') });
  const { project, warnings } = await load(dir);
  assert.equal(project.services.web!.image, 'new');
  assert.match(warnings[0]!, /Found multiple config files with supported names: .*compose\.yaml, .*docker-compose\.yml\nUsing .*compose\.yaml/);
});

test('-f files are merged in order; the project directory is the first file\'s', async (t) => {
  const dir = projectDir(t, { 'a/one.yaml': svc('one'), 'b/two.yaml': 'services:\n  web:\n    labels: [x=y]\n' });
  const { project } = await load(dir, { files: ['a/one.yaml', 'b/two.yaml'] });
  assert.equal(project.workingDir, join(dir, 'a'));
  assert.equal(project.services.web!.image, 'one');
  assert.deepEqual(project.services.web!.labels, { x: 'y' });
  const { project: p2 } = await load(dir, { files: ['a/one.yaml'], projectDirectory: 'b' });
  assert.equal(p2.workingDir, join(dir, 'b'));
});

test('COMPOSE_FILE with COMPOSE_PATH_SEPARATOR, also from .env', async (t) => {
  const dir = projectDir(t, { 'x.yaml': svc('x'), 'y.yaml': 'services:\n  web:\n    image: y\n', '.env': 'COMPOSE_FILE=x.yaml\n' });
  let { project } = await load(dir, { env: { COMPOSE_FILE: 'x.yaml;y.yaml', COMPOSE_PATH_SEPARATOR: ';' } });
  assert.equal(project.services.web!.image, 'y');
  ({ project } = await load(dir));
  assert.deepEqual(project.configFiles, [join(dir, 'x.yaml')]);
});

test('no file: compose v2\'s message and exit code 14; a missing -f file too', async (t) => {
  const dir = projectDir(t, { 'empty/.keep': '' });
  mkdirSync(join(dir, 'empty'), { recursive: true });
  let e = await loadError(join(dir, 'empty'));
  // the temp folder's parents hold no compose file either
  assert.equal(e.message, 'no configuration file provided: not found');
  assert.equal(e.code, 'ERR_COMPOSE_NO_FILE');
  assert.equal(e.exitCode, 14);
  e = await loadError(dir, { files: ['nope.yaml'] });
  assert.equal(e.message, `open ${join(dir, 'nope.yaml')}: no such file or directory`);
  assert.equal(e.exitCode, 14);
});

test('project name: -p > COMPOSE_PROJECT_NAME > name: > directory; normalised; invalid explicit names refused', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': 'name: "From_File ${SUFFIX}"\n' + svc('busybox') }, 'My.Project_Dir');
  assert.equal((await load(dir, { projectName: 'cli' })).project.name, 'cli');
  assert.equal((await load(dir, { env: { COMPOSE_PROJECT_NAME: 'fromenv' } })).project.name, 'fromenv');
  assert.equal((await load(dir, { env: { SUFFIX: 'X' } })).project.name, 'from_filex');
  const nameless = projectDir(t, { 'compose.yaml': svc('busybox') }, 'My.Project_Dir');
  const { project } = await load(nameless);
  assert.equal(project.name, 'myproject_dir');
  assert.equal(project.networks.default!.name, 'myproject_dir_default');
  const e = await loadError(dir, { projectName: 'Bad Name' });
  assert.equal(e.message, 'invalid project name "Bad Name": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number');
  const e2 = await loadError(dir, { env: { COMPOSE_PROJECT_NAME: '_x' } });
  assert.match(e2.message, /invalid project name "_x"/);
});

test('${COMPOSE_PROJECT_NAME} in the file is the project name', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': 'services:\n  web:\n    image: busybox\n    container_name: ${COMPOSE_PROJECT_NAME}-web\n' }, 'named');
  assert.equal((await load(dir)).project.services.web!.container_name, 'named-web');
});

test('-f - reads the file from stdin; the project directory is the working directory', async (t) => {
  const { Readable } = await import('node:stream');
  const dir = projectDir(t, { '.env': 'TAG=from-dotenv\n', 'e.env': 'E=1\n' });
  const stdin = Readable.from([Buffer.from('services:\n  web:\n    image: "busybox:${TAG}"\n    env_file: e.env\n')]);
  const { project } = await load(dir, { files: ['-'], stdin });
  assert.equal(project.workingDir, dir);
  assert.deepEqual(project.configFiles, ['-']);
  assert.equal(project.services.web!.image, 'busybox:from-dotenv');
  assert.equal(project.services.web!.environment.E, '1');
});

test('the obsolete `version` attribute warns as compose v2 does and is not printed', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': 'version: "3.8"\nservices:\n  web:\n    image: busybox\n' });
  const { warnings } = await load(dir);
  assert.deepEqual(warnings, [`${dir}/compose.yaml: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`]);
});

test('a bad variable in name: is an interpolation error with its place', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': 'name: ${PROJ:?name it}\nservices:\n  web:\n    image: busybox\n' });
  const e = await loadError(dir);
  assert.equal(e.code, 'ERR_COMPOSE_INTERPOLATION');
  assert.equal(e.message, `${dir}/compose.yaml:1:7: error while interpolating name: required variable PROJ is missing a value: name it`);
  assert.equal((await load(dir, { env: { PROJ: 'given' } })).project.name, 'given');
});
