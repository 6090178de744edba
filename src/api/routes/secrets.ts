import type { Router } from '../router.js';
import { sendEmpty, sendJson } from '../http.js';
import { readBody } from '../request-body.js';

/**
 * Docker's /secrets endpoints for one host (dockerd answers them only as a Swarm manager). The value
 * goes in (Spec.Data, base64) and never comes back out.
 */
export function secretRoutes(r: Router): void {
  r.get('/secrets', (ctx) => sendJson(ctx.res, 200, ctx.engine.listSecrets(ctx.query.filters())));
  r.post('/secrets/create', async (ctx) => {
    const body = await readBody(ctx, 'SecretCreate');
    sendJson(ctx.res, 201, ctx.engine.createSecret(body));
  });
  r.get('/secrets/([^/]+)', (ctx) => sendJson(ctx.res, 200, ctx.engine.inspectSecret(decodeURIComponent(ctx.params[0]))));
  r.add('DELETE', '/secrets/([^/]+)', (ctx) => { ctx.engine.removeSecret(decodeURIComponent(ctx.params[0])); sendEmpty(ctx.res, 204); });
  r.post('/secrets/([^/]+)/update', (ctx) => { ctx.engine.secrets.update(decodeURIComponent(ctx.params[0])); });
}
