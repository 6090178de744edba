import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { imageEnv, buildTar, streamOf } from './helpers.js';
import { importImage, applyChanges } from '../../src/image/import-export.js';
import { ArchiveError, InvalidArgumentError } from '../../src/common/errors.js';

test('import a gzip rootfs with --change, message and tag; emits import', async (t) => {
  const env = await imageEnv(t);
  const tarBuf = await buildTar([{ name: 'etc/', type: 'directory' }, { name: 'etc/motd', body: 'welcome' }]);
  const img = await importImage(env.images, streamOf(gzipSync(tarBuf)), {
    ref: 'example.com/imp:v1', message: 'from a test',
    changes: ['CMD ["/bin/app", "-x"]', 'ENV A=1 B="two words"', 'EXPOSE 80 53/udp', 'LABEL team=red', 'WORKDIR /srv', 'USER nobody',
      'VOLUME /data', 'STOPSIGNAL SIGINT', 'ONBUILD RUN echo hi'],
  });
  const ins = env.images.inspect('example.com/imp:v1');
  assert.equal(ins.Id, img.id);
  assert.equal(ins.Comment, 'from a test');
  assert.deepEqual(ins.Config.Cmd, ['/bin/app', '-x']);
  assert.deepEqual(ins.Config.Env, ['A=1', 'B=two words']);
  assert.deepEqual(ins.Config.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  assert.deepEqual(ins.Config.Labels, { team: 'red' });
  assert.equal(ins.Config.WorkingDir, '/srv');
  assert.equal(ins.Config.User, 'nobody');
  assert.deepEqual(ins.Config.Volumes, { '/data': {} });
  assert.equal(ins.Config.StopSignal, 'SIGINT');
  assert.deepEqual(ins.Config.OnBuild, ['RUN echo hi']);
  const h = env.images.history(img.id);
  assert.equal(h.length, 1);
  assert.equal(h[0].Comment, 'from a test');
  assert.equal(h[0].CreatedBy, '');
  assert.equal(readFileSync(join(env.layers.get(img.topChainId!)!.dir, 'etc/motd'), 'utf8'), 'welcome');
  const imp = env.seen.find((e) => e.Action === 'import');
  assert.ok(imp && imp.Actor.ID === img.id && imp.Actor.Attributes.name === img.id && imp.Actor.Attributes.team === 'red');
});

test('applyChanges: shell forms, entrypoint resets cmd, errors', () => {
  assert.deepEqual(applyChanges({}, ['CMD echo $HOME']).Cmd, ['/bin/sh', '-c', 'echo $HOME']);
  assert.deepEqual(applyChanges({ Cmd: ['x'] }, ['ENTRYPOINT ["/e"]']), { Cmd: null, Entrypoint: ['/e'] });
  assert.deepEqual(applyChanges({}, ['CMD ["c"]', 'entrypoint /e --flag']), { Cmd: ['c'], Entrypoint: ['/bin/sh', '-c', '/e --flag'] });
  assert.deepEqual(applyChanges({ Env: ['A=0', 'C=3'] }, ['ENV A 1 2']).Env, ['C=3', 'A=1 2']);
  assert.equal(applyChanges({ WorkingDir: '/a' }, ['WORKDIR b', 'WORKDIR ../c']).WorkingDir, '/a/c');
  assert.deepEqual(Object.keys(applyChanges({}, ['EXPOSE 8000-8002']).ExposedPorts), ['8000/tcp', '8001/tcp', '8002/tcp']);
  assert.deepEqual(applyChanges({}, ['VOLUME ["/a", "/b"]']).Volumes, { '/a': {}, '/b': {} });
  assert.deepEqual(applyChanges({ Env: ['PATH=/bin'] }, ['ENV PATH=$PATH:/opt/bin X=${UNSET:-dflt} Y=\'$PATH\'']).Env, ['PATH=/bin:/opt/bin', 'X=dflt', "Y=$PATH"]);
  assert.equal(applyChanges({ Env: ['D=/data'] }, ['WORKDIR ${D}/app']).WorkingDir, '/data/app');
  assert.deepEqual(applyChanges({ Env: ['V=1.0'] }, ['LABEL version="$V" other=x']).Labels, { version: '1.0', other: 'x' });
  assert.throws(() => applyChanges({}, ['RUN echo']), (e: unknown) => e instanceof InvalidArgumentError && e.message === 'run is not a valid change command');
  assert.throws(() => applyChanges({}, ['EXPOSE abc']), InvalidArgumentError);
  assert.throws(() => applyChanges({}, ['ONBUILD ONBUILD RUN x']), InvalidArgumentError);
});

test('a hostile import leaves no image row, no blob and no layer behind', async (t) => {
  const env = await imageEnv(t);
  const hostile = await buildTar([{ name: 'ok.txt', body: 'x'.repeat(100_000) }, { name: '../../escape.txt', body: 'evil' }]);
  await assert.rejects(importImage(env.images, streamOf(hostile), { ref: 'evil' }), ArchiveError);
  assert.equal(env.images.list().length, 0);
  assert.deepEqual(await env.content.list(), []);
  assert.deepEqual(readdirSync(env.content.ingestDir), []);
  assert.deepEqual(env.layers.list(), []);
  // not a tar at all
  await assert.rejects(importImage(env.images, streamOf(Buffer.from('this is not a tar archive, just text'.repeat(30))), {}));
  assert.equal(env.images.list().length, 0);
  assert.deepEqual(await env.content.list(), []);
  // invalid ref and change are refused before reading
  await assert.rejects(importImage(env.images, streamOf(hostile), { ref: 'Bad:Ref' }), InvalidArgumentError);
  await assert.rejects(importImage(env.images, streamOf(hostile), { changes: ['ADD . /'] }), /add is not a valid change command/);
});
