/**
 * Engine API routes that move images between the engine and registries or archives:
 * pull (POST /images/create?fromImage=), push, save (/images/get), load, /auth and
 * /distribution/{name}/json. Credentials arrive base64url-encoded in X-Registry-Auth /
 * the /auth body, as the docker CLI sends them.
 */
import type { Credentials } from '../../registry/client/http.js';
import { jsonStream } from '../json-stream.js';
import { familiarString, parseNormalizedNamed } from '../../image/reference.js';
import { sendJson } from '../http.js';
import { readBody } from '../request-body.js';
import type { Ctx, Router } from '../router.js';

export function decodeAuth(header: string | string[] | undefined): Credentials | undefined {
  const h = Array.isArray(header) ? header[0] : header;
  if (!h) return undefined;
  try {
    const j = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    if (!j || typeof j !== 'object') return undefined;
    return { username: j.username || undefined, password: j.password || undefined, identitytoken: j.identitytoken || undefined, registrytoken: j.registrytoken || undefined };
  } catch { return undefined; }
}

/** POST /images/create?fromImage=...&tag=... (a registry pull, or the local bootstrap of busybox/debian). */
export async function pullRoute(ctx: Ctx, fromImage: string, tag: string | undefined): Promise<void> {
  const s = jsonStream(ctx);
  try {
    await ctx.engine.pull(fromImage, { tag, platform: ctx.query.str('platform') || undefined, auth: decodeAuth(ctx.req.headers['x-registry-auth']), onProgress: s.write });
  } catch (e) { s.fail(e); }
  s.end();
}

export function distributionRoutes(r: Router): void {
  r.post('/images/(.+)/push', async (ctx) => {
    const s = jsonStream(ctx);
    try {
      await ctx.engine.push(ctx.params[0], { tag: ctx.query.str('tag'), auth: decodeAuth(ctx.req.headers['x-registry-auth']), onProgress: s.write });
    } catch (e) { s.fail(e); }
    s.end();
  });

  r.post('/auth', async (ctx) => {
    const body = await readBody(ctx, 'SystemAuth');
    const identitytoken = typeof body.identitytoken === 'string' && body.identitytoken ? body.identitytoken : undefined;
    await ctx.engine.login({ serveraddress: body.serveraddress, username: body.username, password: body.password, identitytoken });
    sendJson(ctx.res, 200, { Status: 'Login Succeeded', IdentityToken: '' });
  });

  r.get('/distribution/(.+)/json', async (ctx) => {
    sendJson(ctx.res, 200, await ctx.engine.inspectDistribution(ctx.params[0], decodeAuth(ctx.req.headers['x-registry-auth'])));
  });

  const tarHead = (ctx: Ctx) => () => ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  r.get('/images/get', async (ctx) => {
    await ctx.engine.save(ctx.query.all('names'), ctx.res, tarHead(ctx));
  });
  r.get('/images/(.+)/get', async (ctx) => {
    await ctx.engine.save([ctx.params[0]], ctx.res, tarHead(ctx));
  });

  r.post('/images/load', async (ctx) => {
    const quiet = ctx.query.bool('quiet');
    const loaded = await ctx.engine.load(ctx.req);
    const s = jsonStream(ctx);
    for (const l of loaded) {
      const msg = l.tag ? `Loaded image: ${familiarString(parseNormalizedNamed(l.tag))}` : `Loaded image ID: ${l.id}`;
      if (!quiet || l.tag) s.write({ stream: msg + '\n' });
    }
    s.end();
  });
}
