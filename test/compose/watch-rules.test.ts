/** develop.watch rules: which changed paths a rule takes, and where they go in the container. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { watchRules } from '../../src/compose/ops/watch-rules.js';
import { quoteList } from '../../src/compose/ops/watch.js';
import type { ServiceConfig } from '../../src/compose/model.js';
import { project, service } from './convert-fixtures.js';

function tree(t: { after: (fn: () => void) => void }): string {
  const dir = realpathSync(mkdtempSync('/tmp/bt-watch-rules-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'app/src/lib'), { recursive: true });
  mkdirSync(join(dir, 'app/node_modules'), { recursive: true });
  writeFileSync(join(dir, 'app/.dockerignore'), '# comment\n**/*.log\nsecret/\n!src/keep.log\n');
  return dir;
}

test('sync rules map paths under the trigger to the target; ignores and includes apply', (t) => {
  const dir = tree(t);
  const web = service('web', {
    image: 'busybox',
    build: { context: join(dir, 'app') },
    develop: { watch: [
      { path: join(dir, 'app/src'), action: 'sync', target: '/srv/src', ignore: ['lib/gen/', '*.tmp'] },
      { path: join(dir, 'app/package.json'), action: 'rebuild' },
      { path: join(dir, 'app'), action: 'sync+restart', target: '/srv', include: ['*.conf', 'conf.d/**'] },
    ] },
  });
  const rules = watchRules(project([web], { workingDir: dir }), []);
  assert.equal(rules.length, 3);
  const [sync, rebuild, conf] = rules;
  const m = (rule: typeof sync, rel: string) => rule.match(join(dir, rel));

  assert.deepEqual(m(sync, 'app/src/index.js'), { hostPath: join(dir, 'app/src/index.js'), containerPath: '/srv/src/index.js' });
  assert.deepEqual(m(sync, 'app/src/lib/a/b.js'), { hostPath: join(dir, 'app/src/lib/a/b.js'), containerPath: '/srv/src/lib/a/b.js' });
  assert.deepEqual(m(sync, 'app/src'), { hostPath: join(dir, 'app/src'), containerPath: '/srv/src' });
  assert.equal(m(sync, 'app/other.js'), undefined, 'outside the trigger path');
  assert.equal(m(sync, 'app/srcx/a.js'), undefined, 'a sibling with the same prefix is not under it');
  // the rule's ignore (relative to its path; a directory pattern covers what is below)
  assert.equal(m(sync, 'app/src/lib/gen/x.js'), undefined);
  assert.equal(m(sync, 'app/src/a.tmp'), undefined);
  // the build context's .dockerignore (relative to the context), with its exclusions
  assert.equal(m(sync, 'app/src/debug.log'), undefined);
  assert.ok(m(sync, 'app/src/keep.log'), '!src/keep.log re-includes it');
  // editors' files and .git
  for (const f of ['app/src/.index.js.swp', 'app/src/index.js~', 'app/src/.#index.js', 'app/src/#index.js#', 'app/src/4913', 'app/src/.idea/workspace.xml', 'app/src/x___jb_tmp___', 'app/src/.git/HEAD']) {
    assert.equal(m(sync, f), undefined, f);
  }

  // a rebuild rule on one file: the file itself, no container path
  assert.deepEqual(m(rebuild, 'app/package.json'), { hostPath: join(dir, 'app/package.json') });
  assert.equal(m(rebuild, 'app/package.json.bak'), undefined);

  // include: only what matches, relative to the rule's path
  assert.deepEqual(m(conf, 'app/nginx.conf'), { hostPath: join(dir, 'app/nginx.conf'), containerPath: '/srv/nginx.conf' });
  assert.ok(m(conf, 'app/conf.d/a/b.txt'));
  assert.equal(m(conf, 'app/src/index.js'), undefined);
});

test('rules are checked as compose checks them; bind-mounted sync paths are left out with a warning', (t) => {
  const dir = tree(t);
  const noBuild = service('api', { image: 'busybox', develop: { watch: [{ path: join(dir, 'app'), action: 'rebuild' }] } });
  assert.throws(() => watchRules(project([noBuild]), []), (e: any) => e.code === 'ERR_COMPOSE_WATCH' && /can't watch service "api" with action rebuild without a build context/.test(e.message));
  const noCommand = service('api', { image: 'busybox', develop: { watch: [{ path: join(dir, 'app'), action: 'sync+exec', target: '/x' }] } });
  assert.throws(() => watchRules(project([noCommand]), []), /without a command/);
  assert.throws(() => watchRules(project([service('a', { image: 'busybox' })]), ['nope']), (e: any) => e.code === 'ERR_COMPOSE_NO_SERVICE');

  const bound: ServiceConfig = service('web', {
    image: 'busybox',
    volumes: [{ type: 'bind', source: join(dir, 'app'), target: '/srv', bind: { create_host_path: true } }],
    develop: { watch: [{ path: join(dir, 'app/src'), action: 'sync', target: '/srv/src' }, { path: join(dir, 'app/src'), action: 'restart' }] },
  });
  const warnings: string[] = [];
  const rules = watchRules(project([bound]), [], (w) => warnings.push(w));
  assert.deepEqual(rules.map((r) => r.trigger.action), ['restart']);
  assert.deepEqual(warnings, [`path '${join(dir, 'app/src')}' also declared by a bind mount volume, this path won't be monitored!`]);

  // only the selected services; no develop section: no rules
  assert.deepEqual(watchRules(project([bound, service('db', { image: 'busybox' })]), ['db']), []);
});

test('service lists print as Go prints a []string with %q', () => {
  assert.equal(quoteList(['web']), '["web"]');
  assert.equal(quoteList(['api', 'web']), '["api" "web"]');
});
