/** Profiles: --profile, COMPOSE_PROFILES, services named on the command line, `config --profiles`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allProfiles, withServicesEnabled } from '../../src/compose/loader/profiles.js';
import { load, projectDir } from './loader-helpers.js';

const file = [
  'services:',
  '  web:',
  '    image: busybox',
  '  debug:',
  '    image: busybox',
  '    profiles: [dev]',
  '    depends_on: [tools]',
  '  tools:',
  '    image: busybox',
  '    profiles: [dev, ops]',
  '  metrics:',
  '    image: busybox',
  '    profiles: [ops]',
  '',
].join('\n');

test('services without profiles are always on; a profile enables its services', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': file });
  let { project } = await load(dir);
  assert.deepEqual(Object.keys(project.services), ['web']);
  assert.deepEqual(Object.keys(project.disabledServices).sort(), ['debug', 'metrics', 'tools']);
  ({ project } = await load(dir, { profiles: ['ops'] }));
  assert.deepEqual(Object.keys(project.services).sort(), ['metrics', 'tools', 'web']);
  ({ project } = await load(dir, { env: { COMPOSE_PROFILES: 'dev,ops' } }));
  assert.deepEqual(Object.keys(project.services).sort(), ['debug', 'metrics', 'tools', 'web']);
  ({ project } = await load(dir, { profiles: ['*'] }));
  assert.equal(Object.keys(project.services).length, 4);
  assert.deepEqual(allProfiles(project), ['dev', 'ops']);
});

test('a service named on the command line is enabled with what it depends on', async (t) => {
  const dir = projectDir(t, { 'compose.yaml': file });
  const { project } = await load(dir);
  const enabled = withServicesEnabled(project, ['debug']);
  assert.deepEqual(Object.keys(enabled.services).sort(), ['debug', 'tools', 'web']);
  assert.deepEqual(Object.keys(enabled.disabledServices), ['metrics']);
});
