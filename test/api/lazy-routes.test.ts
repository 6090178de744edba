/**
 * The route modules that load on first use (src/api/lazy-routes.ts): each declared list is exactly
 * what its module registers, and a lazy route answers like an eager one (match, 404, 405, retry after
 * a failed load).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Router, type Ctx } from '../../src/api/router.js';
import { LAZY_ROUTE_LISTS } from '../../src/api/lazy-routes.js';
import { buildRoutes } from '../../src/api/routes/build.js';
import { sbomRoutes } from '../../src/api/routes/sbom.js';
import { scanRoutes } from '../../src/api/routes/scan.js';
import { auditRoutes } from '../../src/api/routes/audit.js';

const EAGER: Record<keyof typeof LAZY_ROUTE_LISTS, (r: Router) => void> = { build: buildRoutes, sbom: sbomRoutes, scan: scanRoutes, audit: auditRoutes };

test('each lazy list names exactly the routes its module registers, in order', () => {
  for (const [name, register] of Object.entries(EAGER)) {
    const r = new Router();
    register(r);
    const want = new Router();
    for (const [m, p] of LAZY_ROUTE_LISTS[name as keyof typeof LAZY_ROUTE_LISTS]) want.add(m, p, () => undefined);
    assert.deepEqual(r.list(), want.list(), name);
  }
});

test('a lazy route loads its module on the first request only, and matches like an eager one', async () => {
  let loads = 0;
  const calls: string[][] = [];
  const r = new Router();
  r.get('/before', () => undefined);
  r.lazy([['GET', '/things/([^/]+)/json'], ['POST', '/things']], async () => {
    loads++;
    return (sub: Router) => {
      sub.get('/things/([^/]+)/json', (ctx) => { calls.push(['json', ...ctx.params]); });
      sub.post('/things', () => { calls.push(['create']); });
    };
  });
  assert.equal(loads, 0, 'nothing loaded at registration');
  assert.equal(r.match('GET', '/things'), 'method', 'wrong method: 405 as for an eager route');
  assert.equal(r.match('GET', '/nothing'), undefined);
  const m = r.match('GET', '/things/a%20b/json');
  assert.ok(m && m !== 'method');
  await m.handler({ params: m.params } as Ctx);
  const c = r.match('POST', '/things');
  assert.ok(c && c !== 'method');
  await c.handler({ params: c.params } as Ctx);
  await m.handler({ params: m.params } as Ctx);
  assert.equal(loads, 1, 'loaded once');
  assert.deepEqual(calls, [['json', 'a b'], ['create'], ['json', 'a b']]);
});

test('a failed load is retried on the next request', async () => {
  let attempt = 0;
  const r = new Router();
  r.lazy([['GET', '/x']], async () => {
    if (++attempt === 1) throw new Error('disk hiccup');
    return (sub: Router) => { sub.get('/x', () => undefined); };
  });
  const m = r.match('GET', '/x');
  assert.ok(m && m !== 'method');
  await assert.rejects(Promise.resolve(m.handler({ params: [] } as unknown as Ctx)), /disk hiccup/);
  await m.handler({ params: [] } as unknown as Ctx);
  assert.equal(attempt, 2);
});
