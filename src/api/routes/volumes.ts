import type { Router } from '../router.js';
import { NotSupportedError } from '../../common/errors.js';
import { sendEmpty, sendJson } from '../http.js';
import { readBody } from '../request-body.js';

/** Engine API volume endpoints. */
export function volumeRoutes(r: Router): void {
  r.get('/volumes', (ctx) => sendJson(ctx.res, 200, ctx.engine.volumes.list(ctx.query.filters())));
  r.post('/volumes/create', async (ctx) => {
    const body = await readBody(ctx, 'VolumeCreate');
    const { anonymous: _ignored, ...clean } = body ?? {};
    sendJson(ctx.res, 201, await ctx.engine.volumes.create(clean));
  });
  r.post('/volumes/prune', async (ctx) => sendJson(ctx.res, 200, await ctx.engine.pruneVolumes(ctx.query.filters())));
  r.get('/volumes/([^/]+)', (ctx) => sendJson(ctx.res, 200, ctx.engine.volumes.inspect(decodeURIComponent(ctx.params[0]))));
  r.add('PUT', '/volumes/([^/]+)', () => { throw new NotSupportedError('updating volumes is only for cluster volumes, which berth does not have'); });
  r.add('DELETE', '/volumes/([^/]+)', async (ctx) => { await ctx.engine.volumes.remove(decodeURIComponent(ctx.params[0]), ctx.query.bool('force')); sendEmpty(ctx.res, 204); });
}
