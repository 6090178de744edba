import type { Router, Ctx } from '../router.js';
import { InvalidArgumentError, NotSupportedError } from '../../common/errors.js';
import { sendJson } from '../http.js';
import { readBody } from '../request-body.js';
import { shapeImageInspect, shapeImageSummaries } from '../versions/shape.js';
import { pullRoute } from './distribution.js';
import { jsonStream } from '../json-stream.js';

/** changes may be repeated query params or a JSON list (docker CLI sends repeated `changes`). */
function changesParam(ctx: Ctx): string[] {
  return ctx.query.all('changes').filter((c) => c !== '');
}

export function imageRoutes(r: Router): void {
  r.get('/images/json', (ctx) => {
    sendJson(ctx.res, 200, shapeImageSummaries(ctx.version, ctx.engine.images.summaries({ all: ctx.query.bool('all'), digests: ctx.query.bool('digests'), filters: ctx.query.filters() })));
  });

  r.post('/images/prune', async (ctx) => {
    sendJson(ctx.res, 200, await ctx.engine.pruneImages(ctx.query.filters()));
  });

  r.post('/images/create', async (ctx) => {
    const fromImage = ctx.query.str('fromImage');
    const fromSrc = ctx.query.str('fromSrc');
    const tag = ctx.query.str('tag');
    if (fromSrc !== undefined) {
      if (fromSrc !== '-') throw new NotSupportedError('importing from a URL is not supported; download the file and import it from stdin');
      const repo = ctx.query.str('repo');
      const ref = repo ? (tag ? `${repo}:${tag}` : repo) : undefined;
      const s = jsonStream(ctx);
      try {
        const img = await ctx.engine.importImage(ctx.req, { ref, message: ctx.query.str('message') || `Imported from ${fromSrc}`, changes: changesParam(ctx) });
        s.write({ status: img.id });
      } catch (e) { s.fail(e); }
      s.end();
      return;
    }
    if (!fromImage) throw new InvalidArgumentError('fromImage or fromSrc is required');
    await pullRoute(ctx, fromImage, tag);
  });

  r.post('/berth/images/bootstrap', async (ctx) => {
    const name = ctx.query.str('name');
    if (name !== 'busybox' && name !== 'debian') throw new InvalidArgumentError('name must be busybox or debian');
    const img = await ctx.engine.bootstrap(name, { tag: ctx.query.str('tag') || undefined });
    sendJson(ctx.res, 200, { Id: img.id, RepoTags: img.repoTags });
  });

  r.post('/commit', async (ctx) => {
    const container = ctx.query.str('container');
    if (!container) throw new InvalidArgumentError('container is required');
    const config = await readBody(ctx, 'ImageCommit');
    const out = await ctx.engine.containers.commit(container, {
      repo: ctx.query.str('repo') || undefined,
      tag: ctx.query.str('tag') || undefined,
      comment: ctx.query.str('comment') || undefined,
      author: ctx.query.str('author') || undefined,
      changes: changesParam(ctx),
      pause: ctx.query.bool('pause', true),
      config: Object.keys(config).length ? config : undefined,
    });
    sendJson(ctx.res, 201, out);
  });

  r.get('/images/(.+)/json', (ctx) => sendJson(ctx.res, 200, shapeImageInspect(ctx.version, ctx.engine.images.inspect(ctx.params[0]))));
  r.get('/images/(.+)/history', (ctx) => sendJson(ctx.res, 200, ctx.engine.images.history(ctx.params[0])));
  r.post('/images/(.+)/tag', (ctx) => {
    const repo = ctx.query.str('repo');
    if (!repo) throw new InvalidArgumentError('repo is required');
    const tag = ctx.query.str('tag');
    ctx.engine.images.tag(ctx.params[0], tag ? `${repo}:${tag}` : repo);
    ctx.res.writeHead(201);
    ctx.res.end();
  });
  r.delete('/images/(.+)', async (ctx) => {
    const out = await ctx.engine.images.remove(ctx.params[0], {
      force: ctx.query.bool('force'),
      noPrune: ctx.query.bool('noprune'),
      inUseBy: (id: string) => {
        const cid = ctx.engine.containers.imageInUse(id);
        return cid ? { id: cid, running: Boolean(ctx.engine.containers.inspect(cid).State?.Running) } : undefined;
      },
    });
    sendJson(ctx.res, 200, out);
  });
}
