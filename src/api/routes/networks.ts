import type { Router, Ctx } from '../router.js';
import { sendEmpty, sendJson } from '../http.js';
import { readBody } from '../request-body.js';
import type { NetworkManager } from '../../network/network-manager.js';

function nets(ctx: Ctx): NetworkManager {
  return ctx.engine.requireNetworks();
}

/** Engine API network endpoints. */
export function networkRoutes(r: Router): void {
  r.get('/networks', (ctx) => sendJson(ctx.res, 200, nets(ctx).list(ctx.query.filters())));
  r.post('/networks/create', async (ctx) => {
    const body = await readBody(ctx, 'NetworkCreate');
    sendJson(ctx.res, 201, await nets(ctx).create(body));
  });
  r.post('/networks/prune', async (ctx) => sendJson(ctx.res, 200, await ctx.engine.pruneNetworks(ctx.query.filters())));
  r.get('/networks/([^/]+)', (ctx) => sendJson(ctx.res, 200, nets(ctx).inspect(decodeURIComponent(ctx.params[0]))));
  r.add('DELETE', '/networks/([^/]+)', async (ctx) => { await nets(ctx).remove(decodeURIComponent(ctx.params[0])); sendEmpty(ctx.res, 204); });
  r.post('/networks/([^/]+)/connect', async (ctx) => {
    const body = await readBody(ctx, 'NetworkConnect');
    await nets(ctx).connect(decodeURIComponent(ctx.params[0]), String(body?.Container ?? ''), body?.EndpointConfig ?? {});
    sendEmpty(ctx.res, 200);
  });
  r.post('/networks/([^/]+)/disconnect', async (ctx) => {
    const body = await readBody(ctx, 'NetworkDisconnect');
    await nets(ctx).disconnect(decodeURIComponent(ctx.params[0]), String(body?.Container ?? ''), !!body?.Force);
    sendEmpty(ctx.res, 200);
  });
}
