/**
 * watch against a real `berth serve`: containers made from plans, watchProject running in this process
 * (bounded), files changed on the host → copied in, deleted, the container restarted, a command run,
 * and a rebuild rule → a new container from a new image. The rebuild's build and recreate are done here
 * through the API (POST /build, then plans), standing in for `compose up`'s.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as tar from 'tar-stream';
import { EngineClient, readBody } from '../../src/client/engine-client.js';
import { containerPlan } from '../../src/compose/convert/container.js';
import type { Project } from '../../src/compose/model.js';
import { watchProject } from '../../src/compose/ops/watch.js';
import { execToEnd, serviceContainers } from '../../src/compose/ops/watch-sync.js';
import { startDaemon } from '../helpers/daemon.js';
import { eventually } from '../compat/helpers.js';
import { project, service } from './convert-fixtures.js';

function contextTar(dir: string): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((res, rej) => { pack.on('data', (c) => chunks.push(c as Buffer)); pack.on('end', () => res(Buffer.concat(chunks))); pack.on('error', rej); });
  const walk = (p: string) => {
    for (const n of readdirSync(p)) {
      const f = join(p, n);
      if (statSync(f).isDirectory()) walk(f);
      else pack.entry({ name: relative(dir, f), mode: 0o644 }, readFileSync(f));
    }
  };
  walk(dir);
  pack.finalize();
  return done;
}

async function build(client: EngineClient, p: Project, name: string): Promise<void> {
  const s = p.services[name];
  const res = await client.request('POST', '/build', { query: { t: `${p.name}-${name}`, rm: 1 }, body: await contextTar(s.build!.context), contentType: 'application/x-tar' });
  const text = (await readBody(res)).toString();
  const err = text.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((m) => m.error);
  if (err) throw new Error(err.error);
}

async function createAndStart(client: EngineClient, p: Project, name: string): Promise<string> {
  const plan = containerPlan(p, p.services[name], { number: 1, apiVersion: client.apiVersion });
  const { Id } = await client.json('POST', '/containers/create', { query: { name: plan.name }, body: plan.body });
  await client.call('POST', `/containers/${Id}/start`);
  return Id;
}

async function cat(client: EngineClient, id: string, path: string): Promise<string | undefined> {
  const r = await execToEnd(client, id, ['cat', path]);
  return r.exitCode === 0 ? r.output : undefined;
}

test('watch: sync, delete, sync+restart, sync+exec and rebuild on a running project', { timeout: 240_000 }, async (t) => {
  const d = await startDaemon();
  const dir = realpathSync(mkdtempSync('/tmp/bt-watch-'));
  t.after(async () => { await d.cleanup(); rmSync(dir, { recursive: true, force: true }); });
  const client = new EngineClient(d.socket);
  t.after(() => client.close());
  await client.ping();
  assert.equal((await client.call('POST', '/images/create', { query: { fromImage: 'busybox', tag: 'latest' } })).status, 200);

  for (const sub of ['src', 'conf', 'hooks', 'app']) mkdirSync(join(dir, sub));
  writeFileSync(join(dir, 'src/index.txt'), 'v1\n');
  writeFileSync(join(dir, 'conf/app.conf'), 'a=1\n');
  writeFileSync(join(dir, 'app/Dockerfile'), 'FROM busybox\nCOPY msg.txt /msg.txt\n');
  writeFileSync(join(dir, 'app/msg.txt'), 'first build\n');
  const loop = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'];
  const web = service('web', {
    image: 'busybox',
    command: loop,
    networks: undefined,
    develop: { watch: [
      { path: join(dir, 'src'), action: 'sync', target: '/app/src', ignore: ['*.tmp'] },
      { path: join(dir, 'conf'), action: 'sync+restart', target: '/etc/app' },
      { path: join(dir, 'hooks'), action: 'sync+exec', target: '/app/hooks', exec: { command: ['sh', '-c', 'ls /app/hooks > /app/hooks-ran; echo hook ran'] } } as never,
    ] },
  });
  const app = service('app', { build: { context: join(dir, 'app') }, command: loop, networks: undefined, develop: { watch: [{ path: join(dir, 'app'), action: 'rebuild' }] } });
  const p = project([web, app], { workingDir: dir, networks: {} });

  await build(client, p, 'app');
  const webId = await createAndStart(client, p, 'web');
  const firstAppId = await createAndStart(client, p, 'app');
  assert.equal(await cat(client, firstAppId, '/msg.txt'), 'first build\n');

  const lines: string[] = [];
  const warnings: string[] = [];
  const ac = new AbortController();
  const watching = watchProject(client, p, {
    services: [],
    prune: true,
    signal: ac.signal,
    quietMs: 200,
    log: (l) => lines.push(l),
    warn: (w) => warnings.push(w),
    hooks: {
      build: async (services) => { for (const s of services) await build(client, p, s); },
      recreate: async (services) => {
        for (const s of services) {
          for (const c of await serviceContainers(client, p.name, s)) await client.call('DELETE', `/containers/${c.Id}`, { query: { force: 1 } });
          await createAndStart(client, p, s);
        }
      },
    },
  });
  t.after(async () => { ac.abort(); await watching.catch(() => undefined); });
  await eventually(() => lines.includes('Watch enabled'), 10_000, 'Watch enabled');

  // sync: new and changed files (a new directory too) go in; an ignored one does not
  mkdirSync(join(dir, 'src/new'));
  writeFileSync(join(dir, 'src/new/deep.txt'), 'deep\n');
  writeFileSync(join(dir, 'src/index.txt'), 'v2\n');
  writeFileSync(join(dir, 'src/skip.tmp'), 'no\n');
  await eventually(async () => (await cat(client, webId, '/app/src/new/deep.txt')) === 'deep\n' && (await cat(client, webId, '/app/src/index.txt')) === 'v2\n', 20_000, 'the changed files in the container');
  assert.equal(await cat(client, webId, '/app/src/skip.tmp'), undefined, 'ignored file not copied');
  assert.ok(lines.some((l) => /^Syncing service "web" after \d+ changes were detected$/.test(l)), lines.join('\n'));

  // a deleted file is removed in the container
  unlinkSync(join(dir, 'src/new/deep.txt'));
  await eventually(async () => (await cat(client, webId, '/app/src/new/deep.txt')) === undefined, 20_000, 'the deleted file to go');

  // sync+restart: the file goes in and the container restarts
  const startedAt = (await client.json('GET', `/containers/${webId}/json`)).State.StartedAt;
  writeFileSync(join(dir, 'conf/app.conf'), 'a=2\n');
  await eventually(() => lines.includes('service(s) ["web"] restarted'), 30_000, 'the restart');
  const after = await client.json('GET', `/containers/${webId}/json`);
  assert.notEqual(after.State.StartedAt, startedAt);
  assert.equal(after.State.Running, true);
  assert.equal(await cat(client, webId, '/etc/app/app.conf'), 'a=2\n');

  // sync+exec: the command runs after the copy
  writeFileSync(join(dir, 'hooks/one.sh'), 'echo one\n');
  await eventually(async () => (await cat(client, webId, '/app/hooks-ran')) === 'one.sh\n', 20_000, 'the exec hook');
  await eventually(() => lines.includes('hook ran'), 5_000, 'the hook output');

  // rebuild: a new image and a new container with the new content
  writeFileSync(join(dir, 'app/msg.txt'), 'second build\n');
  await eventually(() => lines.includes('service(s) ["app"] successfully built'), 60_000, 'the rebuild');
  let appId = '';
  await eventually(async () => {
    const list = await serviceContainers(client, p.name, 'app');
    appId = list[0]?.Id ?? '';
    return list.length === 1 && appId !== firstAppId && list[0].State === 'running';
  }, 30_000, 'the new app container');
  assert.equal(await cat(client, appId, '/msg.txt'), 'second build\n');
  assert.ok(lines.includes('Rebuilding service(s) ["app"] after changes were detected...'));

  ac.abort();
  await watching;
  assert.equal(lines.at(-1), 'Watch disabled');
  assert.deepEqual(warnings, []);
});
